"""The preview of a form's questions: in the form's order, groups and repeats nested,
each question's type, labels in Chinese and English, required, conditions and
constraints with their messages, choice lists folded, list files named."""

from __future__ import annotations

import re

import pytest

from tests.conftest import World
from tests.web.forms_support import visit_form
from tests.xforms.conftest import upload_markdown

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(world: World):
    upload_markdown(visit_form("2026112301"))
    return upload_markdown(visit_form("2026112302", members_label="实际居住人数")).version.form


def preview(client, query: str = "") -> str:
    response = client.get(f"/forms/visit_check/preview/{query}")
    assert response.status_code == 200
    return response.content.decode()


OUTLINE = re.compile(
    r'<section class="q-group(?P<repeat> q-repeat)?"'
    r"|(?P<close></section>)"
    r'|<article class="q[^"]*">\s*<div class="q-head">\s*<span class="code" translate="no">(?P<name>\w+)'
)


def outline(page: str) -> list[str]:
    """Groups ("[group", "[repeat") and their ends ("</>"), and questions, in order."""
    found = []
    for match in OUTLINE.finditer(page):
        if match["name"]:
            found.append(match["name"])
        elif match["close"]:
            found.append("</>")
        else:
            found.append("[repeat" if match["repeat"] else "[group")
    return found


def test_questions_come_in_order_with_groups_and_repeats_nested(world: World, form, signed_in):
    page = preview(signed_in(world.dave))
    main = page.split('<div class="preview">', 1)[1]
    assert outline(main)[:13] == [
        "welcome",
        "[group", "household", "members", "</>",
        "[group", "has_needs", "[repeat", "need_desc", "need_photo", "</>", "</>",
        "needs_count",
    ]  # fmt: skip
    assert "版本 2026112302 · 共 7 个问题" in page


def test_each_question_shows_type_labels_required_and_rules(world: World, form, signed_in):
    page = preview(signed_in(world.dave))
    members = page.split('translate="no">members</span>', 1)[1].split("</article>", 1)[0]
    assert '<span class="badge">整数</span>' in members
    assert '<span class="badge bad">必填</span>' in members
    assert '<p class="q-label" lang="zh-Hans">实际居住人数</p>' in members
    assert '<p class="q-other" lang="en">People living here</p>' in members
    assert (
        "约束条件" in members and '<code translate="no">. &gt;= 0 and . &lt;= 20</code>' in members
    )
    assert '<span class="q-message" lang="zh-Hans">人数应在0到20之间</span>' in members
    repeat = page.split('<section class="q-group q-repeat"', 1)[1].split("<article", 1)[0]
    assert "显示条件" in repeat and "${has_needs} = &#x27;yes&#x27;" in repeat
    assert "计算（不显示）" in page and "count( ${needs} )" in page


def test_choices_are_folded_and_list_files_named(world: World, form, signed_in):
    page = preview(signed_in(world.dave))
    has_needs = page.split('translate="no">has_needs</span>', 1)[1].split("</article>", 1)[0]
    assert '<details class="q-choices">' in has_needs and "2 个选项" in has_needs
    assert re.search(
        r'translate="no">yes</td><td><span class="q-choice" lang="zh-Hans">是</span>', has_needs
    )
    household = page.split('translate="no">household</span>', 1)[1].split("</article>", 1)[0]
    assert "选项来自文件" in household and "households.csv" in household
    assert "名单附件，按采集员生成" in household
    assert "单选（选项来自名单文件）" in household


def test_an_older_version_can_be_previewed(world: World, form, signed_in):
    page = preview(signed_in(world.alice), "?version=2026112301")
    assert "版本 2026112301" in page and "不是当前版本" in page
    assert '<p class="q-label" lang="zh-Hans">居住人数</p>' in page
    assert signed_in(world.dave).get("/forms/visit_check/preview/?version=9").status_code == 404


def test_the_preview_reads_in_english(world: World, form, signed_in):
    page = preview(signed_in(world.dave, "en"))
    assert "Version 2026112302 · 7 questions" in page
    assert "Whole number" in page and "Shown when" not in page.split("welcome")[0]
