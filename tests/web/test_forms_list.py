"""The forms list: every form with what a designer checks at a glance; designers and
administrators get the upload form, managers read the same list without it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.xforms.media import form_media_upload_bytes
from server.xforms.services import form_publish, form_set_state
from tests.conftest import World
from tests.xforms.conftest import simple_form, upload_markdown
from tests.xforms.test_media import JPEG, media_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def forms(world: World) -> None:
    upload_markdown(media_form("1"))
    version = upload_markdown(media_form("2")).version
    form_set_state(form=version.form, state="open")
    form_publish(form=version.form, area=world.community_a)
    form_publish(form=version.form, area=world.grid_b1)
    form_media_upload_bytes(form_version=version, filename="logo.jpg", data=JPEG)
    upload_markdown(simple_form())


def row_of(page: str, form_id: str) -> str:
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    [row] = [row for row in rows if f">{form_id}</td>" in row]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()


def test_each_form_shows_what_a_designer_checks(world: World, forms, signed_in):
    page = signed_in(world.dave).get("/forms/").content.decode()
    assert row_of(page, "media_form") == (
        "media_form media_form 其他问卷（保存并可导出，不计入台账统计） 开放 2 未校验 2 滨河第一网格 长源社区 缺 1 个"
    )
    assert (
        row_of(page, "simple")
        == "简单表单 simple 其他问卷（保存并可导出，不计入台账统计） 草稿（仅测试人员可见） 1 未校验 1 未发布 无需上传"
    )
    assert 'href="/forms/media_form/"' in page


def test_designers_and_administrators_may_upload_managers_only_read(world: World, forms, signed_in):
    for person in (world.dave, world.admin):
        page = signed_in(person).get("/forms/").content.decode()
        assert 'enctype="multipart/form-data"' in page and "检查并上传" in page
    alice = signed_in(world.alice)
    page = alice.get("/forms/").content.decode()
    assert "media_form" in page
    assert '<form method="post" enctype' not in page and "检查并上传" not in page
    assert alice.post("/forms/", {}).status_code == 403


def test_an_empty_list_says_where_the_shipped_forms_are(world: World, signed_in):
    page = signed_in(world.dave).get("/forms/").content.decode()
    assert "还没有加载任何问卷" in page


def test_the_list_costs_the_same_queries_for_many_forms(world: World, signed_in):
    dave = signed_in(world.dave)
    upload_markdown(simple_form("one"))
    with CaptureQueriesContext(connection) as few:
        dave.get("/forms/")
    for index in range(6):
        form = upload_markdown(simple_form(f"f{index}")).version.form
        form_publish(form=form, area=world.district)
    with CaptureQueriesContext(connection) as many:
        dave.get("/forms/")
    assert len(few) == len(many) <= 6
