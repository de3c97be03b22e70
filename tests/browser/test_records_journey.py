"""A manager reads her dashboard, drills down to a grid (its record, map and photos), resolves
a need on the board and approves a register change on a household's page; the same pages in
English and on a 360 px phone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from server.records.choices import ChangeState, NeedStatus
from server.records.models import Need, RegisterChange
from tests.browser.conftest import PHONE
from tests.conftest import World
from tests.web import records_support as make


@pytest.fixture
def activity(world: World) -> World:
    first, second, third = world.households_a1
    now = timezone.now()
    spots = [("30.657100", "104.066200"), ("30.657600", "104.066900"), ("30.656800", "104.067400")]
    for number, (household, gps) in enumerate(zip((first, second, third), spots, strict=True)):
        visit = make.visit(
            household,
            by=world.bob,
            at=now - timedelta(hours=number + 1),
            gps=gps,
            result="nobody_home" if number == 2 else "met",
            diary="老人身体不错，需要办老年卡" if number == 0 else "",
        )
        make.photo(visit.submission, name=f"door-{number}.jpg")
    make.need(first, by=world.bob, category="documents", description="想办老年卡")
    make.need(
        second,
        by=world.bob,
        category="housing",
        description="屋顶漏水",
        raised=now - timedelta(days=20),
    )
    make.satisfaction(first, by=world.bob, scores={"attitude": 5, "efficiency": 4, "overall": 5})
    make.satisfaction(second, by=world.bob, scores={"attitude": 3, "efficiency": 2, "overall": 3})
    make.pending_change(first, by=world.bob, payload={"members_count": 4})
    make.need(world.households_b1[0], by=world.carol, description="滨河的诉求")
    return world


def test_manager_dashboard_grid_board_and_register_change(activity: World, open_session):
    session = open_session()
    page = session.page
    session.sign_in("alice")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="工作看板").click()
    expect(page.locator("h1")).to_contain_text("长源社区")
    expect(page.locator(".kpis")).to_contain_text("走访覆盖率")
    expect(page.locator(".kpis")).to_contain_text("超期诉求")
    expect(page.locator('[data-chart="chart-trends"] svg')).to_be_visible()
    expect(page.locator("table.sortable tbody tr")).to_have_count(2)
    expect(page.locator("main")).not_to_contain_text("滨河")
    session.screenshot("zh-dashboard.png")

    # sort the child areas by coverage, biggest first: the first grid has all its visits
    page.locator("table.sortable thead").get_by_role("link", name=re.compile("走访覆盖率")).click()
    expect(page).to_have_url(re.compile(r"sort=-coverage"))
    expect(page.locator("table.sortable th[aria-sort=descending]")).to_contain_text("走访覆盖率")
    expect(page.locator("table.sortable tbody tr").first).to_contain_text("长源第一网格")
    page.locator("table.sortable thead").get_by_role("link", name=re.compile("走访覆盖率")).click()
    expect(page).to_have_url(re.compile(r"sort=coverage"))
    expect(page.locator("table.sortable tbody tr").first).to_contain_text("长源第二网格")

    page.locator("table.sortable tbody").get_by_role("link", name="长源第一网格").click()
    expect(page.locator("h1")).to_contain_text("长源第一网格")
    expect(page.locator("#record-title")).to_contain_text("网格档案")
    expect(page.locator(".visit-map circle.map-point")).to_have_count(3)
    thumbnails = page.locator("ul.gallery[data-gallery=grid] a[data-lightbox]")
    expect(thumbnails).to_have_count(3)
    session.screenshot("zh-grid-record.png")

    thumbnails.first.click()
    dialog = page.locator("dialog#gallery-lightbox")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".lightbox-count")).to_have_text("1 / 3")
    page.keyboard.press("ArrowRight")
    expect(dialog.locator(".lightbox-count")).to_have_text("2 / 3")
    expect(dialog.locator("img")).to_have_js_property("complete", True)
    session.page.screenshot(path=str(session.screenshots / "zh-grid-photo.png"))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # the full record: every block, the weekday × hour table, the worker's diary
    page.get_by_role("link", name="完整档案（全部栏目，可打印）").click()
    expect(page.locator("h1")).to_contain_text("网格档案 · 长源第一网格")
    for heading in (
        "基础台账",
        "走访覆盖率",
        "按星期和时段的走访",
        "特殊人群",
        "安全与环境",
        "民情日记",
    ):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.locator("table.heat tbody tr")).to_have_count(8)  # 7 days and the total
    expect(page.locator("ol.diary-list")).to_contain_text("老人身体不错，需要办老年卡")
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    session.screenshot("zh-full-record.png")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="诉求").click()
    rows = page.locator("table.needs tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("屋顶漏水")
    expect(rows.first).to_contain_text("超期")
    page.get_by_label("只看超期").check()
    expect(rows).to_have_count(1)
    session.screenshot("zh-needs-board.png")

    roof = rows.first
    roof.get_by_text("办理", exact=True).click()
    roof.get_by_label("办结", exact=True).check()
    roof.get_by_role("textbox", name=re.compile("^(说明|备注)$")).fill("已联系物业修好屋顶")
    roof.get_by_role("button", name="保存").click()
    expect(page.locator("table.needs tbody tr").first).to_contain_text("办结：已完成。")
    expect(
        page.locator("table.needs tbody tr").first.locator(".badge.status-resolved")
    ).to_be_visible()
    assert Need.objects.get(description="屋顶漏水").status == NeedStatus.RESOLVED

    page.goto("/households/XF-1-101/")
    expect(page.locator("#changes-title")).to_have_text("待审核的台账变更")
    expect(page.locator(".timeline")).to_contain_text("老人身体不错")
    session.screenshot("zh-household-history.png")
    page.get_by_role("button", name="通过").click()
    expect(page.locator(".messages")).to_contain_text("变更已通过并写入台账")
    assert RegisterChange.objects.get().state == ChangeState.APPLIED

    page.select_option("#language-select", "en")
    expect(page.locator("#needs-title")).to_have_text("Needs")
    page.goto("/dashboard/")
    expect(page.locator(".kpis")).to_contain_text("Visit coverage")
    expect(page.locator('[data-chart="chart-trends"] svg')).to_contain_text("Follow-up")
    session.screenshot("en-dashboard.png")
    page.goto("/needs/")
    expect(page.locator("h1")).to_have_text("Needs board")
    session.screenshot("en-needs-board.png")
    page.goto("/records/CY1/")
    expect(page.locator("h1")).to_contain_text("Grid record")
    expect(page.get_by_role("heading", name="Visits by weekday and hour")).to_be_visible()
    expect(page.locator("table.heat tbody th").first).to_have_text("Mon")
    session.screenshot("en-full-record.png")


def test_the_record_pages_fit_a_phone(activity: World, open_session):
    session = open_session(viewport=PHONE)
    session.sign_in("alice")
    for path, name in (
        ("/dashboard/", "zh-dashboard-phone.png"),
        ("/areas/CY1/", "zh-grid-record-phone.png"),
        ("/records/CY1/", "zh-full-record-phone.png"),
        ("/needs/", "zh-needs-board-phone.png"),
        ("/households/XF-1-101/", "zh-household-history-phone.png"),
    ):
        session.page.goto(path)
        assert not session.overflows(), f"{path} is wider than a 360 px phone"
        session.screenshot(name)
