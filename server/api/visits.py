"""/api/v1/visits/ and /api/v1/register-changes/: visits inside the reader's scope, and the
register changes visits propose, which managers approve or reject
(``server.records.register`` decides)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.selectors import scope_for
from server.api.permissions import RecordManagers, RecordReaders
from server.api.query_params import area_param, choice_param, period_bounds
from server.api.records import PERIOD_PARAMETERS
from server.records.choices import ChangeState
from server.records.models import RegisterChange, Visit
from server.records.reads import (
    VisitQuery,
    register_change_detail,
    register_changes_list,
    visits_list,
)


class VisitSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    household = serializers.CharField(source="household.code", allow_null=True, default=None)
    worker = serializers.CharField(source="worker.username", allow_null=True, default=None)

    class Meta:
        model = Visit
        fields = [
            "id",
            "grid",
            "household",
            "household_code",
            "new_address",
            "worker",
            "visit_type",
            "result",
            "met_whom",
            "visited_at",
            "duration_seconds",
            "services",
            "hazards",
            "env_issues",
            "diary",
            "next_visit",
            "photo_names",
            "photo_count",
            "need_count",
        ]


VISIT_FILTERS = [
    OpenApiParameter("area", str, description="an area code: visits of its subtree"),
    OpenApiParameter("household", str, description="a household code"),
    OpenApiParameter("worker", str, description="a worker's username"),
    OpenApiParameter("visit_type", str),
    OpenApiParameter("result", str),
    *PERIOD_PARAMETERS,
]


class VisitListView(ListAPIView):
    """GET: visits in the reader's scope, newest first."""

    permission_classes = [RecordReaders]
    serializer_class = VisitSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        request = self.request
        visited_from, visited_before = period_bounds(request)
        query = VisitQuery(
            area=area_param(request),
            household=request.query_params.get("household", ""),
            worker=request.query_params.get("worker", ""),
            visit_type=request.query_params.get("visit_type", ""),
            result=request.query_params.get("result", ""),
            visited_from=visited_from,
            visited_before=visited_before,
        )
        return visits_list(scope=scope_for(request.user), query=query)

    @extend_schema(parameters=VISIT_FILTERS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)


class RegisterChangeSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code")
    household = serializers.CharField(source="household.code", allow_null=True, default=None)
    proposed_by = serializers.CharField(
        source="proposed_by.username", allow_null=True, default=None
    )
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True, default=None)

    class Meta:
        model = RegisterChange
        fields = [
            "id",
            "kind",
            "state",
            "grid",
            "household",
            "payload",
            "previous",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "note",
        ]


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RegisterChangeListView(ListAPIView):
    """GET: register changes in the reader's scope (``?state=pending`` for the queue)."""

    permission_classes = [RecordManagers]
    serializer_class = RegisterChangeSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return register_changes_list(
            scope=scope_for(self.request.user),
            area=area_param(self.request),
            state=choice_param(self.request, "state", ChangeState.values),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("area", str),
            OpenApiParameter("state", str, enum=ChangeState.values),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)


def _change_or_404(request: Request, change_id: int) -> RegisterChange:
    change = register_change_detail(scope=scope_for(request.user), change_id=change_id)
    if change is None:
        raise Http404
    return change


class RegisterChangeDetailView(APIView):
    permission_classes = [RecordManagers]

    @extend_schema(responses=RegisterChangeSerializer)
    def get(self, request: Request, change_id: int) -> Response:
        return Response(RegisterChangeSerializer(_change_or_404(request, change_id)).data)


class RegisterChangeDecisionView(APIView):
    """POST: approve (apply to the register) or reject a pending change."""

    permission_classes = [RecordManagers]
    approve = True

    @extend_schema(request=DecisionSerializer, responses=RegisterChangeSerializer)
    def post(self, request: Request, change_id: int) -> Response:
        from server.records.register import register_change_approve, register_change_reject

        change = _change_or_404(request, change_id)
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decide = register_change_approve if self.approve else register_change_reject
        decide(change=change, by=request.user, note=serializer.validated_data["note"])  # type: ignore[arg-type]
        return Response(RegisterChangeSerializer(_change_or_404(request, change_id)).data)
