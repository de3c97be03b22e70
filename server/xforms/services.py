"""Writes about forms: uploading (a new form or a new version), states, testers, publications.

An upload is converted first (``xlsform``), outside any transaction; nothing is written
unless it converted. Versions follow the rules of the field: a form is its ``form_id``; a
changed ``version`` makes a new version, which becomes the current one (offered to phones);
the same version with other content is refused with what to do (raise ``settings.version``);
the identical form again is a no-op success. Older versions stay, keep accepting
submissions and stay downloadable. The database enforces one row per (form, version).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from server.accounts.models import Role, User
from server.core.errors import GridbookError
from server.core.storage import md5_hex, media_storage, safe_file_name, storage_key
from server.grids.models import Area
from server.xforms import errors
from server.xforms.models import Form, FormKind, FormMedia, FormPublication, FormState, FormVersion
from server.xforms.problems import Problem, lazy_message
from server.xforms.register_names import REGISTER_LIST_NAMES
from server.xforms.schema import XFormError, derive_schema, xform_identity
from server.xforms.xlsform import Conversion, ConversionFailed, ValidatorUnavailable, convert_form

SHIPPED_KINDS = {
    "hh_visit": FormKind.HOUSEHOLD_VISIT,
    "needs_survey": FormKind.NEEDS_SURVEY,
    "satisfaction": FormKind.SATISFACTION,
}


@dataclass(frozen=True)
class UploadResult:
    """``created``: a new version was stored; False when the identical form was already
    there. ``form_created``: this upload created the form itself."""

    version: FormVersion
    created: bool
    form_created: bool = False


@dataclass(frozen=True)
class PreparedVersion:
    form_id: str
    version: str
    title: str
    xml: bytes
    xml_md5: str
    schema: dict
    warnings: list[dict]
    validated: bool


def kind_for_form_id(form_id: str) -> str:
    return SHIPPED_KINDS.get(form_id, FormKind.OTHER)


# ------------------------------------------------------------------ uploading


def form_upload(
    *, data: bytes, file_name: str, user: User | None, validate: bool | None = None
) -> UploadResult:
    """Convert an uploaded form file and store it as a form version (see the module doc)."""
    check_form_file_size(len(data))
    prepared = prepare_version(data=data, file_name=file_name, validate=validate)
    return form_version_create(prepared=prepared, source=data, source_name=file_name, user=user)


def check_form_file_size(size: int) -> None:
    limit = settings.GRIDBOOK_FORM_MAX_MB * 1024 * 1024
    if size > limit:
        raise GridbookError(
            errors.FORM_FILE_TOO_LARGE,
            size_mb=round(size / 1024 / 1024, 1),
            limit_mb=settings.GRIDBOOK_FORM_MAX_MB,
        )


def prepare_version(*, data: bytes, file_name: str, validate: bool | None) -> PreparedVersion:
    """Convert and read the form; raise ``GridbookError`` (nothing stored) when it fails."""
    try:
        conversion = convert_form(data, file_name=file_name, validate=validate)
        return prepared_from(conversion)
    except ConversionFailed as failure:
        raise conversion_error(failure.problems) from None
    except ValidatorUnavailable:
        raise GridbookError(errors.FORM_VALIDATOR_UNAVAILABLE) from None


def prepared_from(conversion: Conversion) -> PreparedVersion:
    try:
        identity = xform_identity(conversion.xml)
        schema = derive_schema(conversion.xml)
    except XFormError as error:
        raise ConversionFailed([Problem(code="not_xform", value=error.reason)]) from None
    return PreparedVersion(
        form_id=identity.form_id,
        version=identity.version,
        title=identity.title or identity.form_id,
        xml=conversion.xml,
        xml_md5=md5_hex(conversion.xml),
        schema=schema,
        warnings=[problem.as_record() for problem in conversion.warnings],
        validated=conversion.validated,
    )


def conversion_error(problems: list[Problem]) -> GridbookError:
    """``form_not_converted`` with every problem in ``details.problems``; the problems
    themselves ride along as ``error.problem_records`` (to store and render later)."""
    error = GridbookError(
        errors.FORM_NOT_CONVERTED,
        count=len(problems),
        first=lazy_message(problems[0]) if problems else "",
        problems=[problem.as_json() for problem in problems],
    )
    error.problem_records = [problem.as_record() for problem in problems]  # type: ignore[attr-defined]
    return error


def form_version_create(
    *, prepared: PreparedVersion, source: bytes, source_name: str, user: User | None
) -> UploadResult:
    """Store a converted form as a version of its form (created on first upload)."""
    existing = _existing_version(prepared)
    if existing is not None:
        return UploadResult(version=existing, created=False)
    source_key = _save_source(prepared, source, source_name)
    try:
        return _create_version(prepared, source_key, source_name, user)
    except IntegrityError:
        media_storage().delete(source_key)
        existing = _existing_version(prepared)  # a concurrent upload of the same version
        if existing is None:
            raise
        return UploadResult(version=existing, created=False)
    except BaseException:
        media_storage().delete(source_key)
        raise


def _existing_version(prepared: PreparedVersion) -> FormVersion | None:
    """The same version already stored: None if absent, itself if identical, else refuse."""
    form = Form.objects.filter(form_id=prepared.form_id).select_related("current_version").first()
    if form is None:
        return None
    existing = form.versions.filter(version=prepared.version).first()
    if existing is not None:
        if existing.xml_md5 != prepared.xml_md5:
            raise GridbookError(
                errors.FORM_VERSION_CONTENT_CHANGED,
                form_id=form.form_id,
                version=prepared.version or '""',
                suggestion=suggest_version(prepared.version),
            )
        return existing
    _check_newer(form, prepared.version)
    return None


def _check_newer(form: Form, version: str) -> None:
    current = form.current_version.version if form.current_version else None
    if current is None or not (version.isdigit() and current.isdigit()):
        return
    if int(version) < int(current):
        raise GridbookError(
            errors.FORM_VERSION_NOT_NEWER,
            form_id=form.form_id,
            version=version,
            current=current,
            suggestion=suggest_version(current),
        )


def suggest_version(version: str) -> str:
    """The next version in the yyyymmddnn habit (forms/README.md): today's first, or +1."""
    today = int(timezone.localdate().strftime("%Y%m%d") + "01")
    if version.isdigit():
        following = int(version) + 1
        return str(max(following, today)) if len(version) == 10 else str(following)
    match = re.search(r"(\d+)$", version)
    if match:
        number = str(int(match.group(1)) + 1).zfill(len(match.group(1)))
        return version[: match.start()] + number
    return str(today)


def _save_source(prepared: PreparedVersion, source: bytes, source_name: str) -> str:
    key = storage_key(
        "forms",
        safe_file_name(prepared.form_id, fallback="form"),
        safe_file_name(prepared.version, fallback="no-version"),
        safe_file_name(source_name, fallback="form.xlsx"),
    )
    return media_storage().save(key, ContentFile(source))


@transaction.atomic
def _create_version(
    prepared: PreparedVersion, source_key: str, source_name: str, user: User | None
) -> UploadResult:
    form, form_created = Form.objects.get_or_create(
        form_id=prepared.form_id,
        defaults={
            "title": prepared.title,
            "kind": kind_for_form_id(prepared.form_id),
            "created_by": user,
        },
    )
    form = Form.objects.select_for_update().get(pk=form.pk)  # one upload of a form at a time
    previous = form.current_version
    if previous is not None:
        _check_newer(form, prepared.version)
    with transaction.atomic():
        version = FormVersion.objects.create(
            form=form,
            version=prepared.version,
            title=prepared.title,
            xml=prepared.xml,
            xml_md5=prepared.xml_md5,
            schema=prepared.schema,
            source_file=source_key,
            source_name=source_name[:255],
            warnings=prepared.warnings,
            validated=prepared.validated,
            created_by=user,
        )
    _carry_media_over(previous, version)
    form.current_version = _newest_version(form)
    form.title = form.current_version.title if form.current_version else form.title
    form.save(update_fields=["current_version", "title", "updated_at"])
    return UploadResult(version=version, created=True, form_created=form_created)


def _newest_version(form: Form) -> FormVersion | None:
    return form.versions.order_by("-created_at", "-pk").first()


def expected_media_names(version: FormVersion) -> list[str]:
    """The static files a version expects (its attachments minus generated register lists)."""
    attachments = (version.schema or {}).get("attachments", [])
    names = [item.get("filename", "") for item in attachments]
    return [name for name in names if name and name not in REGISTER_LIST_NAMES]


def _carry_media_over(previous: FormVersion | None, version: FormVersion) -> None:
    """Media of the previous version that the new one still references come along."""
    if previous is None:
        return
    wanted = set(expected_media_names(version))
    FormMedia.objects.bulk_create(
        [
            FormMedia(
                form_version=version,
                filename=media.filename,
                file=media.file.name,
                md5=media.md5,
                size=media.size,
                content_type=media.content_type,
            )
            for media in previous.media.all()
            if media.filename in wanted
        ]
    )


# ------------------------------------------------------------------ states and audiences


def form_set_state(*, form: Form, state: str) -> Form:
    if state not in FormState.values:
        raise GridbookError(errors.FORM_STATE_UNKNOWN, state=state)
    Form.objects.filter(pk=form.pk).update(state=state, updated_at=timezone.now())
    form.refresh_from_db(fields=["state", "updated_at"])
    return form


@transaction.atomic
def form_set_testers(*, form: Form, users: Iterable[User]) -> None:
    """Make ``users`` the collectors offered the form while it is a draft."""
    wanted = list(users)
    for user in wanted:
        if user.role != Role.COLLECTOR:
            raise GridbookError(errors.FORM_TESTER_NOT_COLLECTOR, username=user.username)
    form.testers.set(wanted)


def form_publish(*, form: Form, area: Area) -> FormPublication:
    """Offer the form to the collectors of every grid below ``area`` (idempotent)."""
    publication, _created = FormPublication.objects.get_or_create(form=form, area=area)
    return publication


def form_unpublish(*, form: Form, area: Area) -> None:
    FormPublication.objects.filter(form=form, area=area).delete()
