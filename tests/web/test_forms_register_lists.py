"""The register lists a given collector's phone would receive with a form: each generated
CSV as a table (names masked, exactly the bytes and md5 the manifest serves), for designers
and administrators checking a form."""

from __future__ import annotations

import re

import pytest

from server.xforms.selectors import manifest_for
from tests.conftest import World
from tests.web.forms_support import visit_form
from tests.xforms.conftest import simple_form, upload_markdown

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(world: World):
    return upload_markdown(visit_form()).version


def first_cells(page: str) -> list[str]:
    body = re.search(r'<table class="list-table"[^>]*>.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return re.findall(r"<tr><td>([^<]*)</td>", body)


def test_bobs_lists_are_his_grids_names_masked_with_the_manifests_md5(
    world: World, version, signed_in
):
    response = signed_in(world.dave).get("/forms/visit_check/lists/?collector=bob")
    assert response.status_code == 200
    page = response.content.decode()
    [entry] = manifest_for(form_version=version, user=world.bob)  # households.csv
    assert f'<span class="code md5" translate="no">{entry.md5}</span>' in page
    assert "households.csv" in page and "5 行" in page
    assert first_cells(page) == ["XF-1-101", "XF-1-102", "XF-1-201", "_new", "_anon"]
    assert "王**" in page and "王建国" not in page and "13800000001" not in page
    assert "BH-1-101" not in page  # carol's grid


def test_carols_lists_hold_nothing_of_bobs(world: World, version, signed_in):
    page = signed_in(world.admin).get("/forms/visit_check/lists/?collector=carol").content.decode()
    assert first_cells(page) == ["BH-1-101", "BH-1-102", "_new", "_anon"]
    assert "XF-1-101" not in page


def test_the_forms_page_swaps_the_lists_in_with_htmx(world: World, version, signed_in):
    dave = signed_in(world.dave)
    page = dave.get("/forms/visit_check/").content.decode()
    assert 'hx-get="/forms/visit_check/lists/"' in page and 'hx-target="#register-lists"' in page
    assert '<option value="bob">鲍明 (bob)</option>' in page
    fragment = dave.get("/forms/visit_check/lists/?collector=bob", HTTP_HX_REQUEST="true")
    assert not fragment.content.decode().lstrip().startswith("<!doctype")
    assert '<details class="register-list">' in fragment.content.decode()


def test_only_a_collector_can_be_picked(world: World, version, signed_in):
    dave = signed_in(world.dave)
    page = dave.get("/forms/visit_check/lists/?collector=alice").content.decode()
    assert "请从列表中选择一位采集员" in page and "list-table" not in page
    assert "list-table" not in dave.get("/forms/visit_check/lists/").content.decode()


def test_a_form_without_register_lists_says_so(world: World, signed_in):
    upload_markdown(simple_form())
    page = signed_in(world.dave).get("/forms/simple/lists/?collector=bob").content.decode()
    assert "此版本不使用名单附件" in page
