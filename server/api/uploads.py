"""Accepting a form file over the API: small files are converted while the request waits
(201, or 200 for an identical form), large ones are queued (202 with a status URL)."""

from __future__ import annotations

import uuid

from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.api import serializers as s
from server.api.permissions import FormsPermission
from server.xforms.background import form_upload_accept, form_upload_get, upload_error_json
from server.xforms.models import Form, FormUpload
from server.xforms.services import UploadResult


def accept_form_upload(request: Request, upload: UploadedFile) -> Response:
    outcome = form_upload_accept(upload=upload, file_name=upload.name or "form", user=request.user)  # type: ignore[arg-type]
    if isinstance(outcome, FormUpload):
        status_url = request.build_absolute_uri(
            reverse("api:form-upload-detail", kwargs={"upload_id": outcome.pk})
        )
        body = {"id": str(outcome.pk), "status": outcome.status, "status_url": status_url}
        return Response(body, status=202, headers={"Location": status_url})
    return Response(_result(request, outcome), status=201 if outcome.created else 200)


def _result(request: Request, result: UploadResult) -> dict:
    form = (
        Form.objects.prefetch_related("publications__area", "testers")
        .select_related("current_version")
        .get(pk=result.version.form_id)
    )
    context = {"request": request}
    return {
        "created": result.created,
        "form": s.FormDetailSerializer(form, context=context).data,
        "version": s.VersionSerializer(result.version, context=context).data,
    }


class FormUploadDetailView(APIView):
    """GET: how a background conversion is going: queued, running, done (with the version)
    or failed (with the errors, in the reader's language)."""

    permission_classes = [FormsPermission]

    @extend_schema(
        responses=inline_serializer(
            "FormUploadStatus",
            {
                "id": serializers.UUIDField(),
                "status": serializers.CharField(),
                "file_name": serializers.CharField(),
                "size": serializers.IntegerField(),
                "created_at": serializers.DateTimeField(),
                "finished_at": serializers.DateTimeField(allow_null=True),
                "result": serializers.JSONField(allow_null=True),
                "error": serializers.JSONField(allow_null=True),
            },
        )
    )
    def get(self, request: Request, upload_id: uuid.UUID) -> Response:
        record = form_upload_get(upload_id=upload_id)
        return Response(
            {
                "id": str(record.pk),
                "status": record.status,
                "file_name": record.file_name,
                "size": record.size,
                "created_at": record.created_at,
                "finished_at": record.finished_at,
                "result": _done(request, record),
                "error": upload_error_json(record),
            }
        )


def _done(request: Request, record: FormUpload) -> dict | None:
    if record.version is None:
        return None
    form_id = record.version.form.form_id
    return {
        "created": record.created_version,
        "form_id": form_id,
        "version": record.version.version,
        "url": request.build_absolute_uri(reverse("api:form-detail", kwargs={"form_id": form_id})),
    }
