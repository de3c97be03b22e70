"""A need's lifecycle (DOMAIN §2.3): which transitions are allowed, and the need's derived
columns computed from its events in order (``fold``). Pure: no queries.

Events are the truth. The web and the API append an event only when its transition is allowed
from the current status; events from the phone (raised, follow-up) are appended whatever the
status (the phone may have an old list) and the fold decides whether they change anything:
a follow-up of a need that is not resolved is recorded (it counts as a 回访) but leaves the
status alone. Because the live path and ``rebuild_records`` both fold the same events, they
give the same needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from server.records.choices import EventKind, NeedStatus

S = NeedStatus
WORKING = frozenset({S.ASSIGNED, S.IN_PROGRESS, S.ESCALATED, S.RESOLVED, S.CLOSED})
TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: WORKING,
    S.ASSIGNED: WORKING,
    S.IN_PROGRESS: frozenset({S.ASSIGNED, S.ESCALATED, S.RESOLVED}),
    S.ESCALATED: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.ESCALATED, S.RESOLVED}),
    S.RESOLVED: frozenset({S.FOLLOWED_UP, S.REOPENED, S.CLOSED}),
    S.FOLLOWED_UP: frozenset({S.CLOSED, S.REOPENED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.ESCALATED, S.RESOLVED}),
}
# The status each kind of event asks for (a follow-up asks for followed_up or reopened).
KIND_STATUS: dict[str, str] = {
    EventKind.ASSIGN: S.ASSIGNED,
    EventKind.START: S.IN_PROGRESS,
    EventKind.ESCALATE: S.ESCALATED,
    EventKind.RESOLVE: S.RESOLVED,
    EventKind.CLOSE: S.CLOSED,
    EventKind.REOPEN: S.REOPENED,
}
DERIVED_FIELDS = (
    "status",
    "handling_level",
    "department",
    "assignee_id",
    "assigned_at",
    "due_at",
    "resolved_at",
    "resolution_note",
    "closed_at",
    "escalation_count",
    "reopen_count",
    "followup_count",
    "last_followup_at",
    "followup_outcome",
)


def allowed(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())


def fold(need: Any, events: Iterable[Any], due_days: Mapping[str, int]) -> list[Any]:
    """Set ``need``'s derived columns from its events (sorted here by time, then id; follow-up
    events with their ``followup`` loaded) and each event's ``from_status`` and ``applied``;
    returns the events whose bookkeeping changed."""
    state: dict[str, Any] = {
        "status": S.OPEN,
        "handling_level": "",
        "department": "",
        "assignee_id": None,
        "assigned_at": None,
        "due_at": need.raised_at + timedelta(days=due_days[need.urgency]),
        "resolved_at": None,
        "resolution_note": "",
        "closed_at": None,
        "escalation_count": 0,
        "reopen_count": 0,
        "followup_count": 0,
        "last_followup_at": None,
        "followup_outcome": "",
    }
    changed = []
    for event in sorted(
        events, key=lambda item: (item.at, item.kind != EventKind.RAISED, item.pk or 0)
    ):
        before = "" if event.kind == EventKind.RAISED else state["status"]
        applied = _apply(state, event, need, due_days)
        if event.from_status != before or event.applied != applied:
            event.from_status, event.applied = before, applied
            changed.append(event)
    if need.withdrawn:
        state["status"] = S.CLOSED
    for name, value in state.items():
        setattr(need, name, value)
    return changed


def _apply(state: dict[str, Any], event: Any, need: Any, due_days: Mapping[str, int]) -> bool:
    kind, at = event.kind, event.at
    if kind == EventKind.RAISED:
        state["status"] = event.to_status
        state["handling_level"] = event.handling_level
        if event.to_status == S.RESOLVED:
            state["resolved_at"], state["resolution_note"] = at, event.note
        return True
    if kind == EventKind.NOTE:
        return True
    if kind == EventKind.FOLLOW_UP:
        state["followup_count"] += 1
        state["last_followup_at"] = at
        state["followup_outcome"] = event.followup.outcome if event.followup_id else ""
        if not allowed(state["status"], event.to_status):
            return False
    elif not allowed(state["status"], event.to_status):
        return False
    _enter(state, event, need, due_days)
    return True


def _enter(state: dict[str, Any], event: Any, need: Any, due_days: Mapping[str, int]) -> None:
    to, at = event.to_status, event.at
    state["status"] = to
    if to == S.ASSIGNED:
        state["assignee_id"], state["assigned_at"] = event.assignee_id, at
        if event.handling_level:
            state["handling_level"] = event.handling_level
    elif to == S.ESCALATED:
        state["handling_level"], state["department"] = event.handling_level, event.department
        state["escalation_count"] += 1
    elif to == S.RESOLVED:
        state["resolved_at"], state["resolution_note"] = at, event.note
    elif to == S.CLOSED:
        state["closed_at"] = at
    elif to == S.REOPENED:
        state["reopen_count"] += 1
        state["resolved_at"] = state["closed_at"] = None
        state["due_at"] = max(at, need.raised_at) + timedelta(days=due_days[need.urgency])
