"""/api/v1/households/: the register as the reader may see it (scope), with personal data
shown in full or masked by the one rule (``server.accounts.privacy``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.privacy import PersonalData, personal_data_for
from server.accounts.selectors import scope_for
from server.api.needs import NeedSerializer
from server.api.permissions import RecordReaders
from server.api.query_params import area_param, bool_param, choice_param
from server.api.visits import VisitSerializer
from server.core.errors import INVALID_INPUT, GridbookError
from server.grids.choices import HouseholdStatus, SpecialPopulation
from server.grids.models import Household
from server.records.reads import (
    HouseholdQuery,
    HouseholdTimeline,
    household_timeline,
    households_list,
)


class HouseholdSerializer(serializers.Serializer):
    code = serializers.CharField()
    address = serializers.CharField(source="address_label")
    grid = serializers.CharField(source="building.grid.code")
    building = serializers.CharField(source="building.code")
    head_name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    residence_type = serializers.CharField()
    status = serializers.CharField()
    members_count = serializers.IntegerField(allow_null=True)
    priority = serializers.BooleanField()
    flags = serializers.SerializerMethodField()
    last_visit_at = serializers.DateTimeField(allow_null=True)

    def _personal(self) -> PersonalData:
        return self.context["personal"]

    def get_head_name(self, household: Household) -> str:
        return self._personal().name(household.head_name)

    def get_phone(self, household: Household) -> str:
        return self._personal().phone(household.phone)

    def get_flags(self, household: Household) -> list[str]:
        return [flag.flag for flag in household.flags.all()]


def household_query(request: Request) -> HouseholdQuery:
    days = request.query_params.get("not_visited_days")
    if days is not None and (not days.isdigit() or not 1 <= int(days) <= 3650):
        raise GridbookError(INVALID_INPUT, reason="not_visited_days: 1 to 3650")
    return HouseholdQuery(
        area=area_param(request),
        search=request.query_params.get("search", "").strip(),
        flag=choice_param(request, "flag", SpecialPopulation.values),
        status=choice_param(request, "status", HouseholdStatus.values),
        priority=bool_param(request, "priority"),
        not_visited_days=int(days) if days else None,
    )


HOUSEHOLD_FILTERS = [
    OpenApiParameter("area", str, description="an area code: households of its subtree"),
    OpenApiParameter("search", str, description="part of the address or household code"),
    OpenApiParameter("flag", str, enum=SpecialPopulation.values),
    OpenApiParameter("status", str, enum=HouseholdStatus.values),
    OpenApiParameter("priority", bool),
    OpenApiParameter("not_visited_days", int, description="not visited for this many days"),
]


class HouseholdListView(ListAPIView):
    """GET: households in the reader's scope, filtered; names and phones masked for
    collectors."""

    permission_classes = [RecordReaders]
    serializer_class = HouseholdSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return households_list(
            scope=scope_for(self.request.user), query=household_query(self.request)
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "personal": personal_data_for(self.request.user),
        }

    @extend_schema(parameters=HOUSEHOLD_FILTERS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)


class ScoreSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    score = serializers.IntegerField(allow_null=True, help_text="null: don't know")


class SatisfactionAnswerSerializer(serializers.Serializer):
    responded_at = serializers.DateTimeField()
    collector_role = serializers.CharField()
    survey_mode = serializers.CharField()
    in_index = serializers.BooleanField()
    overall = serializers.IntegerField(allow_null=True)
    scores = ScoreSerializer(many=True)
    comments = serializers.CharField()


class HouseholdTimelineSerializer(HouseholdSerializer):
    visits = serializers.SerializerMethodField()
    needs = serializers.SerializerMethodField()
    satisfaction = serializers.SerializerMethodField()

    def _timeline(self) -> HouseholdTimeline:
        return self.context["timeline"]

    @extend_schema_field(VisitSerializer(many=True))
    def get_visits(self, household: Household) -> Any:
        return VisitSerializer(self._timeline().visits, many=True).data

    @extend_schema_field(NeedSerializer(many=True))
    def get_needs(self, household: Household) -> Any:
        return NeedSerializer(self._timeline().needs, many=True, context=self.context).data

    @extend_schema_field(SatisfactionAnswerSerializer(many=True, allow_null=True))
    def get_satisfaction(self, household: Household) -> Any:
        answers = self._timeline().satisfaction
        if answers is None:
            return None
        return SatisfactionAnswerSerializer(answers, many=True).data


class HouseholdDetailView(APIView):
    """GET: one household with its latest visits (photos named) and needs, newest first.
    Satisfaction answers given under its name are shown to managers and administrators
    only (null for collectors: residents rate their own worker)."""

    permission_classes = [RecordReaders]

    @extend_schema(responses=HouseholdTimelineSerializer)
    def get(self, request: Request, code: str) -> Response:
        personal = personal_data_for(request.user)
        timeline = household_timeline(
            scope=scope_for(request.user), code=code, with_satisfaction=personal.in_full
        )
        if timeline is None:
            raise Http404
        context = {"personal": personal, "timeline": timeline, "now": timezone.now()}
        return Response(HouseholdTimelineSerializer(timeline.household, context=context).data)
