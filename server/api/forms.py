"""/api/v1/forms/: forms, their versions, states, testers and publications.

Views only adapt HTTP to ``server.xforms`` services and selectors."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.models import User
from server.api import serializers as s
from server.api.permissions import FormsPermission
from server.api.uploads import accept_form_upload
from server.core.errors import GridbookError
from server.core.storage import media_storage
from server.grids.models import Area
from server.xforms import errors
from server.xforms.models import Form, FormVersion
from server.xforms.selectors import form_get, form_version_get
from server.xforms.services import form_publish, form_set_state, form_set_testers, form_unpublish


def detailed_form(form_id: str) -> Form:
    form = form_get(form_id=form_id)
    return (
        Form.objects.select_related("current_version")
        .prefetch_related("publications__area", "testers")
        .get(pk=form.pk)
    )


class FormListView(generics.ListAPIView):
    """GET: the forms (filter ``?state=``, ``?kind=``). POST: upload a form file."""

    permission_classes = [FormsPermission]
    serializer_class = s.FormListSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_fields = ["state", "kind"]
    queryset = (
        Form.objects.select_related("current_version")
        .defer("current_version__xml", "current_version__schema")
        .order_by("form_id")
    )

    @extend_schema(
        request=s.UploadSerializer,
        responses={
            201: s.UploadResultSerializer,
            200: OpenApiResponse(s.UploadResultSerializer, description="Identical form: no-op"),
            202: s.BackgroundUploadSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        serializer = s.UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return accept_form_upload(request, serializer.validated_data["file"])


class FormDetailView(APIView):
    """GET: a form with its versions, state, testers, publications and media status.
    PATCH: change its ``state`` and/or its ``testers`` (collectors' usernames)."""

    permission_classes = [FormsPermission]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(responses=s.FormDetailSerializer)
    def get(self, request: Request, form_id: str) -> Response:
        form = detailed_form(form_id)
        return Response(s.FormDetailSerializer(form, context={"request": request}).data)

    @extend_schema(request=s.FormUpdateSerializer, responses=s.FormDetailSerializer)
    def patch(self, request: Request, form_id: str) -> Response:
        form = form_get(form_id=form_id)
        serializer = s.FormUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "testers" in data:
            form_set_testers(form=form, users=_users(data["testers"]))
        if "state" in data:
            form_set_state(form=form, state=data["state"])
        return self.get(request, form_id)


def _users(usernames: list[str]) -> list[User]:
    found = {user.username: user for user in User.objects.filter(username__in=usernames)}
    for username in usernames:
        if username not in found:
            raise GridbookError(errors.USER_NOT_FOUND, username=username)
    return [found[username] for username in usernames]


class PublicationListView(APIView):
    """GET: the areas the form is published to. POST ``{"area": CODE}``: publish it there."""

    permission_classes = [FormsPermission]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(responses=s.PublicationSerializer(many=True))
    def get(self, request: Request, form_id: str) -> Response:
        form = form_get(form_id=form_id)
        publications = form.publications.select_related("area").order_by("area__path")
        return Response(s.PublicationSerializer(publications, many=True).data)

    @extend_schema(request=s.PublicationInputSerializer, responses=s.PublicationSerializer)
    def post(self, request: Request, form_id: str) -> Response:
        form = form_get(form_id=form_id)
        serializer = s.PublicationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        publication = form_publish(form=form, area=_area(serializer.validated_data["area"]))
        return Response(s.PublicationSerializer(publication).data, status=201)


class PublicationDetailView(APIView):
    """DELETE: stop offering the form in that area."""

    permission_classes = [FormsPermission]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, form_id: str, area: str) -> Response:
        form_unpublish(form=form_get(form_id=form_id), area=_area(area))
        return Response(status=204)


def _area(code: str) -> Area:
    area = Area.objects.filter(code=code).first()
    if area is None:
        raise GridbookError(errors.FORM_AREA_NOT_FOUND, code=code)
    return area


class VersionListView(generics.ListAPIView):
    """GET: every version of the form, newest first."""

    permission_classes = [FormsPermission]
    serializer_class = s.VersionSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return FormVersion.objects.none()
        form = form_get(form_id=self.kwargs["form_id"])
        return form.versions.select_related("form", "created_by").order_by("-created_at", "-pk")


class VersionDetailView(APIView):
    """GET: one version with its field schema, warnings and media status."""

    permission_classes = [FormsPermission]

    @extend_schema(responses=s.VersionDetailSerializer)
    def get(self, request: Request, form_id: str, version: str) -> Response:
        found = _version(form_id, version)
        return Response(s.VersionDetailSerializer(found, context={"request": request}).data)


def _version(form_id: str, version: str) -> FormVersion:
    return form_version_get(form=form_get(form_id=form_id), version=version)


class VersionXFormView(APIView):
    """GET: the XForm of a version, exactly the bytes served to ODK Collect."""

    permission_classes = [FormsPermission]

    @extend_schema(responses={(200, "text/xml"): bytes})
    def get(self, request: Request, form_id: str, version: str) -> HttpResponse:
        found = _version(form_id, version)
        response = HttpResponse(bytes(found.xml), content_type="text/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_ascii(form_id)}.xml"'
        response["ETag"] = f'"{found.xml_md5}"'
        return response


class VersionSourceView(APIView):
    """GET: the spreadsheet (or XForm) the designer uploaded for this version."""

    permission_classes = [FormsPermission]

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request: Request, form_id: str, version: str) -> FileResponse:
        found = _version(form_id, version)
        if not found.source_file:
            raise GridbookError(errors.FORM_VERSION_NOT_FOUND, form_id=form_id, version=version)
        stream = media_storage().open(str(found.source_file.name), "rb")
        return FileResponse(stream, as_attachment=True, filename=found.source_name or "form.xlsx")


def _ascii(name: str) -> str:
    return "".join(char if char.isascii() and char not in '"\\' else "_" for char in name)
