"""Twelve-month trends of an area for the dashboard: visits, households visited, needs raised
and resolved, 回访满意率, the overall satisfaction index, month by month (Asia/Shanghai
months). Five queries, each grouped by month over the scope's grids of the subtree."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from server.grids.models import Area
from server.records.choices import CollectorRole
from server.records.models import FollowUp, Need, SatisfactionScore, Visit
from server.records.record_figures import FOLLOWUP_SATISFIED
from server.records.record_period import Period, local_zone, share, trailing_months

if TYPE_CHECKING:
    from server.accounts.selectors import Scope


@dataclass
class MonthFigures:
    month: Period
    visits: int = 0
    households_visited: int = 0
    needs_raised: int = 0
    needs_resolved: int = 0
    followups: Counter[str] = field(default_factory=Counter)
    overall_n: int = 0
    overall_sum: int = 0

    def as_json(self) -> dict[str, Any]:
        satisfied = sum(self.followups.get(key, 0) for key in FOLLOWUP_SATISFIED)
        mean = self.overall_sum / self.overall_n if self.overall_n else None
        return {
            "month": self.month.label,
            "visits": self.visits,
            "households_visited": self.households_visited,
            "needs_raised": self.needs_raised,
            "needs_resolved": self.needs_resolved,
            "followup_responses": sum(self.followups.values()),
            "followup_satisfaction_rate": share(satisfied, sum(self.followups.values())),
            "satisfaction_n": self.overall_n,
            "satisfaction_index": None if mean is None else round((mean - 1) / 4 * 100, 1),
        }


def area_trends(
    *, scope: Scope, area: Area, period: Period, months: int = 12
) -> list[MonthFigures]:
    """The ``months`` months ending with the period's last month, oldest first."""
    periods = trailing_months(period, months)
    by_month = {p.first: MonthFigures(month=p) for p in periods}
    start, end = periods[0].start, periods[-1].end
    grid_ids: list[int] = []
    if scope.sees_residents:
        grid_ids = list(
            scope.grids().filter(path__startswith=area.path).values_list("pk", flat=True)
        )

    def monthly(queryset: QuerySet[Any], moment: str) -> QuerySet[Any]:
        return (
            queryset.filter(grid__in=grid_ids, **{f"{moment}__gte": start, f"{moment}__lt": end})
            .annotate(month=TruncMonth(moment, tzinfo=local_zone()))
            .values("month")
            .order_by()
        )

    for row in monthly(Visit.objects.all(), "visited_at").annotate(
        n=Count("pk"), households=Count("household", distinct=True)
    ):
        figures = by_month[_first(row["month"])]
        figures.visits, figures.households_visited = row["n"], row["households"]
    for row in monthly(Need.objects.filter(withdrawn=False), "raised_at").annotate(n=Count("pk")):
        by_month[_first(row["month"])].needs_raised = row["n"]
    for row in monthly(Need.objects.filter(withdrawn=False), "resolved_at").annotate(n=Count("pk")):
        by_month[_first(row["month"])].needs_resolved = row["n"]
    followups: dict[date, Counter[str]] = defaultdict(Counter)
    for row in (
        monthly(FollowUp.objects.exclude(outcome=""), "at").values("month", "outcome")
    ).annotate(n=Count("pk")):
        followups[_first(row["month"])][row["outcome"]] += row["n"]
    for first, counts in followups.items():
        by_month[first].followups = counts
    scores = SatisfactionScore.objects.filter(
        Q(dimension="overall", in_index=True, score__isnull=False)
        & ~Q(collector_role=CollectorRole.OWN_WORKER)
    )
    for row in monthly(scores, "responded_at").annotate(n=Count("pk"), total=Sum("score")):
        figures = by_month[_first(row["month"])]
        figures.overall_n, figures.overall_sum = row["n"], row["total"] or 0
    return list(by_month.values())


def _first(moment: Any) -> date:
    """TruncMonth gives an aware datetime (PostgreSQL) or a date-like value: its day 1."""
    value = moment.astimezone(local_zone()).date() if hasattr(moment, "astimezone") else moment
    return value.replace(day=1)
