"""A form's page: its versions with their downloads, its state and the moves its life
allows, its testers, the areas it is published to, and the files its current version
expects. Designers and administrators change them (POST, one service each); managers read."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from server.core.storage import md5_hex
from server.xforms.models import Form, FormMedia, FormState
from server.xforms.services import form_publish, form_set_state, form_set_testers
from tests.conftest import World
from tests.xforms.conftest import upload_markdown
from tests.xforms.test_media import JPEG, media_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(world: World) -> Form:
    upload_markdown(media_form("1"), user=world.admin)
    return upload_markdown(media_form("2"), user=world.dave).version.form


def page_of(client, form_id: str = "media_form") -> str:
    response = client.get(f"/forms/{form_id}/")
    assert response.status_code == 200
    return response.content.decode()


def messages_in(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r'<li class="message [^"]*">(.*?)</li>', page, re.S)
    ]


def test_versions_are_listed_newest_first_with_who_when_and_downloads(
    world: World, form, signed_in
):
    page = page_of(signed_in(world.dave))
    versions = re.search(r'<table class="versions-table">.*?</table>', page, re.S).group(0)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", versions.split("<tbody>")[1], re.S)
    assert [re.search(r'translate="no">([^<]+)<', row).group(1) for row in rows] == ["2", "1"]
    assert "当前" in rows[0] and "当前" not in rows[1]
    assert "戴维" in rows[0] and "管理员" in rows[1]
    assert 'href="/api/v1/forms/media_form/versions/1/source/"' in rows[1]
    assert 'href="/forms/media_form/preview/?version=1"' in rows[1]


def test_the_downloads_give_the_spreadsheet_and_the_xform_to_readers(world: World, form, signed_in):
    for person in (world.dave, world.alice):
        client = signed_in(person)
        xform = client.get("/api/v1/forms/media_form/versions/2/xform/")
        assert xform.status_code == 200 and bytes(xform.content) == bytes(form.current_version.xml)
        source = client.get("/api/v1/forms/media_form/versions/2/source/")
        assert source.status_code == 200 and b"".join(source.streaming_content)[:2] == b"PK"


def test_a_draft_offers_opening_and_opens(world: World, form, signed_in):
    dave = signed_in(world.dave)
    page = page_of(dave)
    assert re.findall(r'name="state" value="(\w+)"', page) == ["open"]
    response = dave.post("/forms/media_form/state/", {"state": "open"}, follow=True)
    assert "问卷状态已改为：开放。" in messages_in(response.content.decode())
    form.refresh_from_db()
    assert form.state == FormState.OPEN
    assert re.findall(r'name="state" value="(\w+)"', page_of(dave)) == ["closing", "closed"]


def test_a_move_the_forms_life_does_not_allow_is_refused_on_the_page(world: World, form, signed_in):
    response = signed_in(world.dave).post(
        "/forms/media_form/state/", {"state": "closed"}, follow=True
    )
    [message] = messages_in(response.content.decode())
    assert message.startswith("处于“草稿（仅测试人员可见）”状态的问卷不能改为“已关闭”")
    form.refresh_from_db()
    assert form.state == FormState.DRAFT


def test_a_closed_form_can_be_reopened(world: World, form, signed_in):
    form_set_state(form=form, state=FormState.CLOSED)
    page = page_of(signed_in(world.dave))
    assert re.findall(r'name="state" value="(\w+)"', page) == ["open"]
    assert "重新开放" in page


def test_testers_are_collectors_picked_on_the_page(world: World, form, signed_in):
    dave = signed_in(world.dave)
    response = dave.post("/forms/media_form/testers/", {"testers": [world.bob.pk]}, follow=True)
    assert "已保存测试人员（1 人）。" in messages_in(response.content.decode())
    assert list(form.testers.all()) == [world.bob]
    page = page_of(dave)
    assert re.search(rf'value="{world.bob.pk}"[^>]*checked', page)
    dave.post("/forms/media_form/testers/", {"testers": [world.alice.pk]})
    assert list(form.testers.all()) == [world.bob]  # a manager is not offered


def test_publishing_and_unpublishing_an_area(world: World, form, signed_in):
    dave = signed_in(world.dave)
    response = dave.post("/forms/media_form/publications/", {"area": "CY"}, follow=True)
    assert "问卷已发布到长源社区。" in messages_in(response.content.decode())
    assert [p.area.code for p in form.publications.all()] == ["CY"]
    page = page_of(dave)
    assert "移除长源社区" in page
    assert '<option value="CY"' not in page  # not offered twice
    response = dave.post("/forms/media_form/publications/remove/", {"area": "CY"}, follow=True)
    assert "问卷不再发布到长源社区。" in messages_in(response.content.decode())
    assert not form.publications.exists()
    assert dave.post("/forms/media_form/publications/", {"area": "NOPE"}).status_code == 302
    assert not form.publications.exists()


def test_the_files_the_version_expects_show_what_is_missing(world: World, form, signed_in):
    page = page_of(signed_in(world.dave))
    table = re.search(r'<table class="media-table">.*?</table>', page, re.S).group(0)
    assert "households.csv" in table and "名单附件，自动生成" in table
    assert table.count('<span class="badge bad">缺少</span>') == 2  # logo.jpg, streets.csv
    figures = re.search(r"缺少的文件</dt><dd>(\d+)</dd>", page)
    assert figures and figures.group(1) == "2"


def test_a_media_file_is_uploaded_under_its_name_and_replaced(world: World, form, signed_in):
    dave = signed_in(world.dave)
    logo = SimpleUploadedFile("my-logo-final.jpg", JPEG)
    response = dave.post(
        "/forms/media_form/media/", {"filename": "logo.jpg", "file": logo}, follow=True
    )
    assert "已为版本 2 上传 logo.jpg。" in messages_in(response.content.decode())
    page = response.content.decode()
    assert md5_hex(JPEG) in page and '<span class="badge ok">已上传</span>' in page
    assert 'href="/api/v1/forms/media_form/versions/2/media/logo.jpg"' in page

    other = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(other, "JPEG")
    dave.post(
        "/forms/media_form/media/",
        {"filename": "logo.jpg", "file": SimpleUploadedFile("x.jpg", other.getvalue())},
    )
    stored = FormMedia.objects.get(form_version=form.current_version, filename="logo.jpg")
    assert stored.md5 == md5_hex(other.getvalue())
    assert md5_hex(other.getvalue()) in page_of(dave)


def test_a_media_upload_the_form_does_not_expect_is_refused_in_words(world: World, form, signed_in):
    dave = signed_in(world.dave)
    fake = SimpleUploadedFile("logo.jpg", b"not an image")
    response = dave.post(
        "/forms/media_form/media/", {"filename": "logo.jpg", "file": fake}, follow=True
    )
    assert any("不是可读取的图片文件" in text for text in messages_in(response.content.decode()))
    response = dave.post(
        "/forms/media_form/media/",
        {"filename": "households.csv", "file": SimpleUploadedFile("h.csv", b"name\n")},
        follow=True,
    )
    assert any("名单附件" in text for text in messages_in(response.content.decode()))
    assert not FormMedia.objects.exists()


def test_a_media_file_is_removed(world: World, form, signed_in):
    dave = signed_in(world.dave)
    dave.post(
        "/forms/media_form/media/",
        {"filename": "logo.jpg", "file": SimpleUploadedFile("l.jpg", JPEG)},
    )
    response = dave.post("/forms/media_form/media/remove/", {"filename": "logo.jpg"}, follow=True)
    assert "已从版本 2 移除 logo.jpg。" in messages_in(response.content.decode())
    assert not FormMedia.objects.exists()


def test_a_manager_reads_the_page_without_any_button(world: World, form, signed_in):
    form_set_testers(form=form, users=[world.bob])
    form_publish(form=form, area=world.community_a)
    page = page_of(signed_in(world.alice))
    assert "鲍明" in page and "长源社区" in page and "households.csv" in page
    assert 'method="post"' not in page.split("<main", 1)[1]
    assert "上传新版本" not in page and "采集员会收到的名单附件" not in page


def test_an_unknown_form_is_not_found(world: World, signed_in):
    assert signed_in(world.dave).get("/forms/nope/").status_code == 404


def test_the_page_costs_the_same_queries_for_many_versions(world: World, signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dave = signed_in(world.dave)
    upload_markdown(media_form("1"))
    with CaptureQueriesContext(connection) as few:
        dave.get("/forms/media_form/")
    for number in range(2, 7):
        form = upload_markdown(media_form(str(number))).version.form
    form_set_testers(form=form, users=[world.bob, world.carol])
    form_publish(form=form, area=world.community_a)
    form_publish(form=form, area=world.community_b)
    with CaptureQueriesContext(connection) as many:
        dave.get("/forms/media_form/")
    assert len(few) == len(many) <= 12
