"""More blocks of a record (DOMAIN §2.6): when visits happen, special-population flags given
and taken, hazard cases opened and cleared, and the needs survey's results.

Same rules as ``record_blocks``: each block is a fixed number of ``GROUP BY`` queries over
the window's rows, filtered through the window's grids, added up the tree by ``Rollup``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, CharField, Count, Q, Value, When

from server.grids.models import FlagChange
from server.records.models import NeedsSurveyResponse, Visit, VisitItem
from server.records.record_blocks import Block, in_period, unordered
from server.records.record_figures import RecordFigures
from server.records.rollup import Rollup, Window, counter_add, number_add, under

if TYPE_CHECKING:
    from server.accounts.selectors import Scope

TOP_POINTS = {"top1": 3, "top2": 2, "top3": 1}
"""The needs survey's ranking: first choice 3 points, second 2, third 1 (DOMAIN §2.6)."""


def visit_times(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Visits by local weekday and hour (错时工作: do workers find people at home in the
    evening and at weekends?), for the area asked only, not for each area below it. One
    query over the stored ``visit_slot``. The rows are not grouped by grid, so ``Rollup.add``
    cannot drop another grid's: the grids are filtered in SQL, by the few grids left out
    when the window holds most of them (a long ``IN`` list would double the cost)."""
    if not window.grid_ids:
        return
    visits = Visit.objects.filter(visit_slot__isnull=False).filter(in_period("visited_at", window))
    if window.by_date:
        visits = visits.exclude(grid_id__in=window.left_out) if window.left_out else visits
    else:
        visits = visits.filter(grid_id__in=window.grid_ids)
    rows = unordered(visits.values("visit_slot").annotate(n=Count("pk")))
    slots = rollup.node(window.root).visit_slots
    for row in rows:
        slots[row["visit_slot"]] += row["n"]


def hazard_cases(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Hazard cases opened in the period (``records.hazard_cases``), by hazard: cleared
    before the reference instant, or still open. One query over a partial index."""
    state = Case(
        When(cleared_at__lt=window.reference, then=Value("hazards_cleared")),
        default=Value("hazards_open"),
        output_field=CharField(),
    )
    rows = unordered(
        under(VisitItem.objects.filter(kind=VisitItem.Kind.HAZARD, opens_case=True), "grid", window)
        .filter(in_period("visited_at", window))
        .annotate(state=state)
        .values("grid_id", "value", "state")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        rollup.add(row["grid_id"], counter_add(row["state"], row["value"], row["n"]))


def flag_changes(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Special-population flags given and taken in the period, by flag (a household gaining
    低保 and losing it again in the same period counts once each way). One query."""
    rows = unordered(
        under(FlagChange.objects.all(), "grid", window)
        .filter(in_period("at", window))
        .values("grid_id", "flag", "added")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        name = "flags_added" if row["added"] else "flags_removed"
        rollup.add(row["grid_id"], counter_add(name, row["flag"], row["n"]))


def needs_survey(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """The needs survey (需求调查) answered in the period: questionnaires and refusals,
    willingness to pay, volunteering, and the services ranked first, second and third
    (weighted 3 / 2 / 1). Four queries over the (few) survey rows."""
    answered = under(NeedsSurveyResponse.objects.all(), "grid", window).filter(
        in_period("responded_at", window)
    )
    rows = unordered(
        answered.values("grid_id", "pay_willing", "volunteer").annotate(
            n=Count("pk", filter=Q(consent=True)), declined=Count("pk", filter=Q(consent=False))
        )
    )
    for row in rows:
        grid, n = row["grid_id"], row["n"]
        rollup.add(grid, number_add("survey_responses", n))
        rollup.add(grid, number_add("survey_declined", row["declined"]))
        if n:
            rollup.add(grid, counter_add("survey_pay", row["pay_willing"], n))
            rollup.add(grid, counter_add("survey_volunteer", row["volunteer"], n))
    for column, points in TOP_POINTS.items():
        ranked = unordered(
            answered.filter(consent=True)
            .exclude(**{column: ""})
            .values("grid_id", column)
            .annotate(n=Count("pk"))
        )
        for row in ranked:
            service = row[column]
            if service != "none":
                rollup.add(row["grid_id"], counter_add("survey_top", service, points * row["n"]))


FIELD_BLOCKS: list[Block] = [visit_times, hazard_cases, flag_changes, needs_survey]
