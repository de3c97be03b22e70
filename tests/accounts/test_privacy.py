"""One rule decides who sees residents' names and phones in full."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from server.accounts.privacy import personal_data_for, sees_personal_data
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_administrators_and_managers_see_personal_data_in_full(world: World) -> None:
    assert sees_personal_data(world.admin) and sees_personal_data(world.alice)
    assert personal_data_for(world.alice).name("王建国") == "王建国"


def test_collectors_designers_and_strangers_see_it_masked(world: World) -> None:
    for person in (world.bob, world.dave, AnonymousUser(), None):
        assert not sees_personal_data(person)
    personal = personal_data_for(world.bob)
    assert personal.name("王建国") == "王**"
    assert personal.phone("13800000001") == "138****0001"


def test_only_personal_fields_are_masked(world: World) -> None:
    personal = personal_data_for(world.bob)
    assert personal.field("head_name", "欧阳娜娜") == "欧阳**"
    assert personal.field("phone", "13800000001") == "138****0001"
    assert personal.field("address_label", "幸福小区1栋1单元101") == "幸福小区1栋1单元101"


def test_a_deactivated_manager_sees_nothing_in_full(world: World) -> None:
    world.alice.is_active = False
    assert not sees_personal_data(world.alice)
