"""Every activity figure of a record, against sums worked out by hand from
``tests/records/activity.november`` (the comments show the working)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.accounts.selectors import scope_for
from server.records.grid_record import SATISFACTION_BLOCKS, area_record
from server.records.record_period import parse_period
from tests.conftest import World
from tests.records import activity

pytestmark = pytest.mark.django_db

AFTER = datetime(2026, 12, 5, tzinfo=UTC)  # November is over


def record(
    world: World, user: str, area: str, period: str = "2026-11", now=AFTER
) -> dict[str, Any]:
    reader = getattr(world, user)
    found = {a.code: a for a in (world.district, world.community_a, world.community_b,
                                 world.grid_a1, world.grid_a2, world.grid_b1)}[area]  # fmt: skip
    return area_record(
        scope=scope_for(reader), area=found, period=parse_period(period), now=now
    ).as_json()


def test_visits_of_one_grid(world: World) -> None:
    activity.november(world)
    visits = record(world, "bob", "CY1")["visits"]
    # CY1 in November (Shanghai): 11-03, 11-20, 11-05 and 11-30 23:59; 10-31 23:30 is October.
    assert visits["total"] == 4
    assert visits["by_type"] == {"followup": 1, "routine": 3}
    assert visits["by_result"] == {"met": 3, "nobody_home": 1}
    assert visits["photos"] == 2 + 1 + 0 + 1
    assert (visits["households_visited"], visits["coverage"]) == (3, 100.0)
    assert (visits["priority_visited"], visits["priority_coverage"]) == (1, 100.0)
    assert visits["nobody_home_rate"] == 25.0
    assert visits["median_minutes"] == 5  # 10, 5, 1 minutes (the last visit has no duration)
    assert visits["services"] == {"condolence": 1, "policy": 2}
    assert visits["hazards"] == {"gas": 1}  # "none" is not a hazard


def test_visits_roll_up_to_the_community_and_district(world: World) -> None:
    activity.november(world)
    community = record(world, "alice", "CY")["visits"]
    assert community["total"] == 5 and community["photos"] == 7
    assert community["median_minutes"] == 7.5  # 1, 5, 10, 15 minutes
    assert community["env_issues"] == {"garbage": 1}
    district = record(world, "admin", "JY")
    # 5 of 6 households visited (BH-1-102 was not); BH-1-102 moved out in November but the
    # register here still says active, so the base is 6.
    assert (district["visits"]["households_visited"], district["visits"]["coverage"]) == (5, 83.3)
    assert district["register"]["households_removed"] == 1
    [street] = district["children"]
    assert street["visits"]["total"] == 6


def test_needs_of_one_grid(world: World) -> None:
    activity.november(world)
    needs = record(world, "bob", "CY1")["needs"]
    assert needs["raised"] == 3
    assert needs["by_category"] == {"elderly_care": 1, "policy": 1, "repair": 1}
    assert needs["by_status_at_end"] == {"followed_up": 1, "open": 1, "resolved": 1}
    assert needs["overdue_at_end"] == 1  # n2, due 11-06, still open
    assert (needs["resolved"], needs["resolved_on_spot"]) == (2, 1)
    assert needs["resolved_on_spot_share"] == 50.0
    assert needs["median_days_to_resolve"] == 2.5  # 5 days and 0 days


def test_needs_at_the_end_of_a_past_period_are_replayed_from_events(world: World) -> None:
    activity.november(world)
    needs = record(world, "alice", "CY")["needs"]
    # n4 (raised in October, escalated 11-02, resolved 12-02) was escalated on 30 November.
    assert needs["raised"] == 3
    assert needs["by_status_at_end"] == {"escalated": 1, "followed_up": 1, "open": 1, "resolved": 1}
    assert needs["overdue_at_end"] == 2
    assert needs["escalations"] == {"street": 1}
    december = record(world, "alice", "CY", period="2026-12")["needs"]
    assert december["by_status_at_end"]["resolved"] == 2  # the running month: statuses now
    assert december["resolved"] == 1 and december["median_days_to_resolve"] == 43


def test_followup_rates(world: World) -> None:
    activity.november(world)
    grid = record(world, "bob", "CY1")["followup"]
    assert (grid["resolved"], grid["followed_up"], grid["rate"]) == (2, 1, 50.0)
    assert grid["results"] == {"satisfied": 1}
    assert (grid["satisfaction_rate"], grid["strict_rate"]) == (100.0, 100.0)
    district = record(world, "admin", "JY")
    followup = district["followup"]
    # resolved in November: n1, n3, n5; followed up: n1, n5.
    assert (followup["resolved"], followup["followed_up"], followup["rate"]) == (3, 2, 66.7)
    assert followup["results"] == {"basically": 1, "dissatisfied": 1, "satisfied": 1}
    assert (followup["satisfaction_rate"], followup["strict_rate"]) == (66.7, 33.3)
    assert district["needs"]["reopened"] == 1
    assert district["needs"]["median_days_to_resolve"] == 5  # 5, 0, 9
    assert district["needs"]["overdue_at_end"] == 3  # n2, n4, n5 (reopened, due 11-26)


def test_satisfaction_index_with_own_worker_apart(world: World) -> None:
    activity.november(world)
    grid = record(world, "bob", "CY1")["satisfaction"]
    assert (grid["responses"], grid["own_worker_responses"]) == (2, 1)
    attitude = grid["dimensions"]["attitude"]  # 5 and 4; the unrated call's 1 is left out
    assert attitude == {
        "n": 2,
        "mean": 4.5,
        "index": 87.5,
        "satisfied_rate": 100.0,
        "dissatisfied_rate": 0.0,
        "small_n": True,
    }
    assert grid["dimensions"]["overall"]["mean"] == 4.5
    assert "eldercare" not in grid["dimensions"]  # only "don't know"
    assert grid["own_worker_dimensions"]["attitude"]["mean"] == 2
    district = record(world, "admin", "JY")["satisfaction"]["dimensions"]["attitude"]
    assert (district["n"], district["mean"], district["index"]) == (3, 4.0, 75.0)
    assert (district["satisfied_rate"], district["dissatisfied_rate"]) == (66.7, 0.0)


@pytest.mark.parametrize(("user", "area"), [("admin", "JY"), ("alice", "CY"), ("bob", "CY1")])
def test_a_satisfaction_only_read_gives_the_same_satisfaction_in_fewer_queries(
    world: World, user: str, area: str
) -> None:
    activity.november(world)
    full = record(world, user, area)
    found = {a.code: a for a in (world.district, world.community_a, world.grid_a1)}[area]
    with CaptureQueriesContext(connection) as captured:
        only = area_record(
            scope=scope_for(getattr(world, user)),
            area=found,
            period=parse_period("2026-11"),
            now=AFTER,
            blocks=SATISFACTION_BLOCKS,
        ).as_json()
    assert only["satisfaction"] == full["satisfaction"]
    assert [c["satisfaction"] for c in only["children"]] == [
        c["satisfaction"] for c in full["children"]
    ]
    assert only["visits"]["total"] == 0  # the other blocks were not read
    # the scope's own areas (a manager's, once), the area tree, the active grids, and the
    # two satisfaction queries, against 21 for a whole record
    assert len(captured.captured_queries) <= 5


def test_a_manager_and_a_collector_count_nothing_of_others(world: World) -> None:
    activity.november(world)
    erin = record(world, "erin", "BH")
    assert erin["visits"]["total"] == 1 and erin["needs"]["raised"] == 1
    assert erin["satisfaction"]["dimensions"]["attitude"]["n"] == 1
    carol = record(world, "carol", "BH1")
    assert carol["followup"]["results"] == {"dissatisfied": 1}
    alice = record(world, "alice", "CY")
    assert alice["followup"]["results"] == {"basically": 1, "satisfied": 1}


def test_query_count_is_fixed_whatever_the_activity(world: World) -> None:
    scope = scope_for(world.admin)
    period = parse_period("2026-11")
    with CaptureQueriesContext(connection) as empty:
        area_record(scope=scope, area=world.district, period=period, now=AFTER)
    activity.november(world)
    activity.november(world)
    with CaptureQueriesContext(connection) as busy:
        area_record(scope=scope, area=world.district, period=period, now=AFTER)
    # 21 for the register, visits, needs, follow-ups and satisfaction; 7 for the field
    # blocks (weekday and hour, hazards, flag changes, the needs survey).
    assert len(busy.captured_queries) == len(empty.captured_queries) <= 28


def test_twelve_month_trends(world: World) -> None:
    from server.records.record_trends import area_trends

    activity.november(world)
    months = area_trends(
        scope=scope_for(world.alice), area=world.community_a, period=parse_period("2026-11")
    )
    assert months[0].month.label == "2025-12" and len(months) == 12
    november = months[-1].as_json()
    assert (november["visits"], november["households_visited"]) == (5, 4)
    assert (november["needs_raised"], november["needs_resolved"]) == (3, 2)
    assert november["followup_satisfaction_rate"] == 100.0  # satisfied + basically
    # overall, other collectors only: 4 and 5 → mean 4.5 → index 87.5
    assert (november["satisfaction_n"], november["satisfaction_index"]) == (2, 87.5)
    october = months[-2].as_json()
    assert (october["visits"], october["needs_raised"]) == (1, 1)  # 10-31 23:30 Shanghai
    assert months[0].as_json()["satisfaction_index"] is None


def test_rows_read_by_date_are_still_scoped(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from server.records import rollup

    activity.november(world)
    listed = [
        record(world, "alice", "CY"),
        record(world, "carol", "BH1"),
        record(world, "admin", "JY"),
    ]
    monkeypatch.setattr(rollup, "BY_DATE_SHARE", 0)  # every window read by date alone
    by_date = [
        record(world, "alice", "CY"),
        record(world, "carol", "BH1"),
        record(world, "admin", "JY"),
    ]
    assert by_date == listed
    assert by_date[0]["visits"]["total"] == 5  # BH1's visit was read but not counted
    assert by_date[1]["visits"]["total"] == 1
