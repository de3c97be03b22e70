"""Who sees which areas, grids and households: one selector answers for everyone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from server.accounts.selectors import scope_for, users_in_scope
from server.accounts.services import user_assign_areas
from server.grids.models import Household
from tests.conftest import World

pytestmark = pytest.mark.django_db


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_administrator_sees_everything(world: World) -> None:
    scope = scope_for(world.admin)
    assert codes(scope.households()) == codes(Household.objects.all())
    assert codes(scope.grids()) == {"CY1", "CY2", "BH1"}


def test_manager_sees_only_the_subtree_of_their_community(world: World) -> None:
    scope = scope_for(world.alice)
    assert codes(scope.areas()) == {"CY", "CY1", "CY2"}
    assert codes(scope.households()) == {"XF-1-101", "XF-1-102", "XF-1-201", "XF-2-101"}
    assert not scope.sees_area(world.grid_b1)
    assert not scope.sees_household(world.households_b1[0])


def test_two_managers_see_disjoint_areas(world: World) -> None:
    alice, erin = scope_for(world.alice), scope_for(world.erin)
    assert not codes(alice.households()) & codes(erin.households())
    assert codes(erin.households()) == {"BH-1-101", "BH-1-102"}


def test_collector_sees_only_their_grid(world: World) -> None:
    scope = scope_for(world.bob)
    assert codes(scope.grids()) == {"CY1"}
    assert codes(scope.households()) == {"XF-1-101", "XF-1-102", "XF-1-201"}


def test_collectors_of_different_grids_see_nothing_of_each_other(world: World) -> None:
    bob, carol = scope_for(world.bob), scope_for(world.carol)
    assert codes(carol.households()) == {"BH-1-101", "BH-1-102"}
    assert not codes(bob.households()) & codes(carol.households())
    assert not carol.sees_household(world.households_a1[0])


def test_designer_sees_the_area_tree_but_no_resident(world: World) -> None:
    scope = scope_for(world.dave)
    assert codes(scope.grids()) == {"CY1", "CY2", "BH1"}
    assert not scope.households().exists()
    assert not scope.filter_by_grid(Household.objects.all(), "building__grid").exists()


def test_anonymous_and_inactive_users_see_nothing(world: World) -> None:
    assert not scope_for(AnonymousUser()).areas().exists()
    world.bob.is_active = False
    world.bob.save()
    assert not scope_for(world.bob).households().exists()


def test_filter_by_grid_restricts_any_queryset_pointing_at_a_grid(world: World) -> None:
    scope = scope_for(world.alice)
    buildings = scope.filter_by_grid(world.building_a1.__class__.objects.all(), "grid")
    assert codes(buildings) == {"XF-1", "XF-2"}


def test_a_manager_of_a_street_and_one_of_its_communities_sees_the_street(world: World) -> None:
    user_assign_areas(user=world.alice, areas=[world.community_a, world.street])
    scope = scope_for(world.alice)
    assert scope.roots == (world.street.path,)
    assert codes(scope.grids()) == {"CY1", "CY2", "BH1"}


def test_a_manager_team_is_the_people_assigned_inside_the_scope(world: World) -> None:
    team = set(users_in_scope(scope_for(world.alice)).values_list("username", flat=True))
    assert team == {"alice", "bob"}


def test_scope_costs_one_query(world: World, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        scope_for(world.alice)
