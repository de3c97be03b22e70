"""Administrators manage people in the browser, through the account services."""

from __future__ import annotations

import re

import pytest

from server.accounts.models import Role, User
from tests.conftest import World

pytestmark = pytest.mark.django_db


def new_collector(**changes: object) -> dict[str, object]:
    return {
        "role": "collector",
        "full_name": "韩梅",
        "phone": "13700000009",
        "language": "zh-hans",
        "username": "hanmei",
        "password": "",
        **changes,
    }


def shown_password(page: str) -> str:
    found = re.search(r'data-testid="shown-password">([^<]+)<', page)
    assert found, "the page shows the new password"
    return found.group(1)


def test_people_are_listed_by_role_with_their_grids_and_areas(world: World, signed_in):
    page = signed_in(world.admin).get("/people/").content.decode()
    collectors = page[page.index('id="role-collector"') : page.index('id="role-manager"')]
    assert "鲍明" in collectors and "长源第一网格" in collectors and "蔡琳" in collectors
    managers = page[page.index('id="role-manager"') : page.index('id="role-designer"')]
    assert "李爱丽" in managers and "长源社区" in managers


def test_creating_a_collector_with_a_grid_shows_the_generated_password_once(
    world: World, signed_in
):
    client = signed_in(world.admin)
    response = client.post("/people/new/", new_collector(areas=[world.grid_a2.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = shown_password(page)
    person = User.objects.get(username="hanmei")
    assert person.role == Role.COLLECTOR and person.check_password(password)
    assert list(person.areas.all()) == [world.grid_a2]
    assert password not in client.get("/person/hanmei/").content.decode()


def test_a_collector_password_in_chinese_is_refused_with_the_reason(world: World, signed_in):
    response = signed_in(world.admin).post("/people/new/", new_collector(password="网格员密码2026"))
    page = response.content.decode()
    assert "采集员的密码只能使用" in page
    assert not User.objects.filter(username="hanmei").exists()


def test_the_page_explains_the_rules_for_user_names_and_passwords(world: World, signed_in):
    page = signed_in(world.admin).get("/people/new/").content.decode()
    assert "只能使用小写字母 a-z、数字和 . _ -" in page
    assert "Latin-1" in page


def test_a_user_name_outside_a_z_is_refused(world: World, signed_in):
    page = signed_in(world.admin).post("/people/new/", new_collector(username="韩梅")).content
    assert "不能是 韩梅" in page.decode()
    assert not User.objects.filter(full_name="韩梅").exists()


def test_a_taken_user_name_is_refused(world: World, signed_in):
    page = signed_in(world.admin).post("/people/new/", new_collector(username="bob")).content
    assert "用户名 bob 已被占用" in page.decode()
    assert User.objects.filter(username="bob").count() == 1


def test_a_collector_cannot_be_given_a_community(world: World, signed_in):
    response = signed_in(world.admin).post(
        "/people/new/", new_collector(areas=[world.community_a.pk])
    )
    assert "采集员只能分配到网格" in response.content.decode()
    assert not User.objects.filter(username="hanmei").exists()


def test_assigning_grids_replaces_the_old_ones(world: World, signed_in):
    response = signed_in(world.admin).post(
        "/person/bob/areas/", {"areas": [world.grid_a2.pk, world.grid_b1.pk]}
    )
    assert response.status_code == 302
    assert {area.code for area in world.bob.areas.all()} == {"CY2", "BH1"}


def test_a_manager_can_be_given_a_street(world: World, signed_in):
    signed_in(world.admin).post("/person/alice/areas/", {"areas": [world.street.pk]})
    assert [area.code for area in world.alice.areas.all()] == ["TY"]


def test_resetting_a_password_shows_it_once_and_it_works(world: World, signed_in):
    response = signed_in(world.admin).post("/person/bob/password/", {"generate": "1"})
    password = shown_password(response.content.decode())
    world.bob.refresh_from_db()
    assert world.bob.check_password(password)


def test_setting_a_password_checks_the_collector_rule(world: World, signed_in):
    client = signed_in(world.admin)
    refused = client.post("/person/bob/password/", {"password": "密码密码密码密码"})
    assert refused.status_code == 400 and "采集员的密码只能使用" in refused.content.decode()
    accepted = client.post("/person/bob/password/", {"password": "Grid-Worker-2026"})
    assert accepted.status_code == 302
    world.bob.refresh_from_db()
    assert world.bob.check_password("Grid-Worker-2026")


def test_editing_details(world: World, signed_in):
    response = signed_in(world.admin).post(
        "/person/bob/details/",
        {"role": "collector", "full_name": "鲍小明", "phone": "1390000", "language": "en"},
    )
    assert response.status_code == 302
    world.bob.refresh_from_db()
    assert (world.bob.full_name, world.bob.language) == ("鲍小明", "en")


def test_deactivating_a_collector_signs_them_out_everywhere(world: World, signed_in):
    bob = signed_in(world.bob)
    assert bob.get("/").status_code == 200
    signed_in(world.admin).post("/person/bob/active/", {"active": "no"})
    assert bob.get("/").status_code == 302
    page = signed_in(world.admin).get("/people/").content.decode()
    assert "已停用" in page


def test_an_administrator_cannot_deactivate_themselves(world: World, signed_in):
    client = signed_in(world.admin)
    page = client.post("/person/admin/active/", {"active": "no"}, follow=True).content.decode()
    assert "不能停用自己的账号" in page
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_people_pages_answer_in_english(world: World, signed_in):
    page = signed_in(world.admin, "en").get("/people/new/").content.decode()
    assert "Add a person" in page and "Latin-1" in page and "添加人员" not in page


def test_changes_are_posted_only(world: World, signed_in):
    client = signed_in(world.admin)
    for action in ("details", "areas", "password", "active"):
        assert client.get(f"/person/bob/{action}/").status_code == 405
    world.bob.refresh_from_db()
    assert world.bob.is_active and world.bob.areas.exists()
