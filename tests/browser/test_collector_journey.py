"""A collector sees their grid, masked, and nothing of another collector's grid."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.conftest import World


def test_bob_sees_his_grid_masked_and_nothing_of_carols(world: World, open_session):
    session = open_session(viewport=PHONE)
    page = session.page
    session.sign_in("bob")
    expect(page.locator("main")).to_contain_text("长源第一网格")
    expect(page.locator("main")).not_to_contain_text("滨河")
    assert not session.overflows()
    session.screenshot("zh-collector-home-phone.png")

    page.get_by_role("link", name="打开住户名单").click()
    table = page.locator("table.households")
    expect(table).to_contain_text("王**")
    expect(table).not_to_contain_text("王建国")

    response = page.goto("/households/BH-1-101/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("未找到")
    expect(page.locator("main")).not_to_contain_text("陈明")
    response = page.goto("/areas/BH1/")
    assert response is not None and response.status == 404
    session.screenshot("zh-collector-not-found-phone.png")
