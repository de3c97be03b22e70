"""Attachments on their way in: checked, then written to the media storage under
deterministic keys, before any database row refers to them.

Keys are ``submissions/<form>/<instance>/<md5 prefix>-<safe name>``, built only from
``safe_file_name`` components: a hostile name (``../``, NUL, 300 bytes, ``%22``) never becomes a
path, and the original name is kept as data on the row. A file written for a request whose
rows were then not committed (a crash, a lost race) is an orphan under that prefix, which
``manage.py prune_media`` finds and removes after a grace period.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage

from server.core.errors import GridbookError
from server.core.storage import media_storage, safe_file_name, storage_key
from server.submissions import errors, images
from server.submissions.parsing import FileReference

logger = logging.getLogger(__name__)

ROOT = "submissions"


@dataclass(frozen=True)
class IncomingFile:
    """One file part of a POST: its bytes (spooled by the upload handlers), their md5 (hashed
    while streaming), size and the part's content type."""

    file: IO[bytes]
    size: int
    md5: str
    content_type: str


@dataclass(frozen=True)
class CheckedFile:
    reference: FileReference
    incoming: IncomingFile
    image: images.ImageInfo | None

    @property
    def name(self) -> str:
        return self.reference.name


def check_files(
    references: Sequence[FileReference], files: Mapping[str, IncomingFile], wanted: Iterable[str]
) -> list[CheckedFile]:
    """The wanted files this POST carries, each checked (photos by Pillow). One bad photo
    refuses the whole POST (``GridbookError``): nothing of it is stored."""
    wanted_names = set(wanted)
    return [
        _check(reference, files[reference.name])
        for reference in references
        if reference.name in wanted_names and reference.name in files
    ]


def _check(reference: FileReference, incoming: IncomingFile) -> CheckedFile:
    claimed = images.claimed_format(reference.name, incoming.content_type)
    if claimed is None:
        return CheckedFile(reference, incoming, None)
    try:
        info = images.inspect_image(incoming.file, claimed)
    except images.BadImage as bad:
        raise _image_error(reference.name, bad) from None
    return CheckedFile(reference, incoming, info)


def _image_error(name: str, bad: images.BadImage) -> GridbookError:
    if bad.reason == "too_many_pixels":
        return GridbookError(
            errors.IMAGE_TOO_MANY_PIXELS, name=name, limit=images.IMAGE_MAX_PIXELS // 1_000_000
        )
    if bad.reason == "wrong_type":
        return GridbookError(
            errors.IMAGE_WRONG_TYPE, name=name, claimed=bad.claimed, actual=bad.actual
        )
    return GridbookError(errors.NOT_AN_IMAGE, name=name, claimed=bad.claimed)


def instance_folder(form_id: str, instance_id: str) -> str:
    return storage_key(
        ROOT,
        safe_file_name(form_id, fallback="form"),
        safe_file_name(instance_id, fallback="instance"),
    )


def attachment_key(form_id: str, instance_id: str, name: str, md5: str) -> str:
    leaf = safe_file_name(f"{md5[:12]}-{safe_file_name(name)}")
    return f"{instance_folder(form_id, instance_id)}/{leaf}"


def store_files(form_id: str, instance_id: str, checked: Sequence[CheckedFile]) -> dict[str, str]:
    """Write each file (no database lock is held); returns name → the key it was saved under.
    On a storage failure, removes what this call wrote and raises ``STORAGE_FAILED``."""
    storage = media_storage()
    written: dict[str, str] = {}
    try:
        for item in checked:
            key = attachment_key(form_id, instance_id, item.name, item.incoming.md5)
            item.incoming.file.seek(0)
            written[item.name] = _save(storage, key, item)
    except Exception as error:
        logger.error("storing attachments of %s failed: %r", instance_id, error)
        discard(written.values())
        raise GridbookError(errors.STORAGE_FAILED) from error
    return written


def _save(storage: Storage, key: str, item: CheckedFile) -> str:
    """Save one file. A local disk that fills up mid-write leaves a partial file under the
    name being written (S3 writes are all or nothing): remove it. A file of the full size
    there is a concurrent twin's (same key, same content) and stays."""
    if not isinstance(storage, FileSystemStorage):
        return storage.save(key, File(item.incoming.file, name=key))
    name = storage.get_available_name(key)
    try:
        return storage.save(name, File(item.incoming.file, name=name))
    except Exception:
        with contextlib.suppress(OSError):
            if storage.exists(name) and storage.size(name) != item.incoming.size:
                storage.delete(name)
        raise


def discard(keys: Iterable[str]) -> None:
    """Best-effort removal of files no row will refer to (prune_media catches the rest)."""
    storage = media_storage()
    for key in keys:
        try:
            storage.delete(key)
        except Exception:
            logger.warning("could not remove orphan %s", key, exc_info=True)
