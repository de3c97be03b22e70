"""The period picker of the record pages: a day, month, quarter, year or custom range.

Reads the same ``?period=`` / ``?from=&to=`` the API reads (``records.record_period``), so a
page's address and the API's agree. A period that cannot be read is reported on the page and
the current month is shown instead, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from server.records.record_period import (
    Period,
    PeriodError,
    parse_period,
    quarter,
    today,
    year_period,
)
from server.records.record_period import month as month_period

KIND_LABELS = {
    "day": gettext_lazy("Day"),
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
    "range": gettext_lazy("Custom range"),
}


@dataclass(frozen=True)
class Preset:
    label: str
    value: str
    current: bool


@dataclass
class PeriodChoice:
    """The period a page shows, what the person asked for, and the quick choices."""

    period: Period
    error: str = ""
    presets: list[Preset] = field(default_factory=list)
    text: str = ""
    first: str = ""
    last: str = ""

    @property
    def query(self) -> str:
        """The period as a query string (for links that keep it)."""
        if self.period.kind == "range":
            return f"from={self.period.first.isoformat()}&to={self.period.last.isoformat()}"
        return f"period={self.period.label}"

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.period.kind])

    @property
    def title(self) -> str:
        """How the page names its period: 2026-11, 2026-Q4, 2026-11-01 – 2026-11-23."""
        if self.period.kind == "range":
            return f"{self.period.first.isoformat()} – {self.period.last.isoformat()}"
        return self.period.label


def period_from(query: QueryDict, *, on: date | None = None) -> PeriodChoice:
    text = query.get("period", "").strip()
    first = query.get("from", "").strip()
    last = query.get("to", "").strip()
    error = ""
    try:
        period = parse_period(text, first=first or None, last=last or None)
    except PeriodError as problem:
        error = _("This period cannot be read (%(reason)s); showing the current month.") % {
            "reason": problem.reason
        }
        current = on or today()
        period = month_period(current.year, current.month)
    if period.kind != "range":
        first, last = "", ""
    return PeriodChoice(
        period=period,
        error=error,
        presets=presets(period, on=on),
        text=text if not error else "",
        first=first,
        last=last,
    )


def presets(chosen: Period, *, on: date | None = None) -> list[Preset]:
    """This month, last month, this quarter, this year, last year; and today."""
    current = on or today()
    this_month = month_period(current.year, current.month)
    choices = [
        (_("Today"), current.isoformat()),
        (_("This month"), this_month.label),
        (_("Last month"), this_month.previous().label),
        (_("This quarter"), quarter(current.year, (current.month - 1) // 3 + 1).label),
        (_("This year"), year_period(current.year).label),
        (_("Last year"), year_period(current.year - 1).label),
    ]
    return [
        Preset(label=label, value=value, current=chosen.kind != "range" and chosen.label == value)
        for label, value in choices
    ]
