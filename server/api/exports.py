"""/api/v1/exports/: ask for an export (POST → id), follow it (GET → state, progress, a
short-lived download link), cancel it (DELETE); the export record for managers and
administrators (``audit/``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
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


class ExportJobSerializer(serializers.Serializer):
    """What GET answers for one export (documentation of ``job_json``)."""

    id = serializers.UUIDField()
    kind = serializers.CharField()
    format = serializers.CharField()
    form = serializers.CharField(allow_null=True)
    options = serializers.DictField()
    filters = serializers.DictField()
    state = serializers.CharField(help_text="queued, running, done, failed, cancelled, expired")
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField(allow_null=True)
    requested_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    file_name = serializers.CharField(allow_null=True)
    file_size = serializers.IntegerField(allow_null=True)
    error = serializers.DictField(allow_null=True)
    download_url = serializers.URLField(allow_null=True)
    download_url_expires_in = serializers.IntegerField(allow_null=True)
    url = serializers.URLField()


class ExportDownloadSerializer(serializers.Serializer):
    user = serializers.CharField()
    at = serializers.DateTimeField()
    ip = serializers.CharField(allow_null=True)
    via = serializers.CharField()


class ExportAuditSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    requested_by = serializers.CharField()
    kind = serializers.CharField()
    format = serializers.CharField()
    form = serializers.CharField(allow_null=True)
    filters = serializers.DictField()
    options = serializers.DictField()
    state = serializers.CharField()
    rows = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    downloads = ExportDownloadSerializer(many=True)


def _page_of(name: str, item: serializers.Serializer) -> Any:
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
        },
    )


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

    @extend_schema(
        operation_id="exports_list",
        responses=_page_of("PaginatedExportJobs", ExportJobSerializer(many=True)),
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.jobs_of(request.user), request, view=self)  # type: ignore[arg-type]
        return paginator.get_paginated_response([job_json(request, job) for job in page or []])

    @extend_schema(
        operation_id="exports_create",
        request=ExportRequestSerializer,
        responses={202: ExportJobSerializer},
    )
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

    @extend_schema(operation_id="exports_retrieve", responses=ExportJobSerializer)
    def get(self, request: Request, job_id: Any) -> Response:
        return Response(job_json(request, selectors.job_for(request.user, job_id)))  # type: ignore[arg-type]

    @extend_schema(operation_id="exports_cancel", responses=ExportJobSerializer)
    def delete(self, request: Request, job_id: Any) -> Response:
        job = selectors.job_for(request.user, job_id)  # type: ignore[arg-type]
        if not job.is_active:
            raise GridbookError(errors.NOT_READY, state=job.get_state_display())
        return Response(job_json(request, export_cancel(job=job)))


class ExportAuditView(APIView):
    """GET: every export (administrators) or those of the people in my areas (managers),
    with each download: who, when, from where."""

    permission_classes = [MayAudit]

    @extend_schema(
        operation_id="exports_audit",
        responses=_page_of("PaginatedExportAudit", ExportAuditSerializer(many=True)),
    )
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
