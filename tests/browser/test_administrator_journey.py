"""An administrator creates a collector (the ASCII password rule is enforced), assigns a
grid, resets the password; and imports a register file with a bad row."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import World


def test_administrator_creates_a_collector_assigns_a_grid_and_resets_the_password(
    world: World, open_session
):
    session = open_session()
    page = session.page
    session.sign_in("admin")
    session.screenshot("zh-admin-home.png")
    page.get_by_role("link", name="人员").first.click()
    expect(page.locator("#role-collector")).to_contain_text("采集员")
    session.screenshot("zh-people.png")

    page.get_by_role("link", name="添加人员").first.click()
    page.get_by_label("采集员（网格员）").check()
    page.get_by_label("姓名").fill("韩梅")
    page.get_by_label("电话").fill("13700000009")
    page.get_by_label("用户名").fill("hanmei")
    page.get_by_label("密码").fill("网格员密码2026")
    page.get_by_label("长源第二网格 · 网格").check()
    page.get_by_role("button", name="创建").click()
    expect(page.locator(".errorlist")).to_contain_text("采集员的密码只能使用")
    session.screenshot("zh-person-password-rule.png")

    page.get_by_label("密码").fill("")
    page.get_by_label("长源第二网格 · 网格").check()
    page.get_by_role("button", name="创建").click()
    expect(page.locator(".notice.success").first).to_contain_text("已创建韩梅")
    first_password = page.get_by_test_id("shown-password").inner_text()
    assert re.fullmatch(r"[A-Za-z0-9]{12}", first_password)
    session.screenshot("zh-person-created.png")

    page.get_by_label("滨河第一网格 · 网格").check()
    page.get_by_role("button", name="保存区域").click()
    expect(page.locator(".messages")).to_contain_text("已保存韩梅的区域")
    expect(page.get_by_label("滨河第一网格 · 网格")).to_be_checked()

    page.get_by_role("button", name="生成新密码").click()
    new_password = page.get_by_test_id("shown-password").inner_text()
    assert new_password != first_password

    collector = open_session()
    collector.sign_in("hanmei", new_password)
    expect(collector.page.locator("main")).to_contain_text("长源第二网格")
    expect(collector.page.locator("main")).to_contain_text("滨河第一网格")


def test_administrator_imports_a_register_with_a_bad_row(world: World, open_session, tmp_path):
    register = Path(tmp_path) / "台账.csv"
    register.write_text(
        "户编码 household_code,楼栋编码 building_code,单元 unit,房号 room,户主姓名 head_name\n"
        "XF-1-301,XF-1,1,301,赵敏\n"
        "XF-9-101,XF-9,1,101,钱多\n",
        encoding="utf-8",
    )
    session = open_session()
    page = session.page
    session.sign_in("admin")
    page.get_by_role("link", name="导入台账").first.click()
    page.get_by_label("台账文件（CSV 或 XLSX）").set_input_files(str(register))
    page.get_by_role("button", name="检查并导入").click()
    errors = page.locator("table.row-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("XF-9 不是台账或本文件中的楼栋")
    expect(errors.first).to_contain_text("3")
    expect(page.locator(".notice.error")).to_contain_text("未导入任何数据")
    session.screenshot("zh-import-errors.png")

    page.get_by_label("台账文件（CSV 或 XLSX）").set_input_files(str(register))
    page.get_by_label("只导入正确的行").check()
    page.get_by_role("button", name="检查并导入").click()
    expect(page.locator(".notice.success")).to_contain_text("已导入")
    expect(page.locator("table.row-errors tbody tr")).to_have_count(1)
    session.screenshot("zh-import-done.png")
