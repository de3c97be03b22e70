"""/api/v1/submissions/: submissions with their data, files, versions and review.

Administrators read every submission, managers those of the grids in their areas (the same
scope as the web pages; outside it a submission is 404). Designers and collectors have no
access. The list is a keyset page, newest first: follow ``next`` and ``previous`` (there is
no total count: counting a year of submissions is slower than the page itself).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.models import Role, User
from server.accounts.privacy import personal_data_for
from server.core.errors import GridbookError
from server.submissions import errors
from server.submissions.answers import masked_data
from server.submissions.browse import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    SEARCH_MAX,
    SubmissionFilters,
    SubmissionView,
    attachment_for,
    attachment_open,
    submission_detail,
    submission_page,
)
from server.submissions.models import Attachment, ReviewState, Submission
from server.submissions.review import submission_comment_add, submission_review

READERS = (Role.ADMINISTRATOR, Role.MANAGER)


class SubmissionsPermission(BasePermission):
    """Administrators and managers; reviewing is further limited by ``submissions.review``."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and user.is_active and user.role in READERS  # type: ignore[union-attr]
        )


# ------------------------------------------------------------------ serializers


class SubmissionFiltersSerializer(serializers.Serializer):
    form = serializers.CharField(required=False, help_text="form_id")
    version = serializers.CharField(required=False, help_text="with form: one version")
    date_from = serializers.DateField(required=False, help_text="received on or after")
    date_to = serializers.DateField(required=False, help_text="received on or before")
    area = serializers.CharField(required=False, help_text="area code: the grids below it")
    submitter = serializers.CharField(required=False, help_text="a collector's username")
    state = serializers.ChoiceField(choices=ReviewState.choices, required=False)
    q = serializers.CharField(
        required=False, max_length=SEARCH_MAX, help_text="in the instance name"
    )
    edits = serializers.BooleanField(
        required=False, default=False, help_text="also the earlier versions of edits"
    )
    after = serializers.CharField(required=False, help_text="cursor: the next page")
    before = serializers.CharField(required=False, help_text="cursor: the previous page")
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=PAGE_SIZE
    )


def _file_url(request: Request, submission: Submission, name: str, thumbnail: bool = False) -> str:
    url = reverse("api:submission-attachment", args=[submission.pk, name])
    return request.build_absolute_uri(url + ("?size=thumbnail" if thumbnail else ""))


class SubmissionRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    url = serializers.SerializerMethodField()
    form_id = serializers.CharField(source="form.form_id")
    form_title = serializers.CharField(source="form.title")
    version = serializers.CharField(source="form_version.version")
    instance_id = serializers.CharField()
    instance_name = serializers.CharField()
    is_current = serializers.BooleanField()
    edit_of = serializers.CharField(source="deprecated_id")
    received_at = serializers.DateTimeField()
    submitted_by = serializers.CharField(source="submitted_by.username", allow_null=True)
    grid = serializers.CharField(source="grid.code", allow_null=True)
    review_state = serializers.ChoiceField(choices=ReviewState.choices)
    attachments_expected = serializers.IntegerField()
    attachments_present = serializers.IntegerField()

    def get_url(self, submission: Submission) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(reverse("api:submission-detail", args=[submission.pk]))


class SubmissionListSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SubmissionRowSerializer(many=True)


class SubmissionAttachmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    field = serializers.CharField(source="field_path")
    present = serializers.BooleanField()
    size = serializers.IntegerField(allow_null=True)
    md5 = serializers.CharField()
    content_type = serializers.CharField()
    is_image = serializers.BooleanField()
    download_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment: Attachment) -> str | None:
        if not attachment.present:
            return None
        return _file_url(self.context["request"], attachment.submission, attachment.name)

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail_url(self, attachment: Attachment) -> str | None:
        if not (attachment.present and attachment.is_image):
            return None
        return _file_url(self.context["request"], attachment.submission, attachment.name, True)


class SubmissionVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    instance_id = serializers.CharField()
    received_at = serializers.DateTimeField()
    is_current = serializers.BooleanField()
    review_state = serializers.ChoiceField(choices=ReviewState.choices)


class SubmissionCommentSerializer(serializers.Serializer):
    submission = serializers.IntegerField(source="submission_id")
    author = serializers.CharField(source="author.username")
    body = serializers.CharField()
    review_state = serializers.CharField(help_text="the state this comment set, or empty")
    created_at = serializers.DateTimeField()


class SubmissionDetailSerializer(SubmissionRowSerializer):
    root_instance_id = serializers.CharField()
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    device_id = serializers.CharField()
    data = serializers.SerializerMethodField()  # type: ignore[assignment]
    attachments = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()
    comments = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_data(self, submission: Submission) -> dict[str, Any]:
        personal = personal_data_for(self.context["request"].user)
        return masked_data(submission.data or {}, personal.field)  # type: ignore[no-any-return]

    @extend_schema_field(SubmissionAttachmentSerializer(many=True))
    def get_attachments(self, submission: Submission) -> list[dict[str, Any]]:
        view: SubmissionView = self.context["view_data"]
        return SubmissionAttachmentSerializer(
            view.attachments, many=True, context=self.context
        ).data  # type: ignore[return-value]

    @extend_schema_field(SubmissionVersionSerializer(many=True))
    def get_versions(self, submission: Submission) -> list[dict[str, Any]]:
        view: SubmissionView = self.context["view_data"]
        return SubmissionVersionSerializer(view.versions, many=True).data  # type: ignore[return-value]

    @extend_schema_field(SubmissionCommentSerializer(many=True))
    def get_comments(self, submission: Submission) -> list[dict[str, Any]]:
        view: SubmissionView = self.context["view_data"]
        return SubmissionCommentSerializer(view.comments, many=True).data  # type: ignore[return-value]


class SubmissionReviewSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=ReviewState.choices,
        required=False,
        help_text="the new review state; leave out to add a comment only",
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("state") and not (attrs.get("comment") or "").strip():
            raise serializers.ValidationError("Give a state, a comment or both.")
        return attrs


# ------------------------------------------------------------------ views


class SubmissionListView(APIView):
    """GET: submissions in the person's scope, newest first (filters as query parameters)."""

    permission_classes = [SubmissionsPermission]

    @extend_schema(
        operation_id="submissions_list",
        parameters=[SubmissionFiltersSerializer],
        responses=SubmissionListSerializer,
    )
    def get(self, request: Request) -> Response:
        query = SubmissionFiltersSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        filters = SubmissionFilters(
            **{
                name: values[name]
                for name in (
                    "form",
                    "version",
                    "date_from",
                    "date_to",
                    "area",
                    "submitter",
                    "state",
                    "q",
                    "edits",
                )
                if name in values
            }
        )
        page = submission_page(
            user=request.user,  # type: ignore[arg-type]
            filters=filters,
            after=values.get("after", ""),
            before=values.get("before", ""),
            size=values["page_size"],
        )
        return Response(
            {
                "next": _page_link(request, "after", page.next_cursor),
                "previous": _page_link(request, "before", page.previous_cursor),
                "results": SubmissionRowSerializer(
                    page.rows, many=True, context={"request": request}
                ).data,
            }
        )


def _page_link(request: Request, name: str, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params: list[tuple[str, str]] = [
        (key, str(value))
        for key, value in request.query_params.items()
        if key not in ("after", "before")
    ]
    params.append((name, cursor))
    return request.build_absolute_uri(request.path + "?" + urlencode(params))


def _detail(request: Request, pk: int) -> SubmissionView:
    view = submission_detail(user=request.user, pk=pk)  # type: ignore[arg-type]
    if view is None:
        raise GridbookError(errors.SUBMISSION_NOT_FOUND, pk=pk)
    return view


def _detail_response(request: Request, view: SubmissionView, status: int = 200) -> Response:
    context = {"request": request, "view_data": view}
    return Response(
        SubmissionDetailSerializer(view.submission, context=context).data, status=status
    )


class SubmissionDetailView(APIView):
    """GET: one submission: its data as stored, its files with download addresses, every
    version of it (edits) and the review comments."""

    permission_classes = [SubmissionsPermission]

    @extend_schema(responses=SubmissionDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _detail_response(request, _detail(request, pk))


class SubmissionReviewView(APIView):
    """POST ``{"state": "approved", "comment": "..."}``: set the review state (with an
    optional comment), or add a comment only. Managers and administrators of the grid."""

    permission_classes = [SubmissionsPermission]
    parser_classes = [JSONParser]

    @extend_schema(request=SubmissionReviewSerializer, responses=SubmissionDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        view = _detail(request, pk)
        body = SubmissionReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user: User = request.user  # type: ignore[assignment]
        state, comment = body.validated_data.get("state"), body.validated_data.get("comment", "")
        if state:
            submission_review(submission=view.submission, by=user, state=state, comment=comment)
        else:
            submission_comment_add(submission=view.submission, by=user, body=comment)
        return _detail_response(request, _detail(request, pk))


class SubmissionAttachmentView(APIView):
    """GET: a file of the submission, the original byte for byte (``?size=thumbnail``: the
    JPEG thumbnail of a photo, once made)."""

    permission_classes = [SubmissionsPermission]

    @extend_schema(
        parameters=[OpenApiParameter("size", str, enum=["thumbnail"], required=False)],
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request: Request, pk: int, name: str) -> FileResponse:
        attachment = attachment_for(user=request.user, pk=pk, name=name)  # type: ignore[arg-type]
        if attachment is None:
            raise GridbookError(errors.ATTACHMENT_NOT_FOUND, pk=pk, name=name)
        opened = attachment_open(
            attachment, thumbnail=request.query_params.get("size") == "thumbnail"
        )
        response = FileResponse(
            opened.file, content_type=opened.content_type, as_attachment=True, filename=opened.name
        )
        if not opened.is_thumbnail and attachment.md5:
            response["ETag"] = f'"{attachment.md5}"'
        return response
