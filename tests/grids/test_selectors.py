"""Register reads inside a scope: counts rolled up the tree, households in door order."""

from __future__ import annotations

import pytest

from server.accounts.selectors import scope_for
from server.grids.selectors import (
    HouseholdFilters,
    ancestors,
    area_figures,
    grid_households,
    household_detail,
    visible_area,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_counts_roll_up_from_grids_to_the_district(world: World) -> None:
    [district] = area_figures(scope=scope_for(world.admin))
    nodes = {node.area.code: node for node in district.walk()}
    assert (nodes["JY"].households, nodes["CY"].households, nodes["BH1"].households) == (6, 4, 2)
    assert nodes["CY"].priority == 1 and nodes["JY"].flags["elderly_80"] == 1
    assert [child.area.code for child in nodes["CY"].children] == ["CY1", "CY2"]


def test_a_manager_tree_starts_at_their_area(world: World) -> None:
    tops = area_figures(scope=scope_for(world.alice))
    assert [top.area.code for top in tops] == ["CY"]
    assert [node.area.code for node in tops[0].walk()] == ["CY", "CY1", "CY2"]


def test_a_subtree_is_counted_alone(world: World) -> None:
    [grid] = area_figures(scope=scope_for(world.admin), under=world.grid_b1)
    assert grid.households == 2 and not grid.children


def test_a_designer_sees_areas_but_counts_no_household(world: World) -> None:
    [district] = area_figures(scope=scope_for(world.dave))
    assert district.households == 0 and not district.flags


def test_visible_area_and_ancestors(world: World) -> None:
    assert visible_area(scope=scope_for(world.bob), code="CY2") is None
    grid = visible_area(scope=scope_for(world.bob), code="CY1")
    assert grid is not None
    assert [area.code for area in ancestors(grid)] == ["JY", "TY", "CY"]


def test_grid_households_filter_within_the_scope(world: World) -> None:
    carol = scope_for(world.carol)
    assert not grid_households(scope=carol, grid=world.grid_a1).exists()
    found = grid_households(
        scope=scope_for(world.bob), grid=world.grid_a1, filters=HouseholdFilters(flag="disabled")
    )
    assert [household.code for household in found] == ["XF-1-102"]


def test_household_detail_is_none_outside_the_scope(world: World) -> None:
    assert household_detail(scope=scope_for(world.carol), code="XF-1-101") is None
    assert household_detail(scope=scope_for(world.dave), code="XF-1-101") is None
    found = household_detail(scope=scope_for(world.bob), code="XF-1-101")
    assert found is not None and found.building.grid.code == "CY1"
