"""/api/v1/needs/: residents' needs inside the reader's scope, one need's lifecycle, and the
transitions managers make (``server.records.needs.need_transition`` decides who may do
what; this view only adapts HTTP)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.models import User
from server.accounts.selectors import scope_for
from server.api.permissions import RecordReaders
from server.api.query_params import area_param, bool_param, choice_param, period_bounds
from server.api.records import PERIOD_PARAMETERS
from server.records.choices import ACTIVE_STATUSES, EventSource, HandlingLevel, NeedStatus
from server.records.models import Need
from server.records.reads import NeedQuery, need_detail, needs_list


class NeedSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    household = serializers.CharField(source="household.code", allow_null=True, default=None)
    address = serializers.CharField(source="household.address_label", allow_null=True, default=None)
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Need
        fields = [
            "id",
            "grid",
            "household",
            "address",
            "source",
            "category",
            "description",
            "urgency",
            "on_spot",
            "status",
            "overdue",
            "handling_level",
            "department",
            "assignee",
            "raised_at",
            "due_at",
            "resolved_at",
            "resolution_note",
            "escalation_count",
            "reopen_count",
            "followup_count",
            "last_followup_at",
            "followup_outcome",
        ]

    def get_overdue(self, need: Need) -> bool:
        return need.status in ACTIVE_STATUSES and need.due_at < self.context["now"]


class NeedEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    applied = serializers.BooleanField()
    at = serializers.DateTimeField()
    by = serializers.CharField(source="actor.username", allow_null=True, default=None)
    via = serializers.CharField(source="source", help_text="field (the phone), web, api, system")
    note = serializers.CharField()
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    handling_level = serializers.CharField()
    department = serializers.CharField()


class FollowUpSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    outcome = serializers.CharField()
    resolved_status = serializers.CharField()
    timeliness = serializers.CharField()
    dissat_reasons = serializers.ListField(child=serializers.CharField())
    reopen = serializers.BooleanField()


class NeedDetailSerializer(NeedSerializer):
    events = NeedEventSerializer(many=True)
    followups = FollowUpSerializer(many=True)

    class Meta(NeedSerializer.Meta):
        fields = [*NeedSerializer.Meta.fields, "events", "followups"]


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=NeedStatus.choices)
    status = serializers.ChoiceField(
        choices=NeedStatus.choices,
        help_text="The status the caller last saw: refused (409) when someone changed it since.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    assignee = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    handling_level = serializers.ChoiceField(
        choices=HandlingLevel.choices, required=False, allow_blank=True, default=""
    )
    department = serializers.CharField(required=False, allow_blank=True, default="")


NEED_FILTERS = [
    OpenApiParameter("area", str, description="an area code: needs of its subtree"),
    OpenApiParameter("household", str, description="a household code"),
    OpenApiParameter("category", str),
    OpenApiParameter("status", str, enum=NeedStatus.values),
    OpenApiParameter("overdue", bool, description="still open and past the due date"),
    *PERIOD_PARAMETERS,
]


def _need_or_404(request: Request, need_id: int) -> Need:
    need = need_detail(scope=scope_for(request.user), need_id=need_id)
    if need is None:
        raise Http404
    return need


class NeedListView(ListAPIView):
    """GET: needs in the reader's scope, newest first; filters by area, household,
    category, status, overdue, and the period they were raised in."""

    permission_classes = [RecordReaders]
    serializer_class = NeedSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        request = self.request
        raised_from, raised_before = period_bounds(request)
        query = NeedQuery(
            area=area_param(request),
            household=request.query_params.get("household", ""),
            category=request.query_params.get("category", ""),
            status=choice_param(request, "status", NeedStatus.values),
            overdue=bool_param(request, "overdue"),
            raised_from=raised_from,
            raised_before=raised_before,
        )
        return needs_list(scope=scope_for(request.user), query=query)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(parameters=NEED_FILTERS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)


class NeedDetailView(APIView):
    """GET: one need with every step of its life and its follow-ups."""

    permission_classes = [RecordReaders]

    @extend_schema(responses=NeedDetailSerializer)
    def get(self, request: Request, need_id: int) -> Response:
        need = _need_or_404(request, need_id)
        context = {"request": request, "now": timezone.now()}
        return Response(NeedDetailSerializer(need, context=context).data)


class NeedTransitionView(APIView):
    """POST: move a need to another status (assign, start, escalate, resolve, close,
    reopen). Managers of its grid and administrators; collectors answer 403 (they use the
    phone forms)."""

    permission_classes = [RecordReaders]

    @extend_schema(request=TransitionSerializer, responses=NeedDetailSerializer)
    def post(self, request: Request, need_id: int) -> Response:
        from server.records.needs import need_transition

        need = _need_or_404(request, need_id)
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        need.status = data["status"]  # what the caller saw: the service refuses a stale view
        need_transition(
            need=need,
            to=data["to"],
            actor=request.user,  # type: ignore[arg-type]
            note=data["note"],
            assignee=data.get("assignee"),
            handling_level=data["handling_level"],
            department=data["department"],
            source=EventSource.API,
        )
        fresh = _need_or_404(request, need_id)
        context = {"request": request, "now": timezone.now()}
        return Response(NeedDetailSerializer(fresh, context=context).data)
