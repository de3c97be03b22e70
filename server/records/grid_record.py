"""The per-grid record (网格档案, DOMAIN §2.6) for any period, rolled up to community, street
and district, always inside the reader's ``Scope``.

``area_record(scope=, area=, period=)`` reads each block with one ``GROUP BY grid`` query over
the area's subtree, adds every row to its grid and the areas above it (``rollup.Rollup``) and
returns the area's figures with those of the areas right below it. The number of queries is
fixed, whatever the number of grids, households or visits. Derived values (shares, medians,
indexes) are computed from the summed parts (``record_figures``), never stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet, Sum

from server.accounts.models import AreaAssignment, Role
from server.grids.choices import AreaLevel, HouseholdStatus
from server.grids.models import Area, Building, Compound, Household, HouseholdFlag
from server.records.record_blocks import ACTIVITY_BLOCKS, Block, satisfaction
from server.records.record_field_blocks import FIELD_BLOCKS
from server.records.record_figures import RecordFigures
from server.records.record_period import Period
from server.records.rollup import (
    Rollup,
    Window,
    counter_add,
    number_add,
    reads_by_date,
    set_add,
    under,
)

if TYPE_CHECKING:
    from server.accounts.selectors import Scope

NOT_VISITED_DAYS = 90
"""A household not visited for this many days is listed (every household once a quarter,
DOMAIN §2.7)."""


@dataclass
class AreaRecord:
    """One area's record for a period, the records of the areas right below it, and, when
    asked, the area's figures for the previous period (for "against the previous period")."""

    period: Period
    not_visited_days: int
    figures: RecordFigures
    children: list[RecordFigures]
    previous: RecordFigures | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "period": _period_json(self.period),
            "not_visited_days": self.not_visited_days,
            **self.figures.as_json(),
            "children": [child.as_json() for child in self.children],
            "previous_period": _period_json(self.period.previous()) if self.previous else None,
            "previous": self.previous.as_json() if self.previous else None,
        }


def _period_json(period: Period) -> dict[str, str]:
    return {
        "kind": period.kind,
        "label": period.label,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
    }


def area_record(
    *,
    scope: Scope,
    area: Area,
    period: Period,
    not_visited_days: int = NOT_VISITED_DAYS,
    now: datetime | None = None,
    with_previous: bool = False,
    blocks: Sequence[Block] | None = None,
) -> AreaRecord:
    """``area`` must already be visible to ``scope`` (``grids.selectors.visible_area``).
    ``with_previous`` also reads the previous period (the same queries again).

    ``blocks`` reads only those blocks (e.g. ``SATISFACTION_BLOCKS``, for a figure "against
    the previous period"); the figures of the other blocks are then left empty, so such a
    record is only for the figures its blocks fill. By default every block is read."""
    chosen = BLOCKS if blocks is None else blocks
    rollup = _rolled_up(scope, area, period, not_visited_days, now, chosen)
    previous = None
    if with_previous:
        previous = _rolled_up(scope, area, period.previous(), not_visited_days, now, chosen).node(
            area
        )
    return AreaRecord(
        period=period,
        not_visited_days=not_visited_days,
        figures=rollup.node(area),
        children=rollup.children_of(area),
        previous=previous,
    )


def _rolled_up(
    scope: Scope,
    area: Area,
    period: Period,
    not_visited_days: int,
    now: datetime | None,
    blocks: Sequence[Block],
) -> Rollup[RecordFigures]:
    reference = min(period.end, now or _now())
    areas = scope.areas().filter(is_active=True, path__startswith=area.path).order_by("path")
    rollup: Rollup[RecordFigures] = Rollup(areas, RecordFigures)
    grid_ids = rollup.grid_ids if scope.sees_residents else ()
    every_grid = dict(Area.objects.filter(level=AreaLevel.GRID).values_list("pk", "is_active"))
    window = Window(
        root=area,
        # The scope decided which areas are visible; resident rows are read only for the
        # grids among them, and none at all for a person who sees no resident data.
        grid_ids=grid_ids,
        by_date=reads_by_date(len(grid_ids), sum(every_grid.values())),
        left_out=tuple(sorted(set(every_grid) - set(grid_ids))),
        start=period.start,
        end=period.end,
        reference=reference,
        cutoff=reference - timedelta(days=not_visited_days),
    )
    for block in blocks:
        block(scope, window, rollup)
    rollup.finish(RecordFigures.merge)
    return rollup


def _now() -> datetime:
    from django.utils import timezone

    return timezone.now()


# --- register baseline -------------------------------------------------------------------


def _register(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Households by grid, residence type and status: active households, residents,
    priority households, households added in the period, households not visited since the
    cutoff. One query."""
    rows = (
        under(Household.objects.all(), "building__grid", window)
        .values("building__grid_id", "residence_type", "status")
        .annotate(
            total=Count("pk"),
            residents=Sum("members_count"),
            priority=Count("pk", filter=Q(priority=True)),
            added=Count("pk", filter=Q(created_at__gte=window.start, created_at__lt=window.end)),
            not_visited=Count(
                "pk", filter=Q(last_visit_at__isnull=True) | Q(last_visit_at__lt=window.cutoff)
            ),
        )
        .order_by()
    )
    for row in rows:
        rollup.add(row["building__grid_id"], _register_row(row))


def _register_row(row: dict[str, Any]) -> Any:
    active = row["status"] == HouseholdStatus.ACTIVE

    def update(node: RecordFigures) -> None:
        node.households_added += row["added"]
        if not active:
            return
        node.households += row["total"]
        node.residents += row["residents"] or 0
        node.priority_households += row["priority"]
        node.residence_types[row["residence_type"]] += row["total"]
        node.not_visited += row["not_visited"]

    return update


def _flags(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Active households per special-population flag. One query."""
    flags = HouseholdFlag.objects.all()
    rows = (
        under(flags, "household__building__grid", window)
        .filter(household__status=HouseholdStatus.ACTIVE)
        .values("household__building__grid_id", "flag")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for row in rows:
        rollup.add(
            row["household__building__grid_id"], counter_add("flags", row["flag"], row["total"])
        )


def _buildings(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Buildings and building heads (楼栋长) per grid, compounds per community. Two
    queries."""
    buildings = under(Building.objects.all(), "grid", window)
    rows = buildings.values("grid_id").annotate(
        n=Count("pk"), heads=Count("pk", filter=~Q(head_name=""))
    )
    for row in rows.order_by():
        rollup.add(row["grid_id"], number_add("buildings", row["n"]))
        rollup.add(row["grid_id"], number_add("building_heads", row["heads"]))
    if not scope.sees_residents:
        return
    communities = [area.pk for area in rollup.areas.values() if area.level == AreaLevel.COMMUNITY]
    compounds = Compound.objects.filter(community__in=communities)
    for row in compounds.values("community_id").annotate(n=Count("pk")).order_by():
        rollup.add_for_area(row["community_id"], number_add("compounds", row["n"]))


def _workers(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """The collectors assigned to each grid (staff, not residents). One query."""
    rows = (
        AreaAssignment.objects.filter(
            area_id__in=rollup.grid_ids, user__role=Role.COLLECTOR, user__is_active=True
        )
        .values_list("area_id", "user__username")
        .order_by()
    )
    for grid_id, username in rows:
        rollup.add(grid_id, set_add("workers", username))


BLOCKS: list[Block] = [_workers, _register, _flags, _buildings, *ACTIVITY_BLOCKS, *FIELD_BLOCKS]

SATISFACTION_BLOCKS: list[Block] = [satisfaction]
"""Only the satisfaction questionnaires (responses and scores per dimension): two queries."""


def households_not_visited(
    *, scope: Scope, area: Area, days: int = NOT_VISITED_DAYS, now: datetime | None = None
) -> QuerySet[Household]:
    """Active households of the area not visited in ``days`` days (never visited first, then
    the longest unvisited): the to-do list of DOMAIN §4.2."""
    cutoff = (now or _now()) - timedelta(days=days)
    return (
        scope.households()
        .filter(building__grid__path__startswith=area.path, status=HouseholdStatus.ACTIVE)
        .filter(Q(last_visit_at__isnull=True) | Q(last_visit_at__lt=cutoff))
        .select_related("building__grid")
        .order_by(F("last_visit_at").asc(nulls_first=True), "code")
    )
