"""Large form files are converted in the background.

Converting a big XLSForm takes long: on the 2-core reference machine a 30 KB workbook
(300 questions) takes 0.4 s (1.4 s with ODK Validate), 120 KB (2,000 questions) 2 s (6 s),
350 KB 9 s (28 s) and 670 KB 11 s (ODK Validate then gives up after 100 s). So files up to
``GRIDBOOK_FORM_INLINE_MAX_KB`` (64 KB: at most ~3 s) are converted while the request
waits, and larger ones are stored as a ``FormUpload`` and converted by a worker
(``manage.py run_worker``) through Django's tasks API; the uploader polls its status.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from server.accounts.models import User
from server.core.errors import GridbookError, catalog
from server.core.storage import media_storage
from server.xforms import errors
from server.xforms.models import FormUpload, FormUploadStatus
from server.xforms.problems import problems_from_records
from server.xforms.services import UploadResult, check_form_file_size, conversion_error, form_upload
from server.xforms.xlsform import ConversionFailed, file_type_of, sniff_file_type


def converts_inline(size: int) -> bool:
    return size <= settings.GRIDBOOK_FORM_INLINE_MAX_KB * 1024


def form_upload_accept(
    *, upload: File, file_name: str, user: User | None, expected_form_id: str = ""
) -> UploadResult | FormUpload:
    """Convert now (small files) and return the result, or queue a ``FormUpload``.
    ``expected_form_id``: a new version of that form only (``services.form_upload``)."""
    size = upload.size or 0
    check_form_file_size(size)
    _refuse_what_is_not_a_form_file(upload, file_name)
    if converts_inline(size):
        upload.seek(0)
        return form_upload(
            data=upload.read(),
            file_name=file_name,
            user=user,
            expected_form_id=expected_form_id,
        )
    return form_upload_enqueue(
        upload=upload, file_name=file_name, user=user, expected_form_id=expected_form_id
    )


def _refuse_what_is_not_a_form_file(upload: File, file_name: str) -> None:
    """Sniffing the content (magic bytes, a ZIP's directory against zip-bomb limits, text
    encodings) takes milliseconds: a file that is no form at all is refused while the person
    waits, before anything is stored or queued."""
    upload.seek(0)
    try:
        sniff_file_type(upload.read(), file_type_of(file_name))
    except ConversionFailed as failure:
        raise conversion_error(failure.problems) from None
    finally:
        upload.seek(0)


@transaction.atomic
def form_upload_enqueue(
    *, upload: File, file_name: str, user: User | None, expected_form_id: str = ""
) -> FormUpload:
    record = FormUpload(id=uuid.uuid4(), file_name=file_name[:255], size=upload.size or 0)
    record.created_by = user
    record.expected_form_id = expected_form_id
    upload.seek(0)
    record.file.save(file_name, upload, save=False)
    record.save()
    transaction.on_commit(lambda: _enqueue(record.pk))
    return record


def _enqueue(upload_id: uuid.UUID) -> None:
    from server.xforms.tasks import convert_form_upload

    convert_form_upload.enqueue(str(upload_id))


def form_upload_process(*, upload_id: uuid.UUID) -> None:
    """Run the conversion of a queued upload once and record how it ended."""
    claimed = FormUpload.objects.filter(pk=upload_id, status=FormUploadStatus.QUEUED).update(
        status=FormUploadStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return  # already taken by another worker, or gone
    record = FormUpload.objects.select_related("created_by").get(pk=upload_id)
    try:
        with media_storage().open(str(record.file.name), "rb") as stream:
            data = stream.read()
        result = form_upload(
            data=data,
            file_name=record.file_name,
            user=record.created_by,
            expected_form_id=record.expected_form_id,
        )
    except GridbookError as error:
        _finish(record, status=FormUploadStatus.FAILED, **_error_fields(error))
    except Exception:
        _finish(record, status=FormUploadStatus.FAILED, error={"code": "internal", "params": {}})
        raise
    else:
        _finish(
            record,
            status=FormUploadStatus.DONE,
            version=result.version,
            created_version=result.created,
        )


def form_upload_abandoned(args: list[Any], kwargs: dict[str, Any]) -> None:
    """The worker converting this upload died (``core.task_recovery``): the upload failed."""
    upload_id = kwargs.get("upload_id") or (args[0] if args else None)
    if upload_id is None:
        return
    record = FormUpload.objects.filter(
        pk=upload_id, status__in=[FormUploadStatus.QUEUED, FormUploadStatus.RUNNING]
    ).first()
    if record is not None:
        _finish(record, status=FormUploadStatus.FAILED, error={"code": "internal", "params": {}})


def _error_fields(error: GridbookError) -> dict[str, Any]:
    records = getattr(error, "problem_records", None)
    if records:
        return {"problems": records}
    params = {key: str(value) for key, value in error.params.items()}
    return {"error": {"code": error.code, "params": params}}


def _finish(record: FormUpload, **fields: Any) -> None:
    key = str(record.file.name)
    fields |= {"finished_at": timezone.now(), "file": ""}
    FormUpload.objects.filter(pk=record.pk).update(**fields)
    if key:
        media_storage().delete(key)


def upload_error_json(record: FormUpload) -> dict[str, Any] | None:
    """The refusal of a failed upload as ``{code, message, details}``, in the active language."""
    if record.problems:
        return conversion_error(problems_from_records(record.problems)).as_json()
    if record.error:
        spec = catalog().get(record.error.get("code", ""))
        if spec is not None:
            return GridbookError(spec, **record.error.get("params", {})).as_json()
        return {"code": record.error.get("code", "internal"), "message": "", "details": {}}
    return None


def form_upload_get(*, upload_id: uuid.UUID) -> FormUpload:
    record = FormUpload.objects.select_related("version__form").filter(pk=upload_id).first()
    if record is None:
        raise GridbookError(errors.FORM_UPLOAD_NOT_FOUND)
    return record
