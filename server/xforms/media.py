"""Form media: the static files a form version refers to (images, audio, video, CSV).

A designer uploads each file under the exact name the form uses (``jr://images/logo.png``
→ ``logo.png``). Only files the version expects are accepted; a register list name
(``households.csv`` ...) is refused, because Gridbook generates those per collector. A new
version inherits the files of the previous version that it still references
(``services._carry_media_over``); a file replaced in one version never changes another
version's file, since stored files are never overwritten.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction

from server.core.errors import GridbookError
from server.core.storage import media_storage, safe_file_name, storage_key
from server.xforms import errors
from server.xforms.models import FormMedia, FormVersion
from server.xforms.register_names import REGISTER_LIST_NAMES

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp")
CONTENT_TYPES = {".csv": "text/csv", ".geojson": "application/geo+json", ".xml": "text/xml"}


@dataclass(frozen=True)
class ExpectedFile:
    filename: str
    type: str  # images, audio, video, file, file-csv (the jr:// scheme)
    generated: bool  # a register list Gridbook generates per collector
    present: bool  # generated, or uploaded for this version


@dataclass(frozen=True)
class MediaStatus:
    expected: list[ExpectedFile]

    @property
    def present(self) -> list[str]:
        return [item.filename for item in self.expected if item.present and not item.generated]

    @property
    def missing(self) -> list[str]:
        return [item.filename for item in self.expected if not item.present]

    @property
    def generated(self) -> list[str]:
        return [item.filename for item in self.expected if item.generated]


def media_status(form_version: FormVersion) -> MediaStatus:
    """What the version expects, what is uploaded, what is still missing."""
    attachments = (form_version.schema or {}).get("attachments", [])
    uploaded = set(form_version.media.values_list("filename", flat=True))
    expected = [
        ExpectedFile(
            filename=item["filename"],
            type=item.get("type", "file"),
            generated=item["filename"] in REGISTER_LIST_NAMES,
            present=item["filename"] in REGISTER_LIST_NAMES or item["filename"] in uploaded,
        )
        for item in attachments
    ]
    return MediaStatus(expected=expected)


def form_media_upload(*, form_version: FormVersion, filename: str, upload: File) -> FormMedia:
    """Store (or replace) one media file of a version; returns its row."""
    _check_name(form_version, filename)
    size = upload.size or 0
    _check_size(filename, size)
    md5 = _md5(upload)
    if filename.lower().endswith(IMAGE_EXTENSIONS):
        _check_image(filename, upload)
    key = media_storage().save(_key(form_version, filename), upload)
    try:
        return _record(form_version, filename, key, md5, size)
    except BaseException:
        media_storage().delete(key)
        raise


def form_media_upload_bytes(*, form_version: FormVersion, filename: str, data: bytes) -> FormMedia:
    return form_media_upload(
        form_version=form_version, filename=filename, upload=ContentFile(data, name=filename)
    )


def form_media_delete(*, form_version: FormVersion, filename: str) -> None:
    media = FormMedia.objects.filter(form_version=form_version, filename=filename).first()
    if media is None:
        raise GridbookError(
            errors.FORM_MEDIA_NOT_FOUND,
            form_id=form_version.form.form_id,
            version=form_version.version,
            filename=filename,
        )
    key = str(media.file.name)
    with transaction.atomic():
        media.delete()
        transaction.on_commit(lambda: _delete_if_unused(key))


def _check_name(form_version: FormVersion, filename: str) -> None:
    if filename in REGISTER_LIST_NAMES:
        raise GridbookError(errors.FORM_MEDIA_IS_REGISTER_LIST, filename=filename)
    expected = [
        item["filename"]
        for item in (form_version.schema or {}).get("attachments", [])
        if item["filename"] not in REGISTER_LIST_NAMES
    ]
    if filename not in expected:
        raise GridbookError(
            errors.FORM_MEDIA_NOT_EXPECTED,
            form_id=form_version.form.form_id,
            version=form_version.version,
            filename=filename,
            expected=", ".join(expected) or "-",
        )


def _check_size(filename: str, size: int) -> None:
    limit_mb = settings.GRIDBOOK_FORM_MEDIA_MAX_MB
    if size > limit_mb * 1024 * 1024:
        raise GridbookError(
            errors.FORM_MEDIA_TOO_LARGE,
            filename=filename,
            size_mb=round(size / 1024 / 1024, 1),
            limit_mb=limit_mb,
        )


def _md5(upload: File) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _check_image(filename: str, upload: File) -> None:
    from PIL import Image, UnidentifiedImageError

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise GridbookError(errors.FORM_MEDIA_NOT_IMAGE, filename=filename) from None
    finally:
        upload.seek(0)


def _key(form_version: FormVersion, filename: str) -> str:
    return storage_key(
        "forms",
        safe_file_name(form_version.form.form_id, fallback="form"),
        safe_file_name(form_version.version, fallback="no-version"),
        "media",
        safe_file_name(filename),
    )


def content_type_for(filename: str) -> str:
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    guessed = CONTENT_TYPES.get(extension) or mimetypes.guess_type(filename)[0]
    return guessed or "application/octet-stream"


@transaction.atomic
def _record(form_version: FormVersion, filename: str, key: str, md5: str, size: int) -> FormMedia:
    previous = (
        FormMedia.objects.select_for_update()
        .filter(form_version=form_version, filename=filename)
        .first()
    )
    fields = {"file": key, "md5": md5, "size": size, "content_type": content_type_for(filename)}
    if previous is None:
        return FormMedia.objects.create(form_version=form_version, filename=filename, **fields)
    old_key = str(previous.file.name)
    for name, value in fields.items():
        setattr(previous, name, value)
    previous.save()
    transaction.on_commit(lambda: _delete_if_unused(old_key))
    return previous


def _delete_if_unused(key: str) -> None:
    """Drop a stored file no version refers to any more (carried-over files are shared)."""
    if key and not FormMedia.objects.filter(file=key).exists():
        media_storage().delete(key)
