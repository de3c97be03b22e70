"""Register lists: generated per collector from the register, limited to their grids,
names masked, no phone or ID numbers; the same content gives the same bytes, so the md5
changes exactly when the content changes; cheap enough to build on every request."""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from server.grids.models import Building, Household, HouseholdFlag
from server.xforms import register_cache
from server.xforms.register_lists import register_list, register_list_md5, register_lists
from server.xforms.register_names import REGISTER_LIST_NAMES
from tests.conftest import World

pytestmark = pytest.mark.django_db


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_bobs_households_are_his_grids_masked_plus_the_special_rows(world: World) -> None:
    data = register_list(user=world.bob, filename="households.csv")
    assert data.decode("utf-8") == (
        "name,label,grid,building,flags,last_visit,residence\n"
        "XF-1-101,幸福小区1栋1单元101 王**,CY1,XF-1,retiree,,registered\n"
        "XF-1-102,幸福小区1栋1单元102 李**,CY1,XF-1,dibao disabled,,registered\n"
        "XF-1-201,幸福小区1栋1单元201 张**,CY1,XF-1,migrant,,renter\n"
        "_new,新住户（名单中没有） New household,*,*,,,\n"
        "_anon,不记名 Anonymous,*,*,,,\n"
    )


def test_carol_sees_nothing_of_bobs(world: World) -> None:
    carol = rows(register_list(user=world.carol, filename="households.csv"))
    assert [row["name"] for row in carol] == ["BH-1-101", "BH-1-102", "_new", "_anon"]
    assert {row["grid"] for row in carol} == {"BH1", "*"}
    for filename in REGISTER_LIST_NAMES:
        assert b"CY1" not in register_list(user=world.carol, filename=filename)


def test_no_full_names_phones_or_id_numbers_leave_the_server(world: World) -> None:
    data = register_list(user=world.bob, filename="households.csv").decode("utf-8")
    for household in world.households_a1:
        assert household.head_name not in data
    assert "13800000001" not in data


def test_the_area_lists(world: World) -> None:
    lists = register_lists(
        user=world.bob, filenames=["communities.csv", "grids.csv", "buildings.csv"]
    )
    assert lists["communities.csv"] == "name,label,street\nCY,长源社区,TY\n".encode()
    assert lists["grids.csv"] == "name,label,community\nCY1,长源第一网格,CY\n".encode()
    assert lists["buildings.csv"] == "name,label,grid,compound\nXF-1,幸福小区1栋,CY1,XF\n".encode()


def test_needs_followup_has_its_header_and_other_row(world: World) -> None:
    assert (
        register_list(user=world.bob, filename="needs_followup.csv")
        == (
            "name,label,grid,household,category,resolved_at\n"
            "_other,其他（不在列表中） Other,*,*,,\n"
        ).encode()
    )


def test_values_are_quoted_per_rfc_4180_and_kept_on_one_line(world: World) -> None:
    household = world.households_a1[0]
    Household.objects.filter(pk=household.pk).update(
        address_label='幸福小区1栋, "东"单元\r\n101', head_name="王建国"
    )
    data = register_list(user=world.bob, filename="households.csv")
    assert '"幸福小区1栋, ""东""单元 101 王**"'.encode() in data
    assert b"\r" not in data
    assert rows(data)[0]["label"] == '幸福小区1栋, "东"单元 101 王**'


def test_last_visit_is_the_local_date(world: World) -> None:
    household = world.households_a1[1]
    late_evening_utc = datetime(2026, 10, 11, 17, 30, tzinfo=ZoneInfo("UTC"))  # 01:30 next day
    Household.objects.filter(pk=household.pk).update(last_visit_at=late_evening_utc)
    row = rows(register_list(user=world.bob, filename="households.csv"))[1]
    assert row["last_visit"] == "2026-10-12"


def test_moved_out_households_leave_the_list(world: World) -> None:
    Household.objects.filter(pk=world.households_a1[2].pk).update(status="moved_out")
    names = [row["name"] for row in rows(register_list(user=world.bob, filename="households.csv"))]
    assert "XF-1-201" not in names


def test_the_same_content_gives_the_same_bytes_and_md5(world: World) -> None:
    first = register_list(user=world.bob, filename="households.csv")
    # Touch rows without changing what the list shows: the bytes must not move.
    Household.objects.filter(building__grid=world.grid_a1).update(notes="visited")
    register_cache.clear()  # generate again rather than serve the remembered bytes
    assert register_list(user=world.bob, filename="households.csv") == first


def test_the_md5_changes_exactly_when_the_content_changes(world: World) -> None:
    """Rows are changed behind the services' back here (``update`` without ``updated_at``),
    so each read generates afresh; tests/xforms/test_register_cache.py changes the register
    through the services and checks the remembered lists follow."""
    uncached = register_cache.clear
    before = register_list_md5(user=world.bob, filename="households.csv")
    Household.objects.filter(pk=world.households_b1[0].pk).update(head_name="周杰")  # carol's
    uncached()
    assert register_list_md5(user=world.bob, filename="households.csv") == before
    Household.objects.filter(pk=world.households_a1[0].pk).update(head_name="赵建国")
    uncached()
    changed = register_list_md5(user=world.bob, filename="households.csv")
    assert changed != before
    HouseholdFlag.objects.create(household=world.households_a1[0], flag="veteran")
    uncached()
    assert register_list_md5(user=world.bob, filename="households.csv") != changed


def test_unknown_names_are_not_register_lists(world: World) -> None:
    assert register_list(user=world.bob, filename="logo.png") is None
    assert register_list_md5(user=world.bob, filename="../households.csv") is None


def grow_grid(world: World, households: int) -> None:
    """Add buildings and households to bob's grid CY1, each with a flag."""
    start = Household.objects.count()
    buildings = Building.objects.bulk_create(
        [
            Building(code=f"G-{start}-{index}", label=f"新楼{index}栋", grid=world.grid_a1)
            for index in range(max(households // 50, 1))
        ]
    )
    created = Household.objects.bulk_create(
        [
            Household(
                code=f"H{start + index:06d}",
                building=buildings[index % len(buildings)],
                unit="1",
                room=str(100 + index),
                address_label=f"新楼{index % len(buildings)}栋1单元{100 + index}",
                head_name="欧阳娜娜" if index % 2 else "孙丽",
            )
            for index in range(households)
        ]
    )
    HouseholdFlag.objects.bulk_create(
        [HouseholdFlag(household=household, flag="elderly_80") for household in created]
    )


def test_one_collectors_lists_cost_a_constant_number_of_queries(
    world: World, django_assert_max_num_queries
) -> None:
    for size in (10, 300):
        grow_grid(world, size)
        with django_assert_max_num_queries(
            6
        ):  # grids, fingerprint, buildings, households, flags, needs
            lists = register_lists(user=world.bob, filenames=REGISTER_LIST_NAMES)
        assert set(lists) == set(REGISTER_LIST_NAMES)


def test_a_grid_of_300_households_is_listed_fast(world: World) -> None:
    """The 20 ms target is measured by bench/ on a quiet machine; here a threefold margin
    guards against regressions without failing when the test machine is busy."""
    grow_grid(world, 300)
    register_list(user=world.bob, filename="households.csv")  # warm up
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        data = register_list(user=world.bob, filename="households.csv")
        timings.append(time.perf_counter() - started)
    assert len(rows(data)) == 303 + 2
    assert min(timings) < 0.060, f"households.csv took {min(timings) * 1000:.1f} ms"
