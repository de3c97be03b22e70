"""/api/v1/areas/<code>/record/ (and grids/<code>/record/): the per-grid record of any
area for a period (``server.records.grid_record``). Views only parse the query and shape
the answer; outside the reader's scope the area does not exist (404)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.selectors import scope_for
from server.api.errors import NOT_VISITED_DAYS_INVALID, PERIOD_INVALID
from server.api.permissions import RecordReaders
from server.api.record_serializers import AreaRecordOut
from server.core.errors import GridbookError
from server.grids.selectors import visible_area
from server.records.grid_record import NOT_VISITED_DAYS, area_record
from server.records.record_period import Period, PeriodError, parse_period
from server.records.record_trends import area_trends

PERIOD_PARAMETERS = [
    OpenApiParameter(
        "period",
        str,
        description="YYYY-MM-DD (day), YYYY-MM (month), YYYY-Qn (quarter), YYYY (year); "
        "default: the current month (Asia/Shanghai).",
    ),
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day of a custom range"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day of a custom range (included)"),
]


def period_from(request: Request) -> Period:
    params = request.query_params
    try:
        return parse_period(params.get("period"), first=params.get("from"), last=params.get("to"))
    except PeriodError as error:
        raise GridbookError(PERIOD_INVALID, reason=error.reason) from error


def not_visited_days_from(request: Request) -> int:
    text = request.query_params.get("not_visited_days")
    if text is None:
        return NOT_VISITED_DAYS
    if not text.isdigit() or not 1 <= int(text) <= 3650:
        raise GridbookError(NOT_VISITED_DAYS_INVALID)
    return int(text)


class AreaRecordView(APIView):
    """GET: the record of an area (a grid, or a community, street or district rolled up
    from its grids) for a period, with the records of the areas right below it."""

    permission_classes = [RecordReaders]

    @extend_schema(
        parameters=[
            *PERIOD_PARAMETERS,
            OpenApiParameter(
                "not_visited_days",
                int,
                description=f"list households not visited for this many days ({NOT_VISITED_DAYS})",
            ),
            OpenApiParameter(
                "compare",
                str,
                enum=["previous"],
                description="also the area's figures for the previous period",
            ),
        ],
        responses=AreaRecordOut,
    )
    def get(self, request: Request, code: str) -> Response:
        scope = scope_for(request.user)
        area = visible_area(scope=scope, code=code)
        if area is None:
            raise Http404
        period = period_from(request)
        record = area_record(
            scope=scope,
            area=area,
            period=period,
            not_visited_days=not_visited_days_from(request),
            with_previous=request.query_params.get("compare") == "previous",
        )
        return Response(record.as_json())


class MonthOut(serializers.Serializer):
    month = serializers.CharField()
    visits = serializers.IntegerField()
    households_visited = serializers.IntegerField()
    needs_raised = serializers.IntegerField()
    needs_resolved = serializers.IntegerField()
    followup_responses = serializers.IntegerField()
    followup_satisfaction_rate = serializers.FloatField(allow_null=True)
    satisfaction_n = serializers.IntegerField()
    satisfaction_index = serializers.FloatField(allow_null=True)


class AreaTrendsView(APIView):
    """GET: the twelve months ending with the period's month, month by month (the
    dashboard's charts)."""

    permission_classes = [RecordReaders]

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=MonthOut(many=True))
    def get(self, request: Request, code: str) -> Response:
        scope = scope_for(request.user)
        area = visible_area(scope=scope, code=code)
        if area is None:
            raise Http404
        months = area_trends(scope=scope, area=area, period=period_from(request))
        return Response([month.as_json() for month in months])
