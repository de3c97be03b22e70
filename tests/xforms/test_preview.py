"""The question preview: the schema's fields as a tree in the form's order, groups and
repeats holding their questions, labels Chinese first, expressions written with ${name},
constraints with their messages, choices, list files, and the phone's own metadata apart."""

from __future__ import annotations

from server.xforms.preview import (
    Group,
    Question,
    form_preview,
    ordered_languages,
    readable_expression,
    texts,
)
from server.xforms.schema import derive_schema
from server.xforms.xlsform import convert_markdown
from tests.web.forms_support import visit_form


def schema() -> dict:
    return derive_schema(convert_markdown(visit_form()).xml)


def test_the_schema_keeps_constraints_their_messages_and_calculations() -> None:
    fields = {field["name"]: field for field in schema()["fields"]}
    assert fields["members"]["constraint"] == ". >= 0 and . <= 20"
    assert fields["members"]["constraint_message"] == {
        "zh": "人数应在0到20之间",
        "en": "Between 0 and 20",
    }
    assert fields["needs_count"]["calculation"] == "count( /data/grp_needs/needs )"
    assert fields["household"]["constraint"] is None
    assert fields["household"]["constraint_message"] == {}


def test_groups_and_repeats_hold_their_questions_in_the_forms_order() -> None:
    preview = form_preview(schema())

    def outline(items: list) -> list:
        return [
            (item.name, outline(item.children)) if isinstance(item, Group) else item.name
            for item in items
        ]

    assert outline(preview.items) == [
        "welcome",
        ("grp_hh", ["household", "members"]),
        ("grp_needs", ["has_needs", ("needs", ["need_desc", "need_photo"])]),
        "needs_count",
    ]
    grp_needs = preview.items[2]
    assert isinstance(grp_needs, Group) and not grp_needs.is_repeat
    needs = grp_needs.children[1]
    assert isinstance(needs, Group) and needs.is_repeat
    assert needs.relevant == "${has_needs} = 'yes'"
    assert grp_needs.relevant is None
    assert preview.question_count == 7
    assert preview.metadata == ["instanceID"]


def test_a_question_says_what_a_designer_checks() -> None:
    items = form_preview(schema()).items
    household, members = items[1].children
    assert isinstance(household, Question)
    assert household.labels == [("zh", "住户（单元-房号）"), ("en", "Household (room)")]
    assert household.hints == [("zh", "输入房号查找"), ("en", "Type the room number")]
    assert (household.type, household.file, household.required) == (
        "select_one_from_file",
        "households.csv",
        True,
    )
    assert members.constraint == ". >= 0 and . <= 20"
    assert members.constraint_message == [("zh", "人数应在0到20之间"), ("en", "Between 0 and 20")]
    has_needs = items[2].children[0]
    assert [(choice.value, choice.labels) for choice in has_needs.choices] == [
        ("yes", [("zh", "是"), ("en", "Yes")]),
        ("no", [("zh", "否"), ("en", "No")]),
    ]
    calculation = items[3]
    assert calculation.calculation == "count( ${needs} )"
    assert not calculation.on_screen and household.on_screen


def test_expressions_name_questions_as_designers_write_them() -> None:
    names = {"/data/grp_hh/members": "members", "/data/grp_hh/elderly": "elderly"}
    assert (
        readable_expression(". >= 0 and . <=  /data/grp_hh/members ", names)
        == ". >= 0 and . <= ${members}"
    )
    assert readable_expression("../need_handling = 'x'", names) == "../need_handling = 'x'"
    assert readable_expression("/data/unknown > 1", names) == "/data/unknown > 1"
    assert readable_expression(None, names) is None


def test_chinese_comes_first_then_english_then_the_others() -> None:
    assert ordered_languages(["en", "fr", "zh"]) == ["zh", "en", "fr"]
    assert ordered_languages(["default"]) == ["default"]
    assert texts({"en": "Name", "zh": "姓名", "fr": "Nom"}, ["zh", "en"]) == [
        ("zh", "姓名"),
        ("en", "Name"),
        ("fr", "Nom"),
    ]
    assert texts({"zh": ""}, ["zh"]) == []


def test_a_group_without_questions_stays_visible_and_a_stored_schema_without_rules_reads() -> None:
    old_schema = {
        "root": "/data",
        "languages": ["default"],
        "groups": [
            {"path": "/data/intro", "name": "intro", "labels": {"default": "Intro"}},
            {"path": "/data/empty", "name": "empty", "labels": {}},
        ],
        "fields": [
            {
                "path": "/data/intro/name",
                "name": "name",
                "type": "text",
                "labels": {"default": "Name"},
            }
        ],
    }
    preview = form_preview(old_schema)
    assert [item.name for item in preview.items] == ["intro", "empty"]
    name = preview.items[0].children[0]
    assert name.constraint is None and name.constraint_message == []
