"""The grid page costs the same number of queries for 3 households or 300 (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.grids.models import Building, Household, HouseholdFlag
from tests.conftest import World

pytestmark = pytest.mark.django_db


def grow(world: World, count: int) -> None:
    building = Building.objects.create(code="BIG", label="大楼", grid=world.grid_a1)
    households = Household.objects.bulk_create(
        Household(
            code=f"BIG-{number}",
            building=building,
            unit=str(number % 4 + 1),
            floor=number // 12 + 1,
            room=f"{number // 12 + 1}{number % 12:02d}",
            address_label=f"大楼{number}",
            head_name="赵六",
            priority=number % 5 == 0,
        )
        for number in range(count)
    )
    HouseholdFlag.objects.bulk_create(
        HouseholdFlag(household=household, flag=flag)
        for household in households
        for flag in ("retiree", "dibao")
    )


def shrink() -> None:
    HouseholdFlag.objects.filter(household__building__code="BIG").delete()
    Household.objects.filter(building__code="BIG").delete()
    Building.objects.filter(code="BIG").delete()


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/areas/CY1/", "/areas/CY1/?page=3", "/areas/CY1/?flag=dibao"])
def test_grid_page_queries_do_not_grow_with_households(world: World, signed_in, path):
    client = signed_in(world.alice)
    client.get("/areas/CY1/")  # warm the session
    grow(world, 5)
    small = queries(client, path)
    assert small >= 4, "the count is real: session, user, scope, households, flags"
    shrink()
    grow(world, 300)
    assert queries(client, path) == small


def test_tree_and_home_queries_do_not_grow_with_households(world: World, signed_in):
    client = signed_in(world.admin)
    client.get("/")
    grow(world, 5)
    home, tree = queries(client, "/"), queries(client, "/register/")
    shrink()
    grow(world, 300)
    assert queries(client, "/") == home and queries(client, "/register/") == tree


def test_household_page_queries_are_few(world: World, signed_in):
    client = signed_in(world.alice)
    client.get("/")
    # the register (5), the audit event (1) and the history (tests/web/test_records_query_counts.py)
    assert queries(client, "/households/XF-1-102/") <= 16  # + the audit event
