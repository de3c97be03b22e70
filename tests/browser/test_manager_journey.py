"""A manager reads the home page and its charts, opens a grid, filters and searches its
households, opens a household, and reads the same pages in English and on a phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.conftest import World


def test_manager_reads_home_grid_and_household_in_chinese_then_english(world: World, open_session):
    session = open_session()
    page = session.page
    session.sign_in("alice")

    expect(page.locator("h1")).to_have_text("欢迎，李爱丽")
    chart = page.locator('[data-chart="chart-households"] svg')
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("长源第一网格")
    expect(page.locator('[data-chart="chart-flags"] svg')).to_contain_text("低保户")
    session.screenshot("zh-manager-home.png")

    page.get_by_role("link", name="长源第一网格").first.click()
    expect(page.locator("h1")).to_contain_text("长源第一网格")
    rows = page.locator("table.households tbody tr")
    expect(rows).to_have_count(3)
    session.screenshot("zh-grid.png")

    page.get_by_label("特殊人群").select_option("dibao")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("幸福小区1栋1单元102")
    expect(page).to_have_url(re.compile(r"flag=dibao"))

    page.get_by_label("特殊人群").select_option("")
    page.get_by_label("搜索地址或户编码").fill("201")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("幸福小区1栋1单元201")

    rows.first.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("幸福小区1栋1单元201")
    expect(page.locator("#register-title")).to_have_text("台账信息")
    expect(page.locator(".details")).to_contain_text("张伟")
    expect(page.locator(".breadcrumbs")).to_contain_text("长源社区")
    session.screenshot("zh-household.png")

    page.select_option("#language-select", "en")
    expect(page.locator("#register-title")).to_have_text("Register data")
    expect(page.locator(".details")).to_contain_text("Head of household")
    expect(page.locator(".details")).to_contain_text("Renter")
    session.screenshot("en-household.png")

    page.goto("/areas/CY1/")
    expect(page.locator("table.households thead")).to_contain_text("Special populations")
    expect(page.locator("table.households")).to_contain_text("Minimum-living-allowance household")
    session.screenshot("en-grid.png")
    page.goto("/")
    expect(page.locator('[data-chart="chart-flags"] svg')).to_contain_text("Migrant")
    session.screenshot("en-manager-home.png")


def test_the_grid_page_fits_a_phone(world: World, open_session):
    session = open_session(viewport=PHONE)
    session.sign_in("alice")
    session.page.goto("/areas/CY1/")
    expect(session.page.locator("table.households tbody tr")).to_have_count(3)
    assert not session.overflows(), "the grid page is wider than a 360 px phone"
    session.screenshot("zh-grid-phone.png")
    table = session.page.locator(".table-scroll").first
    table.scroll_into_view_if_needed()
    assert table.evaluate("element => element.scrollWidth > element.clientWidth")
    session.screenshot("zh-grid-phone-table.png")
    session.page.goto("/")
    expect(session.page.locator('[data-chart="chart-households"] svg')).to_be_visible()
    assert not session.overflows(), "the home page is wider than a 360 px phone"
    session.screenshot("zh-manager-home-phone.png")
