"""Reads of households, needs and visits for the API (and any other front door), always
inside the reader's ``Scope``. Filters are plain values; nothing here knows HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from server.grids.models import Area, Household, HouseholdFlag

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
