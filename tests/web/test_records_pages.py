"""The dashboard, the grid's record, the household's history and the needs board: what they
show, to whom (scope → 404), and that they work without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from server.records.choices import NeedStatus
from server.records.models import SatisfactionResponse, SatisfactionScore
from tests.conftest import World
from tests.web import records_support as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(world: World) -> World:
    first, second, _third = world.households_a1
    make.visit(first, by=world.bob, diary="老人身体不错")
    make.visit(second, by=world.bob, result="nobody_home")
    make.need(first, by=world.bob, category="eldercare")
    make.need(second, by=world.bob, category="housing", due_in_days=-3 + 15, description="屋顶漏水")
    make.satisfaction(first, by=world.bob, scores={"attitude": 5, "overall": 4})
    make.visit(world.households_b1[0], by=world.carol)
    make.need(world.households_b1[0], by=world.carol, description="滨河的诉求")
    return world


def test_manager_dashboard_shows_her_community(
    activity: World, signed_in: Callable[..., Client]
) -> None:
    page = signed_in(activity.alice).get("/dashboard/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "长源社区" in text
    assert "长源第一网格" in text and "长源第二网格" in text
    assert "滨河" not in text


def test_dashboard_outside_scope_is_404(activity: World, signed_in: Callable[..., Client]) -> None:
    assert signed_in(activity.alice).get("/dashboard/BH/").status_code == 404
    assert signed_in(activity.bob).get("/dashboard/").status_code == 403


def test_admin_dashboard_starts_at_the_district(
    activity: World, signed_in: Callable[..., Client]
) -> None:
    page = signed_in(activity.admin).get("/dashboard/")
    assert page.status_code == 200
    assert "江阳区" in page.content.decode()


def test_grid_page_shows_record_gallery_and_map(
    activity: World, signed_in: Callable[..., Client]
) -> None:
    page = signed_in(activity.alice).get("/areas/CY1/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "visit-map" in text


def test_household_page_shows_history(activity: World, signed_in: Callable[..., Client]) -> None:
    household = activity.households_a1[0]
    page = signed_in(activity.alice).get(f"/households/{household.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "老人身体不错" in text
    assert "楼道灯坏了" in text


def test_needs_board_lists_only_the_scope(
    activity: World, signed_in: Callable[..., Client]
) -> None:
    page = signed_in(activity.alice).get("/needs/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "屋顶漏水" in text
    assert "滨河的诉求" not in text
    assert NeedStatus.OPEN


def test_grid_page_lists_households_overdue_for_a_visit(
    activity: World, signed_in: Callable[..., Client]
) -> None:
    page = signed_in(activity.alice).get("/areas/CY1/?visit=overdue").content.decode()
    households = page.split('id="households"')[1]
    # XF-1-101 was met this month; XF-1-102 had nobody home; XF-1-201 was never visited
    assert "XF-1-101" not in households
    assert "XF-1-102" in households and "XF-1-201" in households


def test_dashboard_figures_and_sorting(activity: World, signed_in: Callable[..., Client]) -> None:
    text = signed_in(activity.alice).get("/dashboard/CY/?sort=-coverage").content.decode()
    kpis = text.split('class="figures kpis"')[1].split("</dl>")[0]
    assert "50%" in kpis and "2 / 4" in kpis, "2 of the 4 active households of CY visited"
    table = text.split('<table class="sortable">')[1]
    assert table.index("长源第一网格") < table.index("长源第二网格")
    assert 'aria-sort="descending"' in table
    ascending = signed_in(activity.alice).get("/dashboard/CY/?sort=coverage").content.decode()
    table = ascending.split('<table class="sortable">')[1]
    assert table.index("长源第二网格") < table.index("长源第一网格")


def test_an_unreadable_period_falls_back_to_this_month(
    activity: World, signed_in: Callable[..., Client]
) -> None:
    page = signed_in(activity.alice).get("/dashboard/?period=2026-13")
    assert page.status_code == 200
    assert "无法识别这个时段" in page.content.decode()


def test_dashboard_compares_satisfaction_with_the_previous_period(
    world: World, signed_in: Callable[..., Client]
) -> None:
    """The previous period is read for its satisfaction block only; the change per dimension
    must still be this period's index minus the previous one's."""
    household = world.households_a1[0]
    make.satisfaction(household, by=world.bob, scores={"attitude": 5})
    earlier = make.satisfaction(household, by=world.bob, scores={"attitude": 3})
    first = timezone.localtime().replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    before = first - timedelta(days=2)  # inside the previous month
    SatisfactionResponse.objects.filter(pk=earlier.pk).update(responded_at=before)
    SatisfactionScore.objects.filter(response=earlier).update(responded_at=before)
    page = signed_in(world.alice).get("/dashboard/CY/")
    (attitude,) = [d for d in page.context["dimensions"] if d.code == "attitude"]
    assert (attitude.summary.index, attitude.previous.index) == (100.0, 50.0)
    assert attitude.change == 50.0


def test_the_full_record_shows_every_block_to_whom_it_may(
    activity: World, signed_in: Callable[..., Client]
) -> None:
    alice = signed_in(activity.alice)
    page = alice.get("/records/CY1/")
    assert page.status_code == 200
    text = page.content.decode()
    for block in (
        "基础台账",
        "走访覆盖率",
        "诉求",
        "回访",
        "各项满意度指数",
        "特殊人群",
        "安全与环境",
        "需求调查",
    ):
        assert block in text, block
    assert "老人身体不错" in text  # the worker's diary of the period
    assert 'class="heat"' in text  # visits by weekday and hour
    assert "滨河" not in text
    # A community's record has no diary; other people's areas are not found.
    assert "民情日记" not in alice.get("/records/CY/").content.decode()
    assert alice.get("/records/BH1/").status_code == 404
    assert signed_in(activity.carol).get("/records/CY1/").status_code == 404
    assert signed_in(activity.bob).get("/records/CY1/").status_code == 200
    assert Client().get("/records/CY1/").status_code == 302


def test_the_full_record_in_english(activity: World, signed_in: Callable[..., Client]) -> None:
    text = signed_in(activity.alice, language="en").get("/records/CY1/").content.decode()
    assert "Visits by weekday and hour" in text and "Worker's diary" in text
