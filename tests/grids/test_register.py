"""The register's integrity: what the database itself refuses, and what the services check."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from server.core.errors import GridbookError
from server.grids.choices import AreaLevel
from server.grids.models import Area, Household, HouseholdFlag
from server.grids.services import area_create, building_create, household_set_flags
from tests.conftest import World

pytestmark = pytest.mark.django_db


def refused_by_database(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except IntegrityError:
        return True
    return False


def test_codes_are_unique_in_the_database(world: World) -> None:
    duplicate = Area(
        code="CY1",
        name="重复",
        level=AreaLevel.GRID,
        parent=world.community_a,
        path="/JY/TY/CY/CY1-dup/",
    )
    assert refused_by_database(duplicate.save)


def test_only_districts_are_roots_in_the_database(world: World) -> None:
    orphan = Area(code="X1", name="孤立网格", level=AreaLevel.GRID, parent=None, path="/X1/")
    assert refused_by_database(orphan.save)


def test_more_elderly_than_members_is_refused_by_the_database(world: World) -> None:
    household = world.households_a1[0]
    assert refused_by_database(
        lambda: Household.objects.filter(pk=household.pk).update(members_count=0)
    )


def test_a_flag_is_held_once_and_must_be_known(world: World) -> None:
    household = world.households_a1[0]
    assert refused_by_database(
        lambda: HouseholdFlag.objects.create(household=household, flag="retiree")
    )
    assert refused_by_database(
        lambda: HouseholdFlag.objects.create(household=household, flag="astronaut")
    )


def test_a_households_grid_is_its_buildings_grid(world: World) -> None:
    household = world.households_a1[0]
    assert household.building.grid == world.grid_a1
    household.building.grid = world.grid_a2
    household.building.save()
    moved = Household.objects.select_related("building__grid").get(pk=household.pk)
    assert moved.building.grid == world.grid_a2


def test_a_grid_must_be_inside_a_community(world: World) -> None:
    with pytest.raises(GridbookError) as error:
        area_create(code="G9", name="错层网格", level=AreaLevel.GRID, parent=world.street)
    assert error.value.code == "area_wrong_parent"
    assert not Area.objects.filter(code="G9").exists()


def test_a_building_cannot_join_a_compound_of_another_community(world: World) -> None:
    with pytest.raises(GridbookError) as error:
        building_create(code="BH-9", label="滨河9栋", grid=world.grid_b1, compound=world.compound_a)
    assert error.value.code == "compound_outside_community"


def test_subtree_paths_follow_the_codes(world: World) -> None:
    assert world.grid_a1.path == "/JY/TY/CY/CY1/"
    assert world.community_a.contains(world.grid_a1)
    assert not world.community_b.contains(world.grid_a1)


def test_setting_flags_keeps_the_flags_other_sources_asserted(world: World) -> None:
    household = world.households_a1[0]  # "retiree" from the police import
    household_set_flags(household=household, flags=["unemployed"], source="visit")
    household_set_flags(household=household, flags=[], source="import_police")
    remaining = dict(household.flags.values_list("flag", "source"))
    assert remaining == {"unemployed": "visit"}
