"""Reads of households, needs and visits for the API (and any other front door), always
inside the reader's ``Scope``. Filters are plain values; nothing here knows HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from server.grids.models import Area, Household, HouseholdFlag
from server.records.choices import ACTIVE_STATUSES
from server.records.models import (
    FollowUp,
    Need,
    NeedEvent,
    RegisterChange,
    SatisfactionResponse,
    Visit,
)

if TYPE_CHECKING:
    from server.accounts.selectors import Scope


@dataclass(frozen=True)
class HouseholdQuery:
    """Empty values filter nothing. ``not_visited_days``: only households whose last visit
    is older than that (or who were never visited)."""

    area: Area | None = None
    search: str = ""
    flag: str = ""
    status: str = ""
    priority: bool | None = None
    not_visited_days: int | None = None


def households_list(
    *, scope: Scope, query: HouseholdQuery, now: datetime | None = None
) -> QuerySet[Household]:
    households = scope.households()
    if query.area is not None:
        households = households.filter(building__grid__path__startswith=query.area.path)
    if query.search:
        households = households.filter(
            Q(address_label__icontains=query.search) | Q(code__icontains=query.search)
        )
    if query.flag:
        households = households.filter(flags__flag=query.flag)
    if query.status:
        households = households.filter(status=query.status)
    if query.priority is not None:
        households = households.filter(priority=query.priority)
    if query.not_visited_days is not None:
        cutoff = (now or timezone.now()) - timedelta(days=query.not_visited_days)
        households = households.filter(Q(last_visit_at__isnull=True) | Q(last_visit_at__lt=cutoff))
    return (
        households.select_related("building__grid")
        .prefetch_related(Prefetch("flags", queryset=HouseholdFlag.objects.order_by("flag")))
        .order_by("code")
    )


# --- needs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedQuery:
    area: Area | None = None
    household: str = ""
    category: str = ""
    status: str = ""
    overdue: bool | None = None
    raised_from: datetime | None = None
    raised_before: datetime | None = None


def overdue_q(now: datetime) -> Q:
    """Still being worked on and past the due date (DOMAIN §2.3)."""
    return Q(status__in=list(ACTIVE_STATUSES), due_at__lt=now)


def needs_list(*, scope: Scope, query: NeedQuery, now: datetime | None = None) -> QuerySet[Need]:
    needs = scope.filter_by_grid(Need.objects.filter(withdrawn=False), "grid")
    if query.area is not None:
        needs = needs.filter(grid__path__startswith=query.area.path)
    if query.household:
        needs = needs.filter(household__code=query.household)
    if query.category:
        needs = needs.filter(category=query.category)
    if query.status:
        needs = needs.filter(status=query.status)
    if query.overdue is not None:
        late = overdue_q(now or timezone.now())
        needs = needs.filter(late) if query.overdue else needs.exclude(late)
    if query.raised_from is not None:
        needs = needs.filter(raised_at__gte=query.raised_from)
    if query.raised_before is not None:
        needs = needs.filter(raised_at__lt=query.raised_before)
    return needs.select_related("grid", "household", "assignee").order_by("-raised_at", "-pk")


def need_detail(*, scope: Scope, need_id: int) -> Need | None:
    """One need with its events and follow-ups, or None outside the scope (404)."""
    return (
        scope.filter_by_grid(Need.objects.all(), "grid")
        .filter(pk=need_id)
        .select_related("grid", "household", "assignee", "raised_by")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=NeedEvent.objects.select_related("actor", "assignee").order_by("at", "pk"),
            ),
            Prefetch("followups", queryset=FollowUp.objects.order_by("at", "pk")),
        )
        .first()
    )


# --- visits ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitQuery:
    area: Area | None = None
    household: str = ""
    worker: str = ""
    visit_type: str = ""
    result: str = ""
    visited_from: datetime | None = None
    visited_before: datetime | None = None


def visits_list(*, scope: Scope, query: VisitQuery) -> QuerySet[Visit]:
    visits = scope.filter_by_grid(Visit.objects.all(), "grid")
    if query.area is not None:
        visits = visits.filter(grid__path__startswith=query.area.path)
    if query.household:
        visits = visits.filter(household__code=query.household)
    if query.worker:
        visits = visits.filter(worker__username=query.worker)
    if query.visit_type:
        visits = visits.filter(visit_type=query.visit_type)
    if query.result:
        visits = visits.filter(result=query.result)
    if query.visited_from is not None:
        visits = visits.filter(visited_at__gte=query.visited_from)
    if query.visited_before is not None:
        visits = visits.filter(visited_at__lt=query.visited_before)
    return visits.select_related("grid", "household", "worker").order_by("-visited_at", "-pk")


# --- one household's timeline ------------------------------------------------------------

TIMELINE_LIMIT = 100


@dataclass
class HouseholdTimeline:
    household: Household
    visits: list[Visit]
    needs: list[Need]
    satisfaction: list[SatisfactionResponse] | None  # None: not for this reader


def household_timeline(
    *, scope: Scope, code: str, with_satisfaction: bool
) -> HouseholdTimeline | None:
    """A household with its latest visits and needs (and, for readers who see personal
    data, the satisfaction answers given under its name). None outside the scope. Five
    queries whatever the history."""
    found = (
        scope.households()
        .filter(code=code)
        .select_related("building__grid", "last_visit_by")
        .prefetch_related(Prefetch("flags", queryset=HouseholdFlag.objects.order_by("flag")))
        .first()
    )
    if found is None:
        return None
    visits = list(
        Visit.objects.filter(household=found)
        .select_related("worker")
        .order_by("-visited_at", "-pk")[:TIMELINE_LIMIT]
    )
    needs = list(
        Need.objects.filter(household=found, withdrawn=False)
        .select_related("assignee")
        .order_by("-raised_at", "-pk")[:TIMELINE_LIMIT]
    )
    satisfaction = None
    if with_satisfaction:
        satisfaction = list(
            SatisfactionResponse.objects.filter(household=found)
            .prefetch_related("scores")
            .order_by("-responded_at")[:TIMELINE_LIMIT]
        )
    return HouseholdTimeline(found, visits, needs, satisfaction)


# --- register changes --------------------------------------------------------------------


def register_changes_list(
    *, scope: Scope, area: Area | None = None, state: str = ""
) -> QuerySet[RegisterChange]:
    changes = scope.filter_by_grid(RegisterChange.objects.all(), "grid")
    if area is not None:
        changes = changes.filter(grid__path__startswith=area.path)
    if state:
        changes = changes.filter(state=state)
    return changes.select_related("grid", "household", "proposed_by", "decided_by").order_by(
        "-proposed_at", "-pk"
    )


def register_change_detail(*, scope: Scope, change_id: int) -> RegisterChange | None:
    return register_changes_list(scope=scope).filter(pk=change_id).first()
