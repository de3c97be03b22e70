"""Hazard cases: when a hazard named on a visit was first reported and when it was cleared.

A visit names the hazards the worker saw (``VisitItem`` of kind hazard). A *case* opens when
a household's met visit names a hazard its previous met visit did not, and is cleared by
the first later met visit that no longer names it; visits where nobody was met say nothing
about hazards. The state is derived from the household's visits, never edited: every path
that adds, moves or removes a household's visits refolds that household (``hazards_refold``),
the live projection and ``rebuild_records`` alike, so the per-grid record can count open and
cleared cases with the same single scan that counts the other visit items.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from server.records.models import Visit, VisitItem

MET = "met"
HAZARD = VisitItem.Kind.HAZARD.value
CHUNK = 2000


def hazards_refold(
    household_ids: Iterable[int | None], *, visits: Any = Visit, items: Any = VisitItem
) -> int:
    """Recompute the hazard cases of these households; returns the items changed. Two
    queries per chunk of households when they have hazards, one when none has. (``visits``
    and ``items`` are the models: a migration passes its historical ones.)"""
    ids = sorted({pk for pk in household_ids if pk is not None})
    changed = 0
    for start in range(0, len(ids), CHUNK):
        changed += _refold_chunk(ids[start : start + CHUNK], visits, items)
    return changed


def hazards_refold_all(*, visits: Any = Visit, items: Any = VisitItem) -> int:
    """Every household that has a hazard item (``rebuild_records``, the migration)."""
    households = (
        items.objects.filter(kind=HAZARD, visit__household__isnull=False)
        .values_list("visit__household_id", flat=True)
        .distinct()
    )
    return hazards_refold(list(households), visits=visits, items=items)


def _refold_chunk(household_ids: list[int], visit_model: Any, item_model: Any) -> int:
    items = list(
        item_model.objects.filter(kind=HAZARD, visit__household_id__in=household_ids).only(
            "pk", "visit_id", "value", "opens_case", "cleared_at"
        )
    )
    if not items:
        return 0
    by_visit: dict[int, list[Any]] = defaultdict(list)
    for item in items:
        by_visit[item.visit_id].append(item)
    visits = (
        visit_model.objects.filter(household_id__in=household_ids, result=MET)
        .order_by("household_id", "visited_at", "pk")
        .values_list("pk", "household_id", "visited_at")
    )
    wanted: dict[int, tuple[bool, datetime | None]] = {}
    open_cases: dict[str, Any] = {}
    current_household = None
    for visit_id, household_id, visited_at in visits:
        if household_id != current_household:
            current_household, open_cases = household_id, {}
        named = {item.value: item for item in by_visit.get(visit_id, [])}
        for value, item in list(open_cases.items()):
            if value not in named:
                wanted[item.pk] = (True, visited_at)
                del open_cases[value]
        for value, item in named.items():
            if value in open_cases:
                wanted[item.pk] = (False, None)  # the open case, named again
            else:
                open_cases[value] = item
                wanted[item.pk] = (True, None)  # opens; cleared later, if ever
    changed = [
        item
        for item in items
        if (item.opens_case, item.cleared_at) != wanted.get(item.pk, (False, None))
    ]
    for item in changed:
        item.opens_case, item.cleared_at = wanted.get(item.pk, (False, None))
    item_model.objects.bulk_update(changed, ["opens_case", "cleared_at"], batch_size=CHUNK)
    return len(changed)
