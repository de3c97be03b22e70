"""/api/v1/households/: the register as the reader may see it (scope), with personal data
shown in full or masked by the one rule (``server.accounts.privacy``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request

from server.accounts.privacy import PersonalData, personal_data_for
from server.accounts.selectors import scope_for
from server.api.permissions import RecordReaders
from server.core.errors import INVALID_INPUT, GridbookError
from server.grids.choices import HouseholdStatus, SpecialPopulation
from server.grids.models import Household
from server.grids.selectors import visible_area
from server.records.reads import HouseholdQuery, households_list


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


def _bool(text: str | None, name: str) -> bool | None:
    if text in (None, ""):
        return None
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise GridbookError(INVALID_INPUT, reason=f"{name}: true or false")


def household_query(request: Request) -> HouseholdQuery:
    params = request.query_params
    area = None
    if code := params.get("area"):
        area = visible_area(scope=scope_for(request.user), code=code)
        if area is None:
            raise Http404
    days = params.get("not_visited_days")
    if days is not None and (not days.isdigit() or not 1 <= int(days) <= 3650):
        raise GridbookError(INVALID_INPUT, reason="not_visited_days: 1 to 3650")
    flag, status = params.get("flag", ""), params.get("status", "")
    if flag and flag not in SpecialPopulation.values:
        raise GridbookError(
            INVALID_INPUT, reason=f"flag: one of {', '.join(SpecialPopulation.values)}"
        )
    if status and status not in HouseholdStatus.values:
        raise GridbookError(
            INVALID_INPUT, reason=f"status: one of {', '.join(HouseholdStatus.values)}"
        )
    return HouseholdQuery(
        area=area,
        search=params.get("search", "").strip(),
        flag=flag,
        status=status,
        priority=_bool(params.get("priority"), "priority"),
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
