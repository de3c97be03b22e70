"""GET /api/v1/audit-events/: the audit log for administrators (``accounts.audit``), newest
first, paged, filtered by ``action``, ``actor``, ``target``, ``since``, ``until``."""

from __future__ import annotations

from datetime import date

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request

from server.accounts.audit import AuditFilter, audit_events
from server.accounts.models import AuditAction, AuditEvent
from server.api.permissions import AdministratorsOnly


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor_name", "action", "target_type", "target", "details"]


def _day(request: Request, name: str) -> date | None:
    try:
        return date.fromisoformat(request.query_params.get(name, ""))
    except ValueError:
        return None


@extend_schema(
    parameters=[
        OpenApiParameter("action", enum=AuditAction.values),
        OpenApiParameter("actor", str),
        OpenApiParameter("target", str),
        OpenApiParameter("since", date),
        OpenApiParameter("until", date),
    ]
)
class AuditEventListView(generics.ListAPIView):
    serializer_class = AuditEventSerializer
    permission_classes = [AdministratorsOnly]
    filter_backends: list = []  # type: ignore[type-arg]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        action = params.get("action", "")
        filters = AuditFilter(
            action=action if action in AuditAction.values else "",
            actor=params.get("actor", "")[:150],
            target=params.get("target", "")[:200],
            since=_day(self.request, "since"),
            until=_day(self.request, "until"),
        )
        return audit_events(viewer=self.request.user, filters=filters)  # type: ignore[arg-type]
