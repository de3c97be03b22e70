"""/api/v1/exports/: ask for an export (POST → id), follow it (GET → state, progress, a
short-lived download link), cancel it (DELETE); the export record for managers and
administrators (``audit/``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.api.pagination import Pagination
from server.core.errors import GridbookError
from server.exports import errors, selectors
from server.exports.links import link_seconds, link_token
from server.exports.models import ExportJob, ExportState
from server.exports.services import export_cancel, export_request


class MayExport(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and selectors.may_export(user))  # type: ignore[arg-type]


class MayAudit(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and getattr(user, "role", "") in selectors.AUDITORS
        )


class ExportRequestSerializer(serializers.Serializer):
    kind = serializers.CharField()
    format = serializers.CharField()
    form = serializers.CharField(required=False, allow_blank=True, default="")
    options = serializers.DictField(required=False, default=dict)
    filters = serializers.DictField(required=False, default=dict)


def job_json(request: Request, job: ExportJob) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(job.pk),
        "kind": job.kind,
        "format": job.format,
        "form": job.form.form_id if job.form else None,
        "options": job.options,
        "filters": job.filters,
        "state": job.state,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "requested_by": job.requested_by.username,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "expires_at": job.expires_at,
        "file_name": job.file_name or None,
        "file_size": job.file_size,
        "error": None,
        "download_url": None,
        "download_url_expires_in": None,
        "url": request.build_absolute_uri(reverse("api:export-detail", kwargs={"job_id": job.pk})),
    }
    if job.state == ExportState.FAILED:
        data["error"] = {"code": job.error_code, "detail": job.error_detail}
    if job.state == ExportState.DONE:
        token = link_token(job, request.user)  # type: ignore[arg-type]
        data["download_url"] = request.build_absolute_uri(
            reverse("web:export_file", kwargs={"token": token})
        )
        data["download_url_expires_in"] = link_seconds()
    return data


class ExportListView(APIView):
    """GET: my exports, newest first. POST: ask for one → 202 with its id and URL."""

    permission_classes = [MayExport]

    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.jobs_of(request.user), request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response([job_json(request, job) for job in page or []])

    def post(self, request: Request) -> Response:
        incoming = ExportRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = incoming.validated_data
        job = export_request(
            user=request.user,  # type: ignore[arg-type]
            kind=values["kind"],
            format=values["format"],
            form_id=values["form"],
            options=values["options"],
            filters=values["filters"],
        )
        body = job_json(request, job)
        return Response(body, status=202, headers={"Location": body["url"]})


class ExportDetailView(APIView):
    """GET: state, progress, download link. DELETE: cancel (a finished export stays)."""

    permission_classes = [MayExport]

    def get(self, request: Request, job_id: Any) -> Response:
        return Response(job_json(request, selectors.job_for(request.user, job_id)))  # type: ignore[arg-type]

    def delete(self, request: Request, job_id: Any) -> Response:
        job = selectors.job_for(request.user, job_id)  # type: ignore[arg-type]
        if not job.is_active:
            raise GridbookError(errors.NOT_READY, state=job.get_state_display())
        return Response(job_json(request, export_cancel(job=job)))


class ExportAuditView(APIView):
    """GET: every export (administrators) or those of the people in my areas (managers),
    with each download: who, when, from where."""

    permission_classes = [MayAudit]

    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.audit_jobs(request.user), request, view=self)  # type: ignore[arg-type]
        rows = []
        for job in page or []:
            rows.append(
                {
                    "id": str(job.pk),
                    "requested_by": job.requested_by.username,
                    "kind": job.kind,
                    "format": job.format,
                    "form": job.form.form_id if job.form else None,
                    "filters": job.filters,
                    "options": job.options,
                    "state": job.state,
                    "rows": job.rows_done,
                    "created_at": job.created_at,
                    "finished_at": job.finished_at,
                    "downloads": [
                        {"user": d.user.username, "at": d.at, "ip": d.ip, "via": d.via}
                        for d in job.downloads.all()
                    ],
                }
            )
        return paginator.get_paginated_response(rows)
