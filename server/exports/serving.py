"""Handing an export's file to a browser: a local file streams through Gridbook; on S3 the
browser is redirected to a presigned URL valid for ``S3_URL_EXPIRY_SECONDS`` (the bytes
never pass through the application server, whatever their size). Used by the web page and
by the signed links the API gives; the caller has checked who asks and recorded it."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase

from server.core.storage import exports_storage, storage_kind
from server.exports.models import ExportFormat, ExportJob

CONTENT_TYPES: dict[str, str] = {
    ExportFormat.CSV_ZIP: "application/zip",
    ExportFormat.MEDIA_ZIP: "application/zip",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.GEOJSON: "application/geo+json",
}


def file_response(job: ExportJob) -> HttpResponseBase:
    storage = exports_storage()
    content_type = CONTENT_TYPES.get(job.format, "application/octet-stream")
    if storage_kind(storage) == "s3":
        disposition = f"attachment; filename*=UTF-8''{quote(job.file_name)}"
        url = storage.url(  # type: ignore[call-arg]
            job.file_key,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
            },
        )
        return HttpResponseRedirect(url)
    response = FileResponse(
        storage.open(job.file_key, "rb"),
        as_attachment=True,
        filename=job.file_name,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def client_ip(meta: dict) -> str | None:
    return (meta.get("REMOTE_ADDR") or "").strip() or None
