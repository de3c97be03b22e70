"""Running an export as the product does (request, then the task after the commit) and
reading its file back."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from django.test.utils import CaptureQueriesContext  # noqa: F401 - re-exported for tests

from server.accounts.models import User
from server.core.storage import exports_storage
from server.exports.models import ExportJob
from server.exports.services import export_request


def run_export(
    django_capture_on_commit_callbacks: Any,
    user: User,
    kind: str = "submissions",
    format: str = "csv_zip",
    form_id: str = "hh_visit",
    options: dict[str, Any] | None = None,
    filters: dict[str, Any] | None = None,
) -> ExportJob:
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(
            user=user,
            kind=kind,
            format=format,
            form_id=form_id if kind == "submissions" else "",
            options=options,
            filters=filters,
        )
    job.refresh_from_db()
    return job


def file_bytes(job: ExportJob) -> bytes:
    assert job.state == "done", (job.state, job.error_code, job.error_detail)
    with exports_storage().open(job.file_key, "rb") as handle:
        return handle.read()


def zip_members(job: ExportJob) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(file_bytes(job))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline="")))
