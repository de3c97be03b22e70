"""Running an export as the product does (request, then the task after the commit) and
reading its file back."""

from __future__ import annotations

import csv
import io
import urllib.request
import zipfile
from typing import Any

from django.conf import settings
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


def downloaded(response: Any) -> tuple[bytes, str]:
    """A download's bytes and content type: streamed by Gridbook (local storage), or, on S3,
    fetched from the presigned URL the response redirects to (as a browser would)."""
    if response.status_code == 302:
        assert settings.STORAGE_IS_S3, "only S3 downloads redirect"
        location = response["Location"]
        assert "X-Amz-Signature=" in location and "X-Amz-Expires=" in location
        with urllib.request.urlopen(location, timeout=30) as remote:
            assert "attachment" in remote.headers["Content-Disposition"]
            return remote.read(), remote.headers["Content-Type"]
    assert response.status_code == 200, response.status_code
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content), response["Content-Type"]
