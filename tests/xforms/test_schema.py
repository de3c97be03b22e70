"""The field schema is read from the XForm XML: paths, types, labels and choices in both
languages, repeats, groups, binary fields and the files the form expects."""

from __future__ import annotations

from typing import Any

import pytest

from server.xforms.schema import XFormError, derive_schema, language_code, xform_identity
from server.xforms.xlsform import convert_form, convert_markdown
from tests.xforms.conftest import shipped_form


@pytest.fixture(scope="module")
def hh_visit() -> dict[str, Any]:
    xml = convert_form(
        shipped_form("hh_visit"), file_name="household_visit.xlsx", validate=False
    ).xml
    return derive_schema(xml)


def field(schema: dict[str, Any], path: str) -> dict[str, Any]:
    return next(item for item in schema["fields"] if item["path"] == path)


def test_identity_comes_from_the_primary_instance(hh_visit: dict[str, Any]) -> None:
    assert (hh_visit["form_id"], hh_visit["version"], hh_visit["title"]) == (
        "hh_visit",
        "2026112301",
        "入户走访登记",
    )
    assert hh_visit["languages"] == ["zh", "en"] and hh_visit["default_language"] == "zh"


def test_the_needs_repeat_and_its_fields(hh_visit: dict[str, Any]) -> None:
    assert hh_visit["repeats"] == ["/data/grp_needs/needs"]
    photo = field(hh_visit, "/data/grp_needs/needs/need_photo")
    assert (photo["type"], photo["repeat"], photo["binary"]) == (
        "image",
        "/data/grp_needs/needs",
        True,
    )
    urgency = field(hh_visit, "/data/grp_needs/needs/need_urgency")
    assert urgency["type"] == "select_one" and urgency["required"] is True
    assert urgency["choices"][0] == {
        "value": "urgent",
        "labels": {"zh": "紧急（24小时内）", "en": "Urgent (within 24 h)"},
    }


def test_labels_in_both_languages_and_select_from_file(hh_visit: dict[str, Any]) -> None:
    household = field(hh_visit, "/data/grp_id/household")
    assert household["type"] == "select_one_from_file"
    assert household["file"] == "households.csv" and household["choices"] == []
    assert household["labels"] == {"zh": "住户（单元-房号）", "en": "Household (unit–room)"}
    assert household["repeat"] is None and household["group"] == "/data/grp_id"


def test_types_of_metadata_calculates_notes_and_conditions(hh_visit: dict[str, Any]) -> None:
    types = {item["path"]: item["type"] for item in hh_visit["fields"]}
    assert types["/data/start"] == "start" and types["/data/today"] == "today"
    assert types["/data/deviceid"] == "deviceid" and types["/data/username"] == "username"
    assert types["/data/meta/instanceID"] == "instanceID"
    assert types["/data/hh_label"] == "calculate"
    assert types["/data/grp_visit/hh_card"] == "note"
    assert types["/data/grp_hh/special_flags"] == "select_multiple"
    assert types["/data/grp_hh/members_total"] == "integer"
    assert types["/data/location"] == "geopoint" and types["/data/grp_end/next_visit"] == "date"
    door = field(hh_visit, "/data/door_photo")
    assert door["required"] is False
    assert door["required_when"] == "/data/grp_visit/visit_result !='refused'"


def test_binary_fields_and_expected_files(hh_visit: dict[str, Any]) -> None:
    assert hh_visit["binary_fields"] == [
        "/data/grp_living/hazard_photo",
        "/data/door_photo",
        "/data/grp_needs/needs/need_photo",
    ]
    assert [item["filename"] for item in hh_visit["attachments"]] == [
        "buildings.csv",
        "communities.csv",
        "grids.csv",
        "households.csv",
    ]


MEDIA_FORM = """
| survey |
|        | type                             | name   | label | media::image | media::audio | appearance          | calculation                        |
|        | select_one_from_file streets.csv | street | 街道  | map.png      |              |                     |                                    |
|        | note                             | intro  | 说明  |              | welcome.mp3  |                     |                                    |
|        | select_one fruits                | fruit  | 水果  |              |              | search('fruits')    |                                    |
|        | calculate                        | price  |       |              |              |                     | pulldata('prices', 'p', 'k', 'x') |
|        | audio                            | voice  | 录音  |              |              |                     |                                    |
|        | begin_repeat                     | people | 人员  |              |              |                     |                                    |
|        | text                             | pname  | 姓名  |              |              |                     |                                    |
|        | end_repeat                       |        |       |              |              |                     |                                    |
| choices |
|         | list_name | name  | label |
|         | fruits    | apple | 苹果  |
"""


def test_every_referenced_file_is_expected() -> None:
    schema = derive_schema(convert_markdown(MEDIA_FORM).xml)
    assert schema["attachments"] == [
        {"filename": "fruits.csv", "type": "file-csv"},
        {"filename": "map.png", "type": "images"},
        {"filename": "prices.csv", "type": "file-csv"},
        {"filename": "streets.csv", "type": "file-csv"},
        {"filename": "welcome.mp3", "type": "audio"},
    ]
    assert field(schema, "/data/voice")["type"] == "audio"
    assert field(schema, "/data/people/pname")["repeat"] == "/data/people"
    assert schema["repeats"] == ["/data/people"]


def test_a_form_without_translations_keys_labels_by_default() -> None:
    schema = derive_schema(convert_markdown(MEDIA_FORM).xml)
    assert schema["languages"] == ["default"]
    assert field(schema, "/data/fruit")["choices"] == [
        {"value": "apple", "labels": {"default": "苹果"}}
    ]


def test_language_codes_come_from_the_parentheses() -> None:
    assert language_code("Chinese (zh)") == "zh"
    assert language_code("English (en)") == "en"
    assert language_code("Français") == "Français"


def test_the_schema_is_a_pure_function_of_the_xml(hh_visit: dict[str, Any]) -> None:
    xml = convert_form(shipped_form("hh_visit"), file_name="x.xlsx", validate=False).xml
    assert derive_schema(xml) == hh_visit


def test_an_xform_without_an_id_has_no_identity() -> None:
    xml = convert_markdown(MEDIA_FORM).xml.replace(b' id="data"', b"", 1)
    with pytest.raises(XFormError):
        xform_identity(xml)
