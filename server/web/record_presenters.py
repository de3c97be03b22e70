"""Turning an area's record (``records.grid_record``) into what the dashboard and the grid
page show: labelled counts, child-area rows for a sortable table, chart specifications.

Only adapts output; every figure is computed by the records selectors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from server.records.choices import ACTIVE_STATUSES
from server.records.grid_record import AreaRecord
from server.records.record_figures import RecordFigures
from server.records.record_period import ScoreSummary, median_of_counts, share
from server.records.record_trends import MonthFigures
from server.web.choice_labels import label_of
from server.web.sortable import Column

OVERALL = "overall"


@dataclass(frozen=True)
class Count:
    code: str
    label: str
    count: int
    share: int  # whole percent of the largest count, for the bar width


def labelled(counter: Counter[str], kind: str) -> list[Count]:
    """Counts with their labels, largest first; the bar is relative to the largest."""
    items = [(code, n) for code, n in counter.items() if n]
    items.sort(key=lambda item: (-item[1], item[0]))
    top = items[0][1] if items else 0
    return [
        Count(code=code, label=label_of(kind, code), count=n, share=round(100 * n / top))
        for code, n in items
    ]


@dataclass(frozen=True)
class Dimension:
    code: str
    label: str
    summary: ScoreSummary
    previous: ScoreSummary | None

    @property
    def change(self) -> float | None:
        if self.previous is None or self.previous.index is None or self.summary.index is None:
            return None
        return round(self.summary.index - self.previous.index, 1)


def dimensions(figures: RecordFigures, previous: RecordFigures | None) -> list[Dimension]:
    """Satisfaction per dimension (overall last), with the previous period's index."""
    now = figures.satisfaction()
    before = previous.satisfaction() if previous is not None else {}
    codes = sorted(now, key=lambda code: (code == OVERALL, code))
    return [
        Dimension(
            code=code,
            label=label_of("dimension", code),
            summary=now[code],
            previous=before.get(code),
        )
        for code in codes
    ]


def open_needs(figures: RecordFigures) -> int:
    return sum(figures.needs_by_status.get(status, 0) for status in ACTIVE_STATUSES)


def median_days_to_resolve(figures: RecordFigures) -> float | None:
    return median_of_counts(dict(figures.resolve_days))


def overall_index(figures: RecordFigures) -> float | None:
    summaries = figures.satisfaction()
    if OVERALL in summaries:
        return summaries[OVERALL].index
    return None


def child_columns() -> list[Column[RecordFigures]]:
    """The columns of the child-area table; each one sorts."""
    return [
        Column("name", _("Area"), lambda f: f.area.name, numeric=False, first_descending=False),
        Column("households", _("Households"), lambda f: f.households),
        Column("coverage", _("Visit coverage"), lambda f: f.coverage),
        Column("not_visited", _("Households overdue for a visit"), lambda f: f.not_visited),
        Column("needs_raised", _("Needs raised"), lambda f: f.needs_raised),
        Column("open_needs", _("Open needs"), open_needs),
        Column("overdue", _("Overdue needs"), lambda f: f.needs_overdue),
        Column("resolve_days", _("Median days to resolve"), median_days_to_resolve),
        Column(
            "followup", _("Follow-up satisfaction rate"), lambda f: f.followup_satisfaction_rate
        ),
        Column("index", _("Satisfaction index"), overall_index),
    ]


@dataclass(frozen=True)
class TrendPoint:
    """One month of ``records.record_trends.area_trends``; coverage against today's active
    households (the register keeps no history of its size)."""

    month: MonthFigures
    households: int

    @property
    def label(self) -> str:
        return self.month.month.label

    @property
    def coverage(self) -> float | None:
        return share(self.month.households_visited, self.households)

    @property
    def figures(self) -> dict[str, Any]:
        return self.month.as_json()


def trend_points(months: list[MonthFigures], households: int) -> list[TrendPoint]:
    return [TrendPoint(month=month, households=households) for month in months]


def trends_chart(points: list[TrendPoint]) -> dict[str, Any]:
    """Visit coverage, 回访满意率 and the overall satisfaction index, month by month (%)."""
    rows = [point.figures for point in points]
    return {
        "type": "line",
        "title": _("The last 12 months (%)"),
        "categories": [point.label for point in points],
        "series": [
            {"name": _("Visit coverage"), "data": [point.coverage for point in points]},
            {
                "name": _("Follow-up satisfaction rate"),
                "data": [row["followup_satisfaction_rate"] for row in rows],
            },
            {"name": _("Satisfaction index"), "data": [row["satisfaction_index"] for row in rows]},
        ],
    }


def needs_trend_chart(points: list[TrendPoint]) -> dict[str, Any]:
    return {
        "type": "bar",
        "title": _("Needs raised and resolved, the last 12 months"),
        "categories": [point.label for point in points],
        "series": [
            {"name": _("Needs raised"), "data": [p.month.needs_raised for p in points]},
            {"name": _("Needs resolved"), "data": [p.month.needs_resolved for p in points]},
        ],
    }


def status_chart(counts: list[Count], title: str) -> dict[str, Any]:
    return {
        "type": "bar",
        "title": title,
        "categories": [count.label for count in counts],
        "series": [{"name": title, "data": [count.count for count in counts]}],
    }


def record_summary(record: AreaRecord) -> dict[str, Any]:
    """The headline figures of one record, for the template."""
    figures = record.figures
    return {
        "households": figures.households,
        "households_visited": figures.households_visited,
        "coverage": figures.coverage,
        "priority_coverage": figures.priority_coverage,
        "visits": figures.visits,
        "not_visited": figures.not_visited,
        "not_visited_days": record.not_visited_days,
        "needs_raised": figures.needs_raised,
        "open_needs": open_needs(figures),
        "needs_overdue": figures.needs_overdue,
        "needs_resolved": figures.needs_resolved,
        "resolve_days": median_days_to_resolve(figures),
        "followup_rate": figures.followup_rate,
        "followup_satisfaction_rate": figures.followup_satisfaction_rate,
        "followup_responses": figures.followup_responses,
        "photos": figures.photos,
        "satisfaction_responses": figures.satisfaction_responses,
    }
