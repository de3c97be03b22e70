"""Editing people: role changes that respect areas, reset passwords, deactivation."""

from __future__ import annotations

import pytest

from server.accounts.models import DigestCredential, Role
from server.accounts.selectors import assignable_areas, people_by_role
from server.accounts.services import (
    user_deactivate,
    user_reactivate,
    user_reset_password,
    user_update,
)
from server.core.errors import GridbookError
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_reset_password_works_at_once_and_replaces_the_digest_secret(world: World) -> None:
    before = DigestCredential.objects.get(user=world.bob).ha1
    password = user_reset_password(user=world.bob)
    world.bob.refresh_from_db()
    assert world.bob.check_password(password) and password.isascii() and len(password) >= 12
    assert DigestCredential.objects.get(user=world.bob).ha1 != before


def test_details_change_without_touching_areas(world: World) -> None:
    user_update(user=world.bob, full_name="鲍小明", phone="13900000000", role=Role.COLLECTOR)
    world.bob.refresh_from_db()
    assert world.bob.full_name == "鲍小明" and list(world.bob.areas.all()) == [world.grid_a1]


def test_a_collector_with_a_grid_can_become_a_manager_of_it(world: World) -> None:
    user_update(user=world.bob, full_name="鲍明", phone="", role=Role.MANAGER)
    world.bob.refresh_from_db()
    assert world.bob.role == Role.MANAGER
    assert not DigestCredential.objects.filter(user=world.bob).exists()


def test_a_manager_of_a_community_cannot_become_a_collector_keeping_it(world: World) -> None:
    with pytest.raises(GridbookError) as raised:
        user_update(user=world.alice, full_name="李爱丽", phone="", role=Role.COLLECTOR)
    assert raised.value.code == "role_change_keeps_areas"
    world.alice.refresh_from_db()
    assert world.alice.role == Role.MANAGER


def test_the_last_administrator_keeps_the_role_and_stays_active(world: World) -> None:
    with pytest.raises(GridbookError) as raised:
        user_update(user=world.admin, full_name="管理员", phone="", role=Role.DESIGNER)
    assert raised.value.code == "last_administrator"
    with pytest.raises(GridbookError):
        user_deactivate(user=world.admin, by=world.alice)


def test_nobody_deactivates_themselves(world: World) -> None:
    with pytest.raises(GridbookError) as raised:
        user_deactivate(user=world.admin, by=world.admin)
    assert raised.value.code == "cannot_deactivate_self"


def test_deactivation_stops_sign_in_and_reactivation_restores_it(world: World) -> None:
    user_deactivate(user=world.bob, by=world.admin)
    world.bob.refresh_from_db()
    assert not world.bob.is_active and list(world.bob.areas.all()) == [world.grid_a1]
    user_reactivate(user=world.bob)
    world.bob.refresh_from_db()
    assert world.bob.is_active


def test_people_are_grouped_by_role_with_their_areas(world: World) -> None:
    grouped = people_by_role()
    assert [person.username for person in grouped[Role.COLLECTOR]] == ["bob", "carol"]
    bob = grouped[Role.COLLECTOR][0]
    assert [area.code for area in bob.assigned_areas] == ["CY1"]
    assert [person.username for person in people_by_role(search="滨河")[Role.COLLECTOR]] == [
        "carol"
    ]


def test_collectors_may_be_assigned_grids_only(world: World) -> None:
    assert set(assignable_areas(world.bob).values_list("code", flat=True)) == {"CY1", "CY2", "BH1"}
    assert "CY" in set(assignable_areas(world.alice).values_list("code", flat=True))
    assert not assignable_areas(world.dave).exists()
