"""Uploading a form file from the browser: a new form, a new version of a form, the errors
with their sheet, row and column in the page's language, the version rules as what to do
next, the "not validated" note without Java, and large files converted in the background
while the status page polls."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import override_settings

from server.xforms.models import Form, FormUpload, FormVersion
from tests.conftest import World
from tests.web.forms_support import broken_visit_form, upload, visit_form
from tests.xforms.conftest import java, no_java, simple_form  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_conversion(settings) -> None:
    """ODK Validate takes a second per form; the tests that need it ask for Java."""
    settings.GRIDBOOK_ODK_VALIDATE = "off"


def table_rows(page: str, css_class: str) -> list[list[str]]:
    table = re.search(rf'<table class="{css_class}">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert table, f"the page has a {css_class} table"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


def test_a_designer_uploads_a_new_form_and_lands_on_its_page(world: World, signed_in):
    dave = signed_in(world.dave)
    response = upload(dave, visit_form())
    assert response.status_code == 302
    assert response["Location"] == "/forms/visit_check/"
    page = dave.get(response["Location"]).content.decode()
    assert "已创建问卷“走访核对”（visit_check），版本 2026112301。" in page
    form = Form.objects.get(form_id="visit_check")
    assert form.current_version.created_by == world.dave


def test_an_error_is_shown_with_its_sheet_row_and_column_in_chinese(world: World, signed_in):
    response = upload(signed_in(world.dave), broken_visit_form())
    assert response.status_code == 400
    page = response.content.decode()
    assert "问卷未加载：有 1 处错误" in page
    assert '<th scope="col">工作表</th>' in page and ">问题</th>" in page
    [row] = table_rows(page, "problems-table")
    assert row == ["survey", "5", "type", "“integr”不是 XLSForm 认识的问题类型。"]
    assert not Form.objects.exists()


def test_the_same_error_reads_in_english_on_the_english_page(world: World, signed_in):
    response = upload(signed_in(world.dave, "en"), broken_visit_form())
    [row] = table_rows(response.content.decode(), "problems-table")
    assert row == ["survey", "5", "type", "'integr' is not a question type that XLSForm knows."]


def test_a_fixed_file_uploaded_again_becomes_a_new_version(world: World, signed_in):
    dave = signed_in(world.dave)
    upload(dave, visit_form("2026112301"))
    response = upload(dave, visit_form("2026112302", members_label="实际居住人数"))
    assert response["Location"] == "/forms/visit_check/"
    page = dave.get("/forms/visit_check/").content.decode()
    assert "已上传“走访核对”的版本 2026112302，现为当前版本。" in page
    assert Form.objects.get().current_version.version == "2026112302"


def test_the_identical_file_again_changes_nothing_and_says_so(world: World, signed_in):
    dave = signed_in(world.dave)
    upload(dave, visit_form())
    response = upload(dave, visit_form())
    page = dave.get(response["Location"]).content.decode()
    assert "文件与版本 2026112301 完全相同，没有任何变化。" in page
    assert FormVersion.objects.count() == 1


def test_changed_content_under_the_same_version_asks_for_a_raised_version(world: World, signed_in):
    dave = signed_in(world.dave)
    upload(dave, visit_form("2026112301"))
    response = upload(dave, visit_form("2026112301", members_label="实际居住人数"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "版本 2026112301 已经存在，且内容不同" in page and "settings.version" in page
    suggestion = re.search(r'<span class="secret" translate="no">(\d+)</span>', page)
    assert suggestion and int(suggestion.group(1)) > 2026112301
    assert FormVersion.objects.count() == 1


def test_a_lower_version_is_refused_with_the_current_one_named(world: World, signed_in):
    dave = signed_in(world.dave, "en")
    upload(dave, visit_form("2026112305"))
    page = upload(dave, visit_form("2026112304", members_label="x")).content.decode()
    assert "Version 2026112304 is older than the current version 2026112305" in page
    assert "Suggested version for the settings sheet" in page


def test_a_new_version_uploaded_on_a_forms_page_must_be_that_form(world: World, signed_in):
    dave = signed_in(world.dave)
    upload(dave, visit_form())
    assert dave.get("/forms/visit_check/upload/").status_code == 200
    response = upload(dave, simple_form(), path="/forms/visit_check/upload/", name="simple.xlsx")
    assert response.status_code == 400
    assert "这个文件是问卷“simple”，不是“visit_check”" in response.content.decode()
    assert not Form.objects.filter(form_id="simple").exists()
    done = upload(dave, visit_form("2026112302"), path="/forms/visit_check/upload/")
    assert done["Location"] == "/forms/visit_check/"


def test_without_java_the_version_is_marked_not_validated(
    world: World,
    signed_in,
    settings,
    no_java,  # noqa: F811
):
    settings.GRIDBOOK_ODK_VALIDATE = "auto"
    dave = signed_in(world.dave)
    upload(dave, visit_form())
    page = dave.get("/forms/visit_check/").content.decode()
    assert "未经校验：ODK Validate（ODK Collect 内置的表单引擎）没有检查此版本" in page
    assert "服务器上没有安装 Java" in page
    listing = dave.get("/forms/").content.decode()
    assert '<span class="badge warn">未校验</span>' in listing


def test_with_java_the_version_is_validated(world: World, signed_in, settings, java):  # noqa: F811
    settings.GRIDBOOK_ODK_VALIDATE = "auto"
    dave = signed_in(world.dave)
    upload(dave, visit_form())
    assert Form.objects.get().current_version.validated
    page = dave.get("/forms/").content.decode()
    assert '<span class="badge ok">已校验</span>' in page


def test_an_upload_without_a_file_says_so(world: World, signed_in):
    response = signed_in(world.dave).post("/forms/", {})
    assert response.status_code == 400
    assert "该字段是必填项" in response.content.decode()


def test_a_document_that_is_not_a_form_is_refused_without_a_trace(world: World, signed_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = signed_in(world.dave).post(
        "/forms/", {"file": SimpleUploadedFile("report.docx", b"PK\x03\x04 not really")}
    )
    assert response.status_code == 400
    assert "问卷未加载" in response.content.decode()
    assert not Form.objects.exists()


@override_settings(GRIDBOOK_FORM_INLINE_MAX_KB=0)
def test_a_large_file_is_converted_in_the_background_while_the_page_polls(
    world: World, signed_in, django_capture_on_commit_callbacks
):
    dave = signed_in(world.dave)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(dave, visit_form())
    record = FormUpload.objects.get()
    assert response["Location"] == f"/form-uploads/{record.pk}/"
    waiting = dave.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "正在等待后台开始转换" in waiting
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in waiting

    for callback in callbacks:  # the worker runs the conversion
        callback()
    fragment = dave.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="upload-status"')
    assert "hx-trigger" not in fragment  # done: the polling stops
    assert "已加载“走访核对”的版本 2026112301。" in fragment
    assert 'href="/forms/visit_check/"' in fragment
    assert "没有设置 max-pixels 参数" in fragment  # the version's warnings


@override_settings(GRIDBOOK_FORM_INLINE_MAX_KB=0)
def test_a_failed_background_conversion_shows_the_rows_in_the_readers_language(
    world: World, signed_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(signed_in(world.dave), broken_visit_form())
    chinese = signed_in(world.dave).get(response["Location"]).content.decode()
    assert table_rows(chinese, "problems-table") == [
        ["survey", "5", "type", "“integr”不是 XLSForm 认识的问题类型。"]
    ]
    english = signed_in(world.admin, "en").get(response["Location"]).content.decode()
    assert "is not a question type that XLSForm knows" in english


@override_settings(GRIDBOOK_FORM_INLINE_MAX_KB=0)
def test_a_background_version_of_another_form_is_refused(
    world: World, signed_in, django_capture_on_commit_callbacks
):
    dave = signed_in(world.dave)
    with django_capture_on_commit_callbacks(execute=True):
        upload(dave, visit_form())
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(dave, simple_form(), path="/forms/visit_check/upload/")
    page = dave.get(response["Location"]).content.decode()
    assert "这个文件是问卷“simple”，不是“visit_check”" in page
    assert not Form.objects.filter(form_id="simple").exists()


def test_an_unknown_upload_is_not_found(world: World, signed_in):
    response = signed_in(world.dave).get("/form-uploads/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


def test_a_conversion_that_crashed_says_so_instead_of_nothing(world: World, signed_in):
    record = FormUpload.objects.create(
        file_name="big.xlsx", size=1, status="failed", error={"code": "internal", "params": {}}
    )
    page = signed_in(world.dave).get(f"/form-uploads/{record.pk}/").content.decode()
    assert "转换意外失败。" in page and "hx-trigger" not in page
