"""Administrators import a register file in the browser and see every bad row."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from server.grids.models import Household, HouseholdFlag
from tests.conftest import World

pytestmark = pytest.mark.django_db

HEADER = "户编码 household_code,楼栋编码 building_code,单元 unit,房号 room,户主姓名 head_name,特殊人群 flags\n"
GOOD = "XF-1-301,XF-1,1,301,赵敏,低保户\n"
BAD_BUILDING = "XF-9-101,XF-9,1,101,钱多,\n"
BAD_FLAG = "XF-1-302,XF-1,1,302,孙丽,外星人\n"


def upload(client, text: str, **fields: object):
    file = SimpleUploadedFile("台账.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post("/import/register/", {"file": file, "source": "import", **fields})


def test_a_file_with_bad_rows_imports_nothing_and_lists_each_row(world: World, signed_in):
    response = upload(signed_in(world.admin), HEADER + GOOD + BAD_BUILDING + BAD_FLAG)
    page = response.content.decode()
    assert response.status_code == 400
    assert "2 行有错误，未导入任何数据" in page
    assert "XF-9 is not" not in page and "XF-9 不是台账或本文件中的楼栋" in page
    assert "楼栋编码" in page and "特殊人群" in page and "外星人" in page
    assert not Household.objects.filter(code="XF-1-301").exists()


def test_good_rows_only_imports_them_and_lists_the_skipped(world: World, signed_in):
    response = upload(signed_in(world.admin), HEADER + GOOD + BAD_BUILDING, skip_bad="on")
    page = response.content.decode()
    assert response.status_code == 200 and "台账.csv 已导入" in page
    assert "跳过了 1 个错误行" in page and "XF-9" in page
    household = Household.objects.get(code="XF-1-301")
    assert household.head_name == "赵敏"
    assert HouseholdFlag.objects.filter(household=household, flag="dibao").exists()


def test_the_source_chosen_is_recorded_as_provenance(world: World, signed_in):
    upload(signed_in(world.admin), HEADER + GOOD, source="import_police")
    household = Household.objects.get(code="XF-1-301")
    assert household.provenance["head_name"]["source"] == "import_police"


def test_errors_are_in_english_on_the_english_page(world: World, signed_in):
    page = upload(signed_in(world.admin, "en"), HEADER + BAD_BUILDING).content.decode()
    assert "1 row has errors; nothing was imported" in page
    assert "XF-9 is not a building in the register or the file" in page


def test_a_file_that_is_not_a_register_is_explained(world: World, signed_in):
    page = upload(signed_in(world.admin), "name,age\n张三,3\n").content.decode()
    assert "不符合任何台账格式" in page or "台账.csv" in page


def test_a_file_of_another_type_is_refused(world: World, signed_in):
    file = SimpleUploadedFile("台账.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = signed_in(world.admin).post("/import/register/", {"file": file, "source": "import"})
    assert response.status_code == 400 and "只能导入" in response.content.decode()


def test_the_templates_can_be_downloaded(world: World, signed_in):
    client = signed_in(world.admin)
    response = client.get("/import/templates/register-template.xlsx")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    assert client.get("/import/templates/..%2Fsettings.py").status_code == 404


def test_only_administrators_import(world: World, signed_in):
    assert signed_in(world.alice).get("/import/register/").status_code == 403


def test_labels_carry_no_latin_colon(world: World, signed_in):
    page = signed_in(world.admin).get("/import/register/").content.decode()
    assert '<label for="id_file">台账文件（CSV 或 XLSX）</label>' in page
