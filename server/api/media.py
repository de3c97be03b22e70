"""/api/v1/: form media of a version, the manifest a collector would receive, and the
register lists generated for a collector (for designers checking a form)."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.models import Role, User
from server.api import serializers as s
from server.api.forms import _version
from server.api.permissions import DesignersOnly, FormsPermission
from server.core.errors import GridbookError
from server.xforms import errors
from server.xforms.media import form_media_delete, form_media_upload, media_status
from server.xforms.models import FormVersion
from server.xforms.register_lists import CONTENT_TYPE, register_list_download
from server.xforms.register_names import REGISTER_LIST_NAMES
from server.xforms.selectors import form_get, manifest_for, media_payload

COLLECTOR = OpenApiParameter("collector", str, required=True, description="a collector's username")


class MediaListView(APIView):
    """GET: the files a version expects, which are uploaded and which are missing.
    POST (multipart ``file``, optional ``filename``): upload one of them."""

    permission_classes = [FormsPermission]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=s.MediaStatusSerializer)
    def get(self, request: Request, form_id: str, version: str) -> Response:
        return Response(s.MediaStatusSerializer(media_status(_version(form_id, version))).data)

    @extend_schema(request=s.MediaUploadSerializer, responses={201: s.MediaStatusSerializer})
    def post(self, request: Request, form_id: str, version: str) -> Response:
        found = _version(form_id, version)
        serializer = s.MediaUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        filename = serializer.validated_data.get("filename") or upload.name
        form_media_upload(form_version=found, filename=filename, upload=upload)
        return Response(s.MediaStatusSerializer(media_status(found)).data, status=201)


class MediaDetailView(APIView):
    """GET: download an uploaded media file. DELETE: remove it from this version."""

    permission_classes = [FormsPermission]

    @extend_schema(
        operation_id="forms_versions_media_file_retrieve",
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request: Request, form_id: str, version: str, filename: str) -> FileResponse:
        found = _version(form_id, version)
        payload = None
        if filename not in REGISTER_LIST_NAMES:
            payload = media_payload(form_version=found, filename=filename, user=request.user)  # type: ignore[arg-type]
        if payload is None:
            raise GridbookError(
                errors.FORM_MEDIA_NOT_FOUND, form_id=form_id, version=version, filename=filename
            )
        response = FileResponse(payload.open(), content_type=payload.content_type)
        response["ETag"] = f'"{payload.md5}"'
        return response

    @extend_schema(responses={204: None})
    def delete(self, request: Request, form_id: str, version: str, filename: str) -> Response:
        form_media_delete(form_version=_version(form_id, version), filename=filename)
        return Response(status=204)


def _collector(request: Request) -> User:
    username = request.query_params.get("collector", "")
    user = User.objects.filter(username=username, role=Role.COLLECTOR).first()
    if user is None:
        raise GridbookError(errors.COLLECTOR_NOT_FOUND, username=username)
    return user


class ManifestView(APIView):
    """GET ``?collector=USERNAME[&version=V]``: the manifest that collector's phone would
    get for the form's current (or given) version: media and register lists with md5."""

    permission_classes = [DesignersOnly]

    @extend_schema(
        parameters=[COLLECTOR, OpenApiParameter("version", str)],
        responses=s.ManifestEntrySerializer(many=True),
    )
    def get(self, request: Request, form_id: str) -> Response:
        collector = _collector(request)
        form = form_get(form_id=form_id)
        wanted = request.query_params.get("version")
        found = _version(form_id, wanted) if wanted else form.current_version
        if found is None:
            return Response([])
        entries = manifest_for(form_version=found, user=collector)
        return Response([_entry(request, found, entry, collector) for entry in entries])


def _entry(request: Request, version: FormVersion, entry, collector: User) -> dict:  # type: ignore[no-untyped-def]
    if entry.kind == "register_list":
        path = reverse("api:register-list", kwargs={"filename": entry.filename})
        path += "?" + urlencode({"collector": collector.username})
    else:
        kwargs = {
            "form_id": version.form.form_id,
            "version": version.version,
            "filename": entry.filename,
        }
        path = reverse("api:form-media-detail", kwargs=kwargs)
    return {
        "filename": entry.filename,
        "md5": entry.md5,
        "size": entry.size,
        "content_type": entry.content_type,
        "kind": entry.kind,
        "download_url": request.build_absolute_uri(path),
    }


class RegisterListView(APIView):
    """GET ``?collector=USERNAME``: a register list exactly as that collector's phone gets it."""

    permission_classes = [DesignersOnly]

    @extend_schema(parameters=[COLLECTOR], responses={(200, "text/csv"): bytes})
    def get(self, request: Request, filename: str) -> HttpResponse:
        collector = _collector(request)
        data = register_list_download(
            viewer=request.user,  # type: ignore[arg-type]
            collector=collector,
            filename=filename,
        )
        if data is None:
            raise GridbookError(
                errors.REGISTER_LIST_UNKNOWN,
                filename=filename,
                names=", ".join(REGISTER_LIST_NAMES),
            )
        response = HttpResponse(data, content_type=CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
