"""The register block of a record, rolled up from grids, within the reader's scope."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.accounts.selectors import scope_for
from server.grids.models import Household
from server.records.grid_record import area_record, households_not_visited
from server.records.record_period import parse_period
from tests.conftest import World

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 4, tzinfo=UTC)


def test_register_baseline_rolls_up_from_the_grids(world: World) -> None:
    record = area_record(
        scope=scope_for(world.admin), area=world.district, period=parse_period("2026-11"), now=NOW
    )
    register = record.as_json()["register"]
    # conftest: CY1 has 3 households (3+1+? members), CY2 1, BH1 2.
    assert register["households"] == 6
    assert register["residents"] == 3 + 1 + 2  # members_count given for three households
    assert register["buildings"] == 3 and register["compounds"] == 1
    assert register["priority_households"] == 1
    assert register["residence_types"] == {"registered": 5, "renter": 1}
    assert register["special_populations"] == {
        "dibao": 1,
        "disabled": 1,
        "elderly_80": 1,
        "migrant": 1,
        "retiree": 1,
    }
    [street] = record.children
    assert street.area.code == "TY" and street.households == 6


def test_a_manager_sees_only_their_community(world: World) -> None:
    alice = scope_for(world.alice)
    record = area_record(scope=alice, area=world.community_a, period=parse_period("2026"), now=NOW)
    assert record.figures.households == 4
    assert [child.area.code for child in record.children] == ["CY1", "CY2"]
    assert [child.households for child in record.children] == [3, 1]


def test_moved_out_households_are_not_counted_and_not_visited_is_counted(world: World) -> None:
    Household.objects.filter(code="XF-1-201").update(status="moved_out")
    Household.objects.filter(code="XF-1-101").update(
        last_visit_at=datetime(2026, 11, 1, tzinfo=UTC)
    )
    Household.objects.filter(code="XF-1-102").update(last_visit_at=datetime(2026, 5, 1, tzinfo=UTC))
    record = area_record(
        scope=scope_for(world.bob), area=world.grid_a1, period=parse_period("2026-11"), now=NOW
    )
    assert record.figures.households == 2
    assert record.figures.not_visited == 1  # XF-1-102, last seen in May
    listed = households_not_visited(scope=scope_for(world.bob), area=world.grid_a1, now=NOW)
    assert [h.code for h in listed] == ["XF-1-102"]


def test_the_number_of_queries_does_not_grow_with_the_tree(world: World) -> None:
    scope = scope_for(world.admin)
    period = parse_period("2026-11")
    with CaptureQueriesContext(connection) as small:
        area_record(scope=scope, area=world.district, period=period, now=NOW)
    from server.grids.choices import AreaLevel
    from server.grids.services import area_create, building_create, household_create

    for number in range(3):
        grid = area_create(
            code=f"CY9{number}", name="新网格", level=AreaLevel.GRID, parent=world.community_a
        )
        building = building_create(code=f"N{number}", label="新楼", grid=grid)
        for room in range(4):
            household_create(
                code=f"N{number}-{room}", building=building, room=str(room), flags=["dibao"]
            )
    with CaptureQueriesContext(connection) as large:
        record = area_record(scope=scope, area=world.district, period=period, now=NOW)
    assert record.figures.households == 18
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_record_names_the_grids_workers(world: World) -> None:
    record = area_record(
        scope=scope_for(world.admin), area=world.district, period=parse_period("2026-11"), now=NOW
    ).as_json()
    assert record["workers"] == ["bob", "carol"]  # collectors only, not managers
    assert {c["area"]["code"]: c["workers"] for c in record["children"]} == {"TY": ["bob", "carol"]}
    alice = area_record(
        scope=scope_for(world.alice),
        area=world.community_a,
        period=parse_period("2026-11"),
        now=NOW,
    ).as_json()
    assert [c["workers"] for c in alice["children"]] == [["bob"], []]
