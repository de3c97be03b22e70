"""The home page of each role is useful now: figures, tables and charts of their areas."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.django_db


def chart(page: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', page)
    assert found, f"the page carries the data of {chart_id}"
    return json.loads(found.group(1))


def test_manager_home_counts_households_and_special_populations_per_grid(world, signed_in):
    page = signed_in(world.alice).get("/").content.decode()
    households = chart(page, "chart-households")
    assert households["categories"] == ["长源第一网格", "长源第二网格"]
    assert households["series"][0]["data"] == [3, 1]
    assert households["series"][1]["data"] == [1, 0]  # 李秀英 is a priority household
    flags = {series["name"]: series["data"] for series in chart(page, "chart-flags")["series"]}
    assert flags["低保户"] == [1, 0] and flags["流动人口"] == [1, 0]
    assert "滨河" not in page


def test_manager_home_table_lists_the_community_then_its_grids(world, signed_in):
    page = signed_in(world.alice).get("/").content.decode()
    table = page[page.index("社区与网格") :]
    assert table.index("长源社区") < table.index("长源第一网格") < table.index("长源第二网格")
    assert '<script src="/static/web/vendor/echarts/echarts.min.js"' in page


def test_a_manager_without_areas_is_told_so(world, signed_in):
    world.alice.areas.clear()
    page = signed_in(world.alice).get("/").content.decode()
    assert "您还没有被分配区域" in page


def test_collector_home_shows_their_grid_only(world, signed_in):
    page = signed_in(world.bob).get("/").content.decode()
    assert "长源第一网格" in page and "/areas/CY1/" in page
    assert "长源第二网格" not in page and "滨河" not in page


def test_administrator_home_has_totals_and_quick_links(world, signed_in):
    page = signed_in(world.admin).get("/").content.decode()
    assert "/people/new/" in page and "/import/register/" in page
    communities = chart(page, "chart-communities")
    assert communities["categories"] == ["滨河社区", "长源社区"]  # in code order: BH, CY
    assert communities["series"][0]["data"] == [2, 4]


def test_designer_home_points_to_the_forms(world, signed_in):
    page = signed_in(world.dave).get("/").content.decode()
    assert "/forms/" in page and "无权查看居民信息" in page
