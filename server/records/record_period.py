"""Periods and the small arithmetic of a per-grid record (DOMAIN §2.6). Pure: no ORM.

A period is a half-open range of instants ``[start, end)`` in the deployment's time zone
(``settings.TIME_ZONE``, Asia/Shanghai by default): a day ``2026-11-23``, a month ``2026-11``,
a quarter ``2026-Q4``, a year ``2026``, or a custom range of whole days ``from``–``to``
(both included). Every period knows the one before it (same kind, or the same number of days
for a custom range), for "against the previous period" columns.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

SMALL_N = 10
"""A satisfaction dimension with fewer answers than this is flagged (DOMAIN §2.6)."""

MAX_CUSTOM_DAYS = 3 * 366
"""A custom range is at most about three years (longer ranges are the exports' job)."""

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """The text does not name a period; ``reason`` says why (English, for the API's details)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Period:
    """``first``..``last`` are the calendar days covered (both included)."""

    kind: str  # day | month | quarter | year | range
    first: date
    last: date

    @property
    def label(self) -> str:
        if self.kind == "day":
            return self.first.isoformat()
        if self.kind == "month":
            return f"{self.first.year}-{self.first.month:02d}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.first.year)
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        """The first instant of the period, in the deployment's time zone."""
        return datetime.combine(self.first, time.min, tzinfo=local_zone())

    @property
    def end(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=local_zone())

    def previous(self) -> Period:
        """The period just before this one, of the same kind."""
        if self.kind == "day":
            return day(self.first - timedelta(days=1))
        if self.kind == "month":
            return month(*_shift_month(self.first.year, self.first.month, -1))
        if self.kind == "quarter":
            year, first_month = _shift_month(self.first.year, self.first.month, -3)
            return quarter(year, (first_month - 1) // 3 + 1)
        if self.kind == "year":
            return year_period(self.first.year - 1)
        return Period("range", self.first - timedelta(days=self.days), self.first - timedelta(1))


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def today() -> date:
    return datetime.now(tz=local_zone()).date()


def day(value: date) -> Period:
    return Period("day", value, value)


def month(year: int, month_number: int) -> Period:
    first = date(year, month_number, 1)
    next_year, next_month = _shift_month(year, month_number, 1)
    return Period("month", first, date(next_year, next_month, 1) - timedelta(days=1))


def quarter(year: int, number: int) -> Period:
    first_month = (number - 1) * 3 + 1
    return Period("quarter", date(year, first_month, 1), month(year, first_month + 2).last)


def year_period(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31))


def custom_range(first: date, last: date) -> Period:
    if last < first:
        raise PeriodError("'to' is before 'from'")
    if (last - first).days + 1 > MAX_CUSTOM_DAYS:
        raise PeriodError(f"a custom range is at most {MAX_CUSTOM_DAYS} days")
    return Period("range", first, last)


def parse_period(
    text: str | None = None, *, first: str | None = None, last: str | None = None
) -> Period:
    """``period=`` text, or a ``from``/``to`` pair of ISO days; nothing at all is the
    current month."""
    if first or last:
        if text:
            raise PeriodError("give either 'period' or 'from' and 'to', not both")
        if not (first and last):
            raise PeriodError("a custom range needs both 'from' and 'to'")
        return custom_range(_parse_day(first), _parse_day(last))
    text = (text or "").strip()
    if not text:
        current = today()
        return month(current.year, current.month)
    try:
        return _parse_named(text)
    except ValueError as error:  # date() refusing 2026-02-30, month 13, …
        if isinstance(error, PeriodError):
            raise
        raise PeriodError(f"not a calendar date: {text!r}") from error


def _parse_named(text: str) -> Period:
    if match := _DAY.match(text):
        return day(date(*(int(part) for part in match.groups())))
    if match := _MONTH.match(text):
        return month(int(match[1]), int(match[2]))
    if match := _QUARTER.match(text):
        return quarter(int(match[1]), int(match[2]))
    if match := _YEAR.match(text):
        return year_period(int(match[1]))
    raise PeriodError(f"unknown period {text!r}: use YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY or from/to")


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise PeriodError(f"not a day (YYYY-MM-DD): {text!r}") from error


def _shift_month(year: int, month_number: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month_number - 1) + delta
    return index // 12, index % 12 + 1


def trailing_months(period: Period, count: int = 12) -> list[Period]:
    """The ``count`` calendar months ending with the month of the period's last day, oldest
    first (the dashboard's 12-month trends)."""
    year, month_number = _shift_month(period.last.year, period.last.month, -(count - 1))
    months = []
    for _index in range(count):
        months.append(month(year, month_number))
        year, month_number = _shift_month(year, month_number, 1)
    return months


# --- arithmetic ---------------------------------------------------------------------------


def share(part: int, whole: int) -> float | None:
    """``part / whole`` as a percentage with one decimal, or None when there is no whole
    (0 of 0 is "no data", not 0 %)."""
    if whole <= 0:
        return None
    return round(100 * part / whole, 1)


def median(values: Iterable[float]) -> float | None:
    """The median, or None for no values (never 0: nothing resolved is not "0 days")."""
    ordered = sorted(values)
    if not ordered:
        return None
    return round(float(statistics.median(ordered)), 1)


def median_of_counts(counts: dict[int, int]) -> float | None:
    """The median of a multiset given as ``{value: how many}`` (what SQL returns when days
    are grouped), so a roll-up never needs the individual rows."""
    total = sum(counts.values())
    if total == 0:
        return None
    ordered = sorted((value, n) for value, n in counts.items() if n > 0)
    low = _nth(ordered, (total - 1) // 2)
    high = _nth(ordered, total // 2)
    return round((low + high) / 2, 1)


def _nth(ordered: Sequence[tuple[int, int]], index: int) -> int:
    seen = 0
    for value, n in ordered:
        seen += n
        if index < seen:
            return value
    raise IndexError(index)


@dataclass(frozen=True)
class ScoreSummary:
    """One satisfaction dimension over a set of answers (1–5; n/a excluded before)."""

    n: int
    mean: float | None
    index: float | None  # 0–100 = (mean − 1) ÷ 4 × 100
    satisfied_rate: float | None  # share of 4–5
    dissatisfied_rate: float | None  # share of 1–2
    small_n: bool

    @classmethod
    def from_counts(cls, counts: dict[int, int]) -> ScoreSummary:
        """``counts`` maps a score 1..5 to how many answers gave it."""
        n = sum(count for score, count in counts.items() if 1 <= score <= 5)
        if n == 0:
            return cls(0, None, None, None, None, small_n=True)
        total = sum(score * count for score, count in counts.items() if 1 <= score <= 5)
        mean = total / n
        return cls(
            n=n,
            mean=round(mean, 2),
            index=round((mean - 1) / 4 * 100, 1),
            satisfied_rate=share(counts.get(4, 0) + counts.get(5, 0), n),
            dissatisfied_rate=share(counts.get(1, 0) + counts.get(2, 0), n),
            small_n=n < SMALL_N,
        )
