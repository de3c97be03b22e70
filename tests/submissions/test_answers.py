"""Answers as people read them (pure): labels in the chosen language with fallbacks, choice
labels, groups and numbered repeats in the form's order, absent questions left out, personal
values masked by the caller's rule, and what an edit changed."""

from __future__ import annotations

from server.accounts.privacy import PersonalData
from server.submissions.answers import (
    Answer,
    Repeat,
    Section,
    changes,
    flatten,
    labelled_answers,
    masked_data,
)

YES_NO = [
    {"value": "yes", "labels": {"zh": "是", "en": "Yes"}},
    {"value": "no", "labels": {"zh": "否", "en": "No"}},
]
SCHEMA = {
    "root": "/data",
    "default_language": "zh",
    "repeats": ["/data/grp/needs"],
    "groups": [
        {"path": "/data/grp", "name": "grp", "labels": {"zh": "诉求", "en": "Needs"}},
        {"path": "/data/grp/needs", "name": "needs", "labels": {"zh": "诉求"}},
    ],
    "fields": [
        {"path": "/data/start", "name": "start", "type": "start", "labels": {}},
        {"path": "/data/intro", "name": "intro", "type": "note", "labels": {"zh": "说明"}},
        {
            "path": "/data/phone",
            "name": "phone",
            "type": "text",
            "labels": {"zh": "电话", "en": "Phone"},
        },
        {
            "path": "/data/flags",
            "name": "flags",
            "type": "select_multiple",
            "labels": {"zh": "特殊人群", "en": "Special groups"},
            "choices": [
                {"value": "dibao", "labels": {"zh": "低保", "en": "Subsistence allowance"}},
                {"value": "retiree", "labels": {"zh": "退休"}},
            ],
        },
        {"path": "/data/where", "name": "where", "type": "geopoint", "labels": {"zh": "位置"}},
        {"path": "/data/skipped", "name": "skipped", "type": "text", "labels": {"zh": "跳过"}},
        {"path": "/data/empty", "name": "empty", "type": "text", "labels": {"zh": "空"}},
        {
            "path": "/data/grp/has",
            "name": "has",
            "type": "select_one",
            "labels": {"zh": "有诉求吗", "en": "Any needs?"},
            "choices": YES_NO,
        },
        {
            "path": "/data/grp/needs/desc",
            "name": "desc",
            "type": "text",
            "labels": {"zh": "内容", "en": "What"},
        },
        {"path": "/data/grp/needs/photo", "name": "photo", "type": "image", "labels": {}},
        {"path": "/data/meta/instanceID", "name": "instanceID", "type": "instanceID"},
    ],
}
DATA = {
    "start": "2026-11-23T09:00:01.123+08:00",
    "intro": "",
    "phone": "13812345678",
    "flags": "dibao retiree unknown",
    "where": "31.2304 121.4737 12.0 5.0",
    "empty": "",
    "grp": {
        "has": "yes",
        "needs": [{"desc": "路灯坏了", "photo": "a.jpg"}, {"desc": "井盖松动", "photo": ""}],
    },
    "meta": {"instanceID": "uuid:1"},
}


def test_answers_in_chinese_in_the_forms_order() -> None:
    answers = labelled_answers(SCHEMA, DATA, language="zh")
    names = [item.name for item in answers.items]
    assert names == ["phone", "flags", "where", "empty", "grp"]  # note, absent: left out
    _phone, flags, where, empty, group = answers.items
    assert isinstance(flags, Answer) and flags.texts == ("低保", "退休", "unknown")
    assert isinstance(where, Answer) and where.text == "31.2304, 121.4737 (±5 m)"
    assert isinstance(empty, Answer) and empty.empty
    assert isinstance(group, Section) and group.label == "诉求"
    has, needs = group.items
    assert isinstance(has, Answer) and has.text == "是"
    assert isinstance(needs, Repeat) and [i.number for i in needs.instances] == [1, 2]
    photo = needs.instances[0].items[1]
    assert isinstance(photo, Answer) and photo.attachment == "a.jpg" and photo.label == "photo"
    assert [m.type for m in answers.metadata] == ["start", "instanceID"]


def test_english_labels_fall_back_to_the_default_language() -> None:
    answers = labelled_answers(SCHEMA, DATA, language="en")
    flags = answers.items[1]
    assert isinstance(flags, Answer)
    assert flags.label == "Special groups"
    assert flags.texts == ("Subsistence allowance", "退休", "unknown")
    assert answers.items[2].label == "位置"


def test_personal_values_pass_through_the_readers_rule() -> None:
    masked = labelled_answers(SCHEMA, DATA, language="zh", mask=PersonalData(False).field)
    assert masked.items[0].text == "138****5678"
    full = labelled_answers(SCHEMA, DATA, language="zh", mask=PersonalData(True).field)
    assert full.items[0].text == "13812345678"
    data = masked_data(DATA, PersonalData(False).field)
    assert data["phone"] == "138****5678" and data["grp"]["needs"][0]["desc"] == "路灯坏了"


def test_an_edit_lists_the_answers_it_changed() -> None:
    before = labelled_answers(SCHEMA, DATA, language="zh")
    edited = {
        **DATA,
        "flags": "dibao",
        "grp": {"has": "yes", "needs": [{"desc": "路灯已修好", "photo": "a.jpg"}]},
    }
    after = labelled_answers(SCHEMA, edited, language="zh")
    assert "/grp/needs[2]/desc" in flatten(before)
    found = {c.key: (c.label, c.before, c.after) for c in changes(before, after)}
    assert found == {
        "/flags": ("特殊人群", "低保、退休、unknown", "低保"),
        "/grp/needs[1]/desc": ("诉求 › 诉求 1 › 内容", "路灯坏了", "路灯已修好"),
        "/grp/needs[2]/desc": ("诉求 › 诉求 2 › 内容", "井盖松动", ""),
    }  # the second need's photo was empty and is now absent: no change
