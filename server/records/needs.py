"""Needs: refolding their derived columns from their events, and the transitions managers make
on the web or through the API (assign, start, escalate, resolve, close, reopen)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from server.accounts.models import Role, User
from server.accounts.selectors import scope_for
from server.core.errors import GridbookError
from server.records import errors, lifecycle
from server.records.choices import EventKind, EventSource, HandlingLevel, NeedStatus
from server.records.models import Need, NeedEvent

NEED_FIELDS = [name.removesuffix("_id") for name in lifecycle.DERIVED_FIELDS]
ESCALATION_LEVELS = frozenset(
    {
        HandlingLevel.COMMUNITY,
        HandlingLevel.STREET,
        HandlingLevel.DISTRICT_PLATFORM,
        HandlingLevel.DEPARTMENT,
    }
)
STATUS_KIND = {status: kind for kind, status in lifecycle.KIND_STATUS.items()}


def due_days() -> dict[str, int]:
    return dict(settings.RECORDS_NEED_DUE_DAYS)


def needs_refold(need_ids: Iterable[int]) -> None:
    """Recompute the derived columns of these needs from their events (bulk: three queries
    per batch)."""
    ids = sorted(set(need_ids))
    days = due_days()
    for start in range(0, len(ids), 1000):
        batch = ids[start : start + 1000]
        needs = list(Need.objects.filter(pk__in=batch))
        events: dict[int, list[NeedEvent]] = defaultdict(list)
        for event in NeedEvent.objects.filter(need_id__in=batch).select_related("followup"):
            events[event.need_id].append(event)
        changed_events: list[NeedEvent] = []
        for need in needs:
            changed_events += lifecycle.fold(need, events[need.pk], days)
        # An upsert on the key (every need exists): one statement, where bulk_update would
        # build a CASE per column and row.
        Need.objects.bulk_create(
            needs,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=[*NEED_FIELDS, "updated_at"],
        )
        NeedEvent.objects.bulk_update(changed_events, ["from_status", "applied"], batch_size=500)


def may_handle(user: User, need: Need) -> bool:
    if not user.is_active:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    return user.role == Role.MANAGER and scope_for(user).sees_area(need.grid)


def need_transition(
    *,
    need: Need,
    to: str,
    actor: User,
    note: str = "",
    assignee: User | None = None,
    handling_level: str = "",
    department: str = "",
    source: str = EventSource.WEB,
    at: datetime | None = None,
) -> Need:
    """Move ``need`` (as the caller last saw it) to status ``to``. Managers in scope and
    administrators only; a need someone else changed meanwhile is refused (``need_changed``),
    so of two people deciding at once exactly one wins. Returns the need as stored.

    ``at`` (default: now) records a decision taken earlier (an import, the demo history); it
    must not precede the need's latest event."""
    _require_handler(actor, need)
    kind = STATUS_KIND.get(to)
    note = note.strip()
    with transaction.atomic():
        current = Need.objects.select_for_update().select_related("grid").get(pk=need.pk)
        if current.status != need.status:
            raise GridbookError(errors.NEED_CHANGED, status=NeedStatus(current.status).label)
        if kind is None or not lifecycle.allowed(current.status, to):
            raise GridbookError(
                errors.NEED_TRANSITION_NOT_ALLOWED,
                from_status=NeedStatus(current.status).label,
                to_status=NeedStatus(to).label if to in NeedStatus.values else to,
            )
        _check_details(current, kind, note, assignee, handling_level, department)
        NeedEvent.objects.create(
            need=current,
            kind=kind,
            from_status=current.status,
            to_status=to,
            at=_when(current, at),
            actor=actor,
            source=source,
            note=note,
            assignee=assignee if kind == EventKind.ASSIGN else None,
            handling_level=handling_level,
            department=department.strip()[:48],
        )
        needs_refold([current.pk])
    current.refresh_from_db()
    return current


def _when(need: Need, at: datetime | None) -> datetime:
    latest = need.events.order_by("-at").values_list("at", flat=True).first()
    when = at or timezone.now()
    return max(when, latest) if latest else when


def _require_handler(actor: User, need: Need) -> None:
    if actor.is_active and actor.role == Role.COLLECTOR:
        raise GridbookError(errors.NEED_FIELD_ONLY)
    if not may_handle(actor, need):
        raise GridbookError(errors.NEED_NOT_FOUND)


def _check_details(
    need: Need,
    kind: str,
    note: str,
    assignee: User | None,
    handling_level: str,
    department: str,
) -> None:
    if kind == EventKind.RESOLVE and not note:
        raise GridbookError(errors.NEED_NOTE_REQUIRED)
    if kind == EventKind.ESCALATE:
        if handling_level not in ESCALATION_LEVELS:
            raise GridbookError(errors.NEED_LEVEL_REQUIRED)
        if handling_level == HandlingLevel.DEPARTMENT and not department.strip():
            raise GridbookError(errors.NEED_DEPARTMENT_REQUIRED)
    if kind == EventKind.ASSIGN and not _may_be_assigned(assignee, need):
        raise GridbookError(errors.NEED_ASSIGNEE_INVALID)


def _may_be_assigned(user: User | None, need: Need) -> bool:
    if user is None or not user.is_active:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    if user.role not in (Role.MANAGER, Role.COLLECTOR):
        return False
    return scope_for(user).sees_area(need.grid)
