"""Periods in Asia/Shanghai, the previous period, medians, shares and the satisfaction index
(DOMAIN §2.6), checked against values worked out by hand."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from server.records.record_period import (
    Period,
    PeriodError,
    ScoreSummary,
    median,
    median_of_counts,
    parse_period,
    share,
    trailing_months,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "kind", "first", "last", "label"),
    [
        ("2026-11-23", "day", date(2026, 11, 23), date(2026, 11, 23), "2026-11-23"),
        ("2026-02", "month", date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        ("2026-Q4", "quarter", date(2026, 10, 1), date(2026, 12, 31), "2026-Q4"),
        ("2026-q1", "quarter", date(2026, 1, 1), date(2026, 3, 31), "2026-Q1"),
        ("2026", "year", date(2026, 1, 1), date(2026, 12, 31), "2026"),
    ],
)
def test_named_periods(text: str, kind: str, first: date, last: date, label: str) -> None:
    period = parse_period(text)
    assert (period.kind, period.first, period.last, period.label) == (kind, first, last, label)


def test_a_period_starts_and_ends_at_midnight_in_shanghai() -> None:
    period = parse_period("2026-11")
    assert period.start == datetime(2026, 11, 1, tzinfo=SHANGHAI)
    assert period.end == datetime(2026, 12, 1, tzinfo=SHANGHAI)
    # 16:30 UTC on 30 November is already 1 December in Shanghai: outside November.
    late = datetime.fromisoformat("2026-11-30T16:30:00+00:00")
    assert not (period.start <= late < period.end)


def test_custom_range_includes_both_days_and_its_previous_has_the_same_length() -> None:
    period = parse_period(first="2026-03-10", last="2026-03-19")
    assert (period.kind, period.days, period.label) == ("range", 10, "2026-03-10..2026-03-19")
    assert period.previous() == Period("range", date(2026, 2, 28), date(2026, 3, 9))


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("2026-01-01", "2025-12-31"),
        ("2026-01", "2025-12"),
        ("2026-03", "2026-02"),
        ("2026-Q1", "2025-Q4"),
        ("2026-Q3", "2026-Q2"),
        ("2026", "2025"),
    ],
)
def test_previous_period(text: str, previous: str) -> None:
    assert parse_period(text).previous() == parse_period(previous)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"text": "2026-13"}, "not a calendar date"),
        ({"text": "2026-02-30"}, "not a calendar date"),
        ({"text": "2026-Q5"}, "unknown period"),
        ({"text": "last month"}, "unknown period"),
        ({"first": "2026-03-10"}, "needs both"),
        ({"first": "2026-03-10", "last": "2026-03-01"}, "before"),
        ({"first": "2020-01-01", "last": "2026-01-01"}, "at most"),
        ({"first": "2026/03/01", "last": "2026-03-02"}, "not a day"),
        ({"text": "2026", "first": "2026-01-01", "last": "2026-01-02"}, "not both"),
    ],
)
def test_bad_periods_say_why(kwargs: dict[str, str], reason: str) -> None:
    with pytest.raises(PeriodError, match=reason):
        parse_period(**kwargs)


def test_no_period_is_the_current_month() -> None:
    period = parse_period(None)
    now = datetime.now(tz=SHANGHAI).date()
    assert period.kind == "month" and period.first == now.replace(day=1)


def test_trailing_months_cross_the_year() -> None:
    months = trailing_months(parse_period("2026-03-15"), 12)
    assert [m.label for m in months][:3] == ["2025-04", "2025-05", "2025-06"]
    assert months[-1].label == "2026-03" and len(months) == 12


def test_share_and_median() -> None:
    assert share(1, 3) == 33.3
    assert share(0, 0) is None
    assert median([]) is None
    assert median([5, 1, 3]) == 3
    assert median([1, 2, 3, 10]) == 2.5


@pytest.mark.parametrize(
    "values", [[1], [1, 2], [3, 3, 1, 9], [0, 0, 0, 7, 7], [2, 5, 5, 5, 8, 8, 13, 40]]
)
def test_median_of_counts_equals_the_median_of_the_values(values: list[int]) -> None:
    counts: dict[int, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    assert median_of_counts(counts) == median(values)
    assert median_of_counts({}) is None


def test_satisfaction_summary_by_hand() -> None:
    # answers: 5,5,4,3,2,1 (n/a already excluded) → mean 20/6 = 3.333…
    summary = ScoreSummary.from_counts({5: 2, 4: 1, 3: 1, 2: 1, 1: 1})
    assert summary.n == 6
    assert summary.mean == 3.33
    assert summary.index == 58.3  # (3.333 − 1) / 4 × 100
    assert summary.satisfied_rate == 50.0
    assert summary.dissatisfied_rate == 33.3
    assert summary.small_n is True
    ten = ScoreSummary.from_counts({4: 10})
    assert (ten.index, ten.small_n) == (75.0, False)
    assert ScoreSummary.from_counts({}).mean is None
