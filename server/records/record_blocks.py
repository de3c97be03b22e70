"""The activity blocks of a record (DOMAIN §2.6): visits, needs, follow-ups, satisfaction.

Each block is one or two ``GROUP BY grid`` queries over the rows of the window's subtree and
period (every table carries its grid and date, indexed together: ``records.models``), added
up the tree by ``Rollup``. Blocks take the reader's scope and filter through it, so a record
can never count a row the reader may not see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Func

from server.grids.choices import HouseholdStatus
from server.grids.models import Household
from server.records.choices import ACTIVE_STATUSES, CollectorRole, EventKind
from server.records.models import (
    FollowUp,
    Need,
    NeedEvent,
    RegisterChange,
    SatisfactionResponse,
    SatisfactionScore,
    Visit,
    VisitItem,
)
from server.records.record_figures import RecordFigures
from server.records.rollup import Rollup, Window, counter_add, number_add, under

if TYPE_CHECKING:
    from server.accounts.selectors import Scope

Block = Callable[["Scope", Window, Rollup[RecordFigures]], None]


def in_period(field: str, window: Window) -> Q:
    return Q(**{f"{field}__gte": window.start, f"{field}__lt": window.end})


def unordered(queryset: QuerySet[Any]) -> Any:
    return queryset.order_by()  # no ORDER BY: a GROUP BY must not group by the default order


# --- visits ------------------------------------------------------------------------------


def visits(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Visits by type and result, their photos. One query."""
    rows = unordered(
        under(Visit.objects.all(), "grid", window)
        .filter(in_period("visited_at", window))
        .values("grid_id", "visit_type", "result")
        .annotate(n=Count("pk"), photos=Sum("photo_count"))
    )
    for row in rows:
        grid, n = row["grid_id"], row["n"]
        rollup.add(grid, number_add("visits", n))
        rollup.add(grid, number_add("photos", row["photos"] or 0))
        rollup.add(grid, counter_add("visits_by_type", row["visit_type"], n))
        rollup.add(grid, counter_add("visits_by_result", row["result"], n))


def visited_households(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Active households visited at least once in the period (all, and priority ones), per
    grid of the household (so the numerator of coverage is part of its denominator). One
    query: a semi-join from the register to the period's visits, four times cheaper at a
    district's year than counting distinct households over the visits."""
    visited = Visit.objects.filter(household=OuterRef("pk")).filter(in_period("visited_at", window))
    rows = unordered(
        under(Household.objects.filter(status=HouseholdStatus.ACTIVE), "building__grid", window)
        .filter(Exists(visited))
        .values("building__grid_id")
        .annotate(households=Count("pk"), priority=Count("pk", filter=Q(priority=True)))
    )
    for row in rows:
        grid = row["building__grid_id"]
        rollup.add(grid, number_add("households_visited", row["households"]))
        rollup.add(grid, number_add("priority_visited", row["priority"]))


def visit_minutes(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """How many visits lasted each whole number of minutes (for the median). One query."""
    rows = unordered(
        under(Visit.objects.all(), "grid", window)
        .filter(in_period("visited_at", window), duration_seconds__isnull=False)
        .annotate(minutes=F("duration_seconds") / 60)
        .values("grid_id", "minutes")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        rollup.add(row["grid_id"], _counter_key_add("visit_minutes", int(row["minutes"]), row["n"]))


def visit_items(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Services delivered, hazards and environment issues named by the period's visits.
    One query over ``VisitItem`` (one row per selected value)."""
    kinds = {
        VisitItem.Kind.SERVICE: "services",
        VisitItem.Kind.HAZARD: "hazards",
        VisitItem.Kind.ENV: "env_issues",
    }
    rows = unordered(
        under(VisitItem.objects.all(), "grid", window)
        .filter(in_period("visited_at", window), kind__in=list(kinds))
        .exclude(value="none")
        .values("grid_id", "kind", "value")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        rollup.add(row["grid_id"], counter_add(kinds[row["kind"]], row["value"], row["n"]))


# --- needs -------------------------------------------------------------------------------


def _needs(scope: Scope, window: Window) -> QuerySet[Need]:
    return under(Need.objects.filter(withdrawn=False), "grid", window)


def needs_raised(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Needs raised in the period, by category. One query."""
    rows = unordered(
        _needs(scope, window)
        .filter(in_period("raised_at", window))
        .values("grid_id", "category")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        rollup.add(row["grid_id"], number_add("needs_raised", row["n"]))
        rollup.add(row["grid_id"], counter_add("needs_by_category", row["category"], row["n"]))


def needs_at_end(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Every need raised before the reference instant, by its status then, and how many of
    those still being worked on were past their due date then.

    A need with no applied event after the reference instant has the status it has now
    (the status column is the fold of its events); only the few needs that moved since are
    replayed (their last applied event before the instant). Two set-based queries, so a
    year of a district's needs is not replayed one by one."""
    needs = _needs(scope, window).filter(raised_at__lt=window.reference)
    moved_since = NeedEvent.objects.filter(
        need=OuterRef("pk"), applied=True, at__gte=window.reference
    )
    last_before = NeedEvent.objects.filter(
        need=OuterRef("pk"), applied=True, at__lt=window.reference
    ).order_by("-at", "-pk")
    unchanged = needs.filter(~Exists(moved_since)).annotate(status_then=F("status"))
    replayed = needs.filter(Exists(moved_since)).annotate(
        status_then=Subquery(last_before.values("to_status")[:1], output_field=CharField())
    )
    for queryset in (unchanged, replayed):
        _count_statuses(queryset, window, rollup)


def _count_statuses(needs: QuerySet[Need], window: Window, rollup: Rollup[RecordFigures]) -> None:
    # "Past due" does not depend on the status, so the (replayed) status is computed once;
    # overdue = past due and still being worked on, decided here.
    past_due = Case(
        When(due_at__lt=window.reference, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = unordered(
        needs.annotate(past_due=past_due)
        .values("grid_id", "status_then", "past_due")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        rollup.add(row["grid_id"], counter_add("needs_by_status", row["status_then"], row["n"]))
        if row["past_due"] and row["status_then"] in ACTIVE_STATUSES:
            rollup.add(row["grid_id"], number_add("needs_overdue", row["n"]))


def needs_resolved(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Needs resolved in the period (their latest resolution): on the spot or not, followed
    up or not; and how many took each whole number of days (for the median). Two queries."""
    resolved = _needs(scope, window).filter(in_period("resolved_at", window))
    rows = unordered(
        resolved.values("grid_id").annotate(
            n=Count("pk"),
            on_spot=Count("pk", filter=Q(on_spot=True)),
            followed=Count("pk", filter=Q(followup_count__gt=0)),
        )
    )
    for row in rows:
        rollup.add(row["grid_id"], number_add("needs_resolved", row["n"]))
        rollup.add(row["grid_id"], number_add("resolved_on_spot", row["on_spot"]))
        rollup.add(row["grid_id"], number_add("resolved_followed_up", row["followed"]))
    days = unordered(
        resolved.annotate(days=WholeDaysBetween("raised_at", "resolved_at"))
        .values("grid_id", "days")
        .annotate(n=Count("pk"))
    )
    for row in days:
        rollup.add(row["grid_id"], _counter_key_add("resolve_days", int(row["days"]), row["n"]))


def need_events(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Escalations in the period by level, and reopenings. One query."""
    events = under(NeedEvent.objects.filter(applied=True), "need__grid", window)
    rows = unordered(
        events.filter(in_period("at", window), kind__in=[EventKind.ESCALATE, EventKind.REOPEN])
        .values("need__grid_id", "kind", "handling_level")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        grid = row["need__grid_id"]
        if row["kind"] == EventKind.REOPEN:
            rollup.add(grid, number_add("reopened", row["n"]))
        else:
            level = row["handling_level"] or "unspecified"
            rollup.add(grid, counter_add("escalations", level, row["n"]))


# --- follow-up and satisfaction ----------------------------------------------------------


def followups(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """回访 answers given in the period, by outcome. One query."""
    rows = unordered(
        under(FollowUp.objects.all(), "grid", window)
        .filter(in_period("at", window))
        .exclude(outcome="")
        .values("grid_id", "outcome")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        rollup.add(row["grid_id"], counter_add("followup_results", row["outcome"], row["n"]))


def satisfaction(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Rated questionnaires, and per dimension how many answers gave each score, the grid's
    own worker's answers apart. Two queries."""
    own = Q(collector_role=CollectorRole.OWN_WORKER)
    responses = unordered(
        under(SatisfactionResponse.objects.all(), "grid", window)
        .filter(in_period("responded_at", window), in_index=True)
        .values("grid_id")
        .annotate(n=Count("pk"), own=Count("pk", filter=own))
    )
    for row in responses:
        rollup.add(row["grid_id"], number_add("satisfaction_responses", row["n"] - row["own"]))
        rollup.add(row["grid_id"], number_add("own_worker_responses", row["own"]))
    per_score = {f"s{score}": Count("pk", filter=Q(score=score)) for score in range(1, 6)}
    scores = unordered(
        under(SatisfactionScore.objects.all(), "grid", window)
        .filter(in_period("responded_at", window), in_index=True, score__isnull=False)
        .annotate(own=Case(When(own, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .values("grid_id", "dimension", "own")
        .annotate(**per_score)
    )
    for row in scores:
        rollup.add(row["grid_id"], _scores_add(row))


def _scores_add(row: dict[str, Any]) -> Callable[[RecordFigures], None]:
    def update(node: RecordFigures) -> None:
        for score in range(1, 6):
            if row[f"s{score}"]:
                node.add_score(
                    row["dimension"], score, row[f"s{score}"], own_worker=bool(row["own"])
                )

    return update


# --- register changes --------------------------------------------------------------------


def households_removed(scope: Scope, window: Window, rollup: Rollup[RecordFigures]) -> None:
    """Households whose status change (moved out, vacant, demolished) was applied in the
    period. One query."""
    rows = unordered(
        under(RegisterChange.objects.all(), "grid", window)
        .filter(in_period("decided_at", window), kind="status", state="applied")
        .values("grid_id")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        rollup.add(row["grid_id"], number_add("households_removed", row["n"]))


def _counter_key_add(name: str, key: int, amount: int) -> Callable[[RecordFigures], None]:
    def update(node: RecordFigures) -> None:
        getattr(node, name)[key] += amount

    return update


class WholeDaysBetween(Func):
    """Whole days from one instant to a later one (floor), in SQL on PostgreSQL and SQLite."""

    output_field = IntegerField()

    def __init__(self, start: str, end: str) -> None:
        super().__init__(F(end), F(start))

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400)::integer",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


ACTIVITY_BLOCKS: list[Block] = [
    visits,
    visited_households,
    visit_minutes,
    visit_items,
    needs_raised,
    needs_at_end,
    needs_resolved,
    need_events,
    followups,
    satisfaction,
    households_removed,
]
