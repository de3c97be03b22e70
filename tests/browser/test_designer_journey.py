"""A survey designer uploads an XLSForm with a mistake and sees its row in Chinese, fixes it,
uploads a new version, checks the register lists bob's phone would get, and previews the
questions (in English, and on a phone). A large upload's status page follows the background
conversion by itself."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management import call_command
from playwright.sync_api import expect

from server.xforms.background import form_upload_process
from server.xforms.models import FormUpload
from server.xforms.xlsform import xlsx_from_markdown
from tests.browser.conftest import PHONE
from tests.conftest import World
from tests.web.forms_support import broken_visit_form, visit_form


def spreadsheet(folder: Path, md: str, name: str = "走访核对.xlsx") -> str:
    path = folder / name
    path.write_bytes(xlsx_from_markdown(md))
    return str(path)


def test_dave_fixes_an_upload_error_and_checks_his_form(world: World, open_session, tmp_path):
    call_command("load_forms", "--no-validate", stdout=io.StringIO())
    session = open_session()
    page = session.page
    session.sign_in("dave")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="问卷").click()
    expect(page.locator("table.forms-list tbody tr")).to_have_count(3)
    expect(page.locator("table.forms-list")).to_contain_text("入户走访登记")
    session.screenshot("zh-forms-list.png")

    page.locator("input[type=file]").set_input_files(spreadsheet(tmp_path, broken_visit_form()))
    page.get_by_role("button", name="检查并上传").click()
    expect(page.locator("#problems-title")).to_have_text("问卷未加载：有 1 处错误")
    row = page.locator("table.problems-table tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_have_text(
        ["survey", "5", "type", "“integr”不是 XLSForm 认识的问题类型。"]
    )
    session.screenshot("zh-form-upload-error.png")

    page.locator("input[type=file]").set_input_files(spreadsheet(tmp_path, visit_form()))
    page.get_by_role("button", name="检查并上传").click()
    expect(page.locator(".messages")).to_contain_text("已创建问卷“走访核对”（visit_check）")

    page.get_by_role("link", name="上传新版本").first.click()
    fixed = visit_form("2026112302", members_label="实际居住人数")
    page.locator("input[type=file]").set_input_files(spreadsheet(tmp_path, fixed, "v2.xlsx"))
    page.get_by_role("button", name="检查并上传").click()
    expect(page.locator(".messages")).to_contain_text("版本 2026112302，现为当前版本")
    expect(page.locator("table.versions-table tbody tr")).to_have_count(2)
    expect(page.locator(".version-figure")).to_have_text("2026112302")

    page.get_by_label("区域", exact=True).select_option("CY")
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.locator(".publications")).to_contain_text("长源社区")
    page.get_by_role("button", name="开放", exact=True).click()
    expect(page.locator("h1 .badge")).to_have_text("开放")
    session.screenshot("zh-form-detail.png")

    page.locator("#lists_collector").select_option("bob")
    page.get_by_role("button", name="显示名单").click()
    households = page.locator("details.register-list").filter(has_text="households.csv")
    expect(households).to_contain_text(re.compile(r"md5 [0-9a-f]{32}"))
    households.locator("summary").click()
    table = households.locator("table.list-table")
    expect(table).to_contain_text("王**")
    expect(table).not_to_contain_text("王建国")
    expect(table).not_to_contain_text("BH-1-101")  # carol's grid
    assert page.url.endswith("/forms/visit_check/")  # swapped in by htmx, no reload

    page.get_by_role("link", name="预览问题").click()
    repeat = page.locator("section.q-repeat")
    expect(repeat).to_contain_text("诉求内容")
    expect(repeat.locator("dl.q-rules").first).to_contain_text("${has_needs} = 'yes'")
    page.locator("#language-select").select_option("en")
    expect(page.locator("h1")).to_have_text("Questions of 走访核对")
    expect(page.locator("main")).to_contain_text("Whole number")
    page.locator("details.q-choices summary").first.click()
    session.screenshot("en-form-preview.png")

    phone = open_session(viewport=PHONE)
    phone.sign_in("dave")
    phone.page.goto("/forms/visit_check/preview/")
    expect(phone.page.locator("section.q-repeat")).to_be_visible()
    assert not phone.overflows()
    phone.page.goto("/forms/visit_check/")
    assert not phone.overflows()


def test_the_status_page_follows_a_background_conversion(world: World, open_session):
    record = FormUpload(file_name="走访核对.xlsx", size=70_000, created_by=world.dave)
    record.file.save("visit.xlsx", ContentFile(xlsx_from_markdown(visit_form())))
    session = open_session()
    page = session.page
    session.sign_in("dave")
    page.goto(f"/form-uploads/{record.pk}/")
    expect(page.locator("#upload-status")).to_contain_text("正在等待后台开始转换")
    form_upload_process(upload_id=record.pk)  # the worker, while the page polls
    expect(page.locator("#upload-status")).to_contain_text("已加载“走访核对”的版本 2026112301")
    expect(page.locator("#upload-status")).not_to_have_attribute("hx-trigger", re.compile("."))
    page.get_by_role("link", name="打开问卷").click()
    expect(page.locator("h1")).to_contain_text("走访核对")
