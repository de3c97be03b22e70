"""The register in the browser: the area tree, a grid's households, a household's page,
all inside the person's scope (outside it: 404, so nothing leaks)."""

from __future__ import annotations

import re

import pytest

from server.grids.choices import Source
from server.grids.models import Household
from server.grids.services import household_create
from tests.conftest import World

pytestmark = pytest.mark.django_db


def household_codes(page: str) -> list[str]:
    return re.findall(r'href="/households/([^/"]+)/"', page)


def test_the_tree_shows_the_visible_areas_with_household_counts(world: World, signed_in):
    page = signed_in(world.alice).get("/register/").content.decode()
    assert "长源社区" in page and "长源第一网格" in page
    assert "滨河社区" not in page and "桃源街道" not in page


def test_an_administrator_sees_the_whole_tree(world: World, signed_in):
    page = signed_in(world.admin).get("/register/").content.decode()
    for name in ("江阳区", "桃源街道", "长源社区", "长源第一网格", "滨河社区", "滨河第一网格"):
        assert name in page


def test_a_community_page_lists_its_grids_and_breadcrumbs(world: World, signed_in):
    page = signed_in(world.admin).get("/areas/CY/").content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S).group(0)
    assert crumbs.index("江阳区") < crumbs.index("桃源街道") < crumbs.index("长源社区")
    assert "/areas/CY1/" in page and "/areas/CY2/" in page


def test_breadcrumbs_link_only_areas_in_scope(world: World, signed_in):
    page = signed_in(world.bob).get("/areas/CY1/").content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', page, re.S).group(0)
    assert "长源社区" in crumbs and "/areas/CY/" not in crumbs


def test_the_grid_page_lists_households_in_door_order(world: World, signed_in):
    page = signed_in(world.alice).get("/areas/CY1/").content.decode()
    assert household_codes(page) == ["XF-1-101", "XF-1-102", "XF-1-201"]
    assert "低保户" in page and "残疾人" in page  # flags as readable badges
    assert "租赁户" in page  # residence type label


def test_rooms_sort_by_number_not_by_text(world: World, signed_in):
    for room in ("1001", "901"):
        household_create(code=f"XF-1-{room}", building=world.building_a1, unit="1", room=room)
    page = signed_in(world.alice).get("/areas/CY1/").content.decode()
    assert household_codes(page)[-2:] == ["XF-1-901", "XF-1-1001"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("flag=dibao", ["XF-1-102"]),
        ("residence=renter", ["XF-1-201"]),
        ("priority=yes", ["XF-1-102"]),
        ("priority=no", ["XF-1-101", "XF-1-201"]),
        ("q=201", ["XF-1-201"]),
        ("q=xf-1-10", ["XF-1-101", "XF-1-102"]),
        ("status=moved_out", []),
        ("flag=not-a-flag", ["XF-1-101", "XF-1-102", "XF-1-201"]),
    ],
)
def test_households_can_be_filtered_and_searched(world: World, signed_in, query, expected):
    page = signed_in(world.alice).get(f"/areas/CY1/?{query}").content.decode()
    assert household_codes(page) == expected


def test_an_empty_filter_result_says_so_and_offers_to_clear(world: World, signed_in):
    page = signed_in(world.alice).get("/areas/CY1/?status=demolished").content.decode()
    assert "没有符合筛选条件的住户" in page and "清除筛选" in page


def test_htmx_filtering_answers_only_the_list(world: World, signed_in):
    response = signed_in(world.alice).get(
        "/areas/CY1/?flag=migrant", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="households"
    )
    page = response.content.decode()
    assert household_codes(page) == ["XF-1-201"]
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]


def test_the_list_is_paginated_with_filters_kept(world: World, signed_in):
    for number in range(60):
        household_create(
            code=f"XF-1-9{number:02d}", building=world.building_a1, unit="2", room=f"9{number:02d}"
        )
    client = signed_in(world.alice)
    first = client.get("/areas/CY1/?q=XF-1-9").content.decode()
    assert len(household_codes(first)) == 50 and "第 1 页，共 2 页" in first
    assert 'href="?q=XF-1-9&amp;page=2"' in first
    second = client.get("/areas/CY1/?q=XF-1-9&page=2").content.decode()
    assert len(household_codes(second)) == 10


def test_a_manager_sees_personal_data_in_full(world: World, signed_in):
    page = signed_in(world.alice).get("/households/XF-1-101/").content.decode()
    assert "王建国" in page and "13800000001" in page


def test_a_collector_sees_personal_data_masked(world: World, signed_in):
    client = signed_in(world.bob)
    for path in ("/areas/CY1/", "/households/XF-1-101/"):
        page = client.get(path).content.decode()
        assert "王**" in page and "王建国" not in page and "13800000001" not in page
    assert "138****0001" in client.get("/households/XF-1-101/").content.decode()


def test_the_household_page_shows_flags_with_their_sources(world: World, signed_in):
    page = signed_in(world.alice).get("/households/XF-1-101/").content.decode()
    flags = page[page.index("flags-title") : page.index("visit-title")]
    assert "退休人员" in flags and "来源：导入：公安" in flags


def test_the_household_page_shows_who_asserted_each_field(world: World, signed_in):
    household = Household.objects.get(code="XF-1-102")
    household.provenance["head_name"] = {
        "source": Source.IMPORT_CIVIL_AFFAIRS,
        "at": "2026-03-01T09:30:00+08:00",
        "verified_at": None,
    }
    household.save()
    page = signed_in(world.alice).get("/households/XF-1-102/").content.decode()
    register = page[page.index("register-title") :]
    head = register[register.index("户主") : register.index("电话")]
    assert "李秀英" in head and "来源：导入：民政" in head and "2026年3月1日 09:30" in head


@pytest.mark.parametrize(
    ("person", "path"),
    [
        ("bob", "/households/BH-1-101/"),
        ("bob", "/areas/BH1/"),
        ("bob", "/areas/CY2/"),
        ("bob", "/areas/CY/"),
        ("carol", "/households/XF-1-101/"),
        ("carol", "/areas/CY1/"),
        ("alice", "/households/BH-1-102/"),
        ("alice", "/areas/BH/"),
        ("alice", "/areas/TY/"),
        ("erin", "/households/XF-2-101/"),
        ("admin", "/households/NO-SUCH/"),
        ("admin", "/areas/NO-SUCH/"),
    ],
)
def test_anything_outside_the_scope_is_not_found(world: World, signed_in, person, path):
    response = signed_in(getattr(world, person)).get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert "不在您可查看的区域范围内" in page
    assert "滨河花园" not in page and "幸福小区" not in page


def test_an_inactive_area_is_not_shown(world: World, signed_in):
    world.grid_a2.is_active = False
    world.grid_a2.save()
    assert signed_in(world.admin).get("/areas/CY2/").status_code == 404


def test_an_invalid_filter_is_ignored_and_the_valid_ones_kept(world: World, signed_in):
    page = signed_in(world.alice).get("/areas/CY1/?flag=nope&residence=renter").content.decode()
    assert household_codes(page) == ["XF-1-201"]
