"""The submission parser reads Collect's output (XML declaration, namespaced root,
``orx:meta``) and ODK Web Forms' (no declaration, no namespace) the same way, turns the
instance into JSON nested like it (repeats always lists, absent nodes absent), and refuses
anything that is not plain XML: DTDs, entities, external references."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies

from server.submissions.parsing import (
    ParseError,
    file_references,
    instance_data,
    parse_envelope,
    parse_time,
)

REPEATS = frozenset({"/data/grp_needs/needs"})
FILES = frozenset({"/data/door_photo", "/data/grp_needs/needs/need_photo"})

COLLECT_XML = """<?xml version='1.0' ?><data id="hh_visit" version="2026112301"
 xmlns="http://opendatakit.org/submissions" xmlns:jr="http://openrosa.org/javarosa"
 xmlns:orx="http://openrosa.org/xforms"><start>2026-11-23T09:00:01.123+08:00</start>
<end>2026-11-23T09:12:45.5+08:00</end><grp_id><grid>CY1</grid><household>XF-1-101</household>
</grp_id><door_photo>1763859601123.jpg</door_photo><grp_needs><needs><need_category>repair</need_category>
<need_photo>门牌 "旧".jpg</need_photo></needs></grp_needs><empty/>
<orx:meta><orx:instanceID>uuid:6c0a1b4e-4d7e-4d3a-9f4b-2f1a9b1e2c01</orx:instanceID>
<orx:instanceName>CY1-王**</orx:instanceName></orx:meta></data>""".encode()

WEB_FORMS_XML = (
    b'<data id="hh_visit" version="2026112301"><grp_id><grid>CY1</grid></grp_id>'
    b"<grp_needs><needs><need_category>eldercare</need_category></needs>"
    b"<needs><need_category>repair</need_category></needs></grp_needs>"
    b"<meta><instanceID>uuid:1</instanceID><deprecatedID>uuid:0</deprecatedID></meta></data>"
)


def test_collect_output_reads_by_local_names() -> None:
    envelope = parse_envelope(COLLECT_XML)
    assert envelope.form_id == "hh_visit"
    assert envelope.version == "2026112301"
    assert envelope.instance_id == "uuid:6c0a1b4e-4d7e-4d3a-9f4b-2f1a9b1e2c01"
    assert envelope.instance_name == "CY1-王**"
    assert envelope.deprecated_id == ""
    data = instance_data(envelope, REPEATS)
    assert data["grp_id"] == {"grid": "CY1", "household": "XF-1-101"}
    assert data["meta"]["instanceID"] == envelope.instance_id
    assert data["empty"] == ""


def test_a_single_repeat_row_is_still_a_list_and_absent_nodes_stay_absent() -> None:
    data = instance_data(parse_envelope(COLLECT_XML), REPEATS)
    assert data["grp_needs"]["needs"] == [
        {"need_category": "repair", "need_photo": '门牌 "旧".jpg'}
    ]
    assert "hazard_photo" not in data


def test_web_forms_output_reads_the_same_way() -> None:
    envelope = parse_envelope(WEB_FORMS_XML)
    assert (envelope.form_id, envelope.instance_id, envelope.deprecated_id) == (
        "hh_visit",
        "uuid:1",
        "uuid:0",
    )
    data = instance_data(envelope, REPEATS)
    assert [row["need_category"] for row in data["grp_needs"]["needs"]] == ["eldercare", "repair"]


def test_the_files_a_submission_names_come_from_its_file_fields() -> None:
    references = file_references(parse_envelope(COLLECT_XML), FILES)
    assert [(ref.name, ref.field_path) for ref in references] == [
        ("1763859601123.jpg", "/data/door_photo"),
        ('门牌 "旧".jpg', "/data/grp_needs/needs/need_photo"),
    ]


def test_an_encrypted_submission_names_its_encrypted_files() -> None:
    xml = (
        b'<data id="f" version="1" encrypted="yes" xmlns="http://opendatakit.org/submissions">'
        b"<base64EncryptedKey>abc</base64EncryptedKey>"
        b'<orx:meta xmlns:orx="http://openrosa.org/xforms"><orx:instanceID>uuid:e</orx:instanceID></orx:meta>'
        b"<media><file>1.jpg.enc</file></media><encryptedXmlFile>submission.xml.enc</encryptedXmlFile>"
        b"</data>"
    )
    envelope = parse_envelope(xml)
    assert envelope.encrypted
    names = [ref.name for ref in file_references(envelope, frozenset())]
    assert names == ["1.jpg.enc", "submission.xml.enc"]


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        (b"", "empty"),
        (b"not xml at all", "not_xml"),
        (b"\x89PNG\r\n\x1a\n", "not_xml"),
        (b"<data><meta><instanceID>uuid:1</instanceID></meta></data>", "no_form_id"),
        (b'<data id="f"><meta><instanceID> </instanceID></meta></data>', "no_instance_id"),
        (b'<data id="f"></data>', "no_instance_id"),
        (b'<data id="f"><meta><instanceID>uuid:1</instanceID></meta>', "not_xml"),
    ],
)
def test_unreadable_submissions_are_refused_with_a_reason(xml: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_envelope(xml)
    assert raised.value.reason == reason


def test_external_entities_are_never_resolved() -> None:
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<data id="f"><a>&x;</a><meta><instanceID>uuid:1</instanceID></meta></data>'
    )
    with pytest.raises(ParseError) as raised:
        parse_envelope(xml)
    assert raised.value.reason in ("doctype", "not_xml")


def test_entity_expansion_bombs_are_refused() -> None:
    entities = "".join(
        f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10 if i else "lol"}">' for i in range(10)
    )
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE data [{entities}]><data id="f"><a>&e9;</a>'
        f"<meta><instanceID>uuid:1</instanceID></meta></data>"
    ).encode()
    with pytest.raises(ParseError):
        parse_envelope(xml)


def test_oversized_xml_is_refused_before_parsing() -> None:
    with pytest.raises(ParseError) as raised:
        parse_envelope(b"<data>" + b" " * 10_000_001 + b"</data>")
    assert raised.value.reason == "too_large"


def test_start_and_end_are_read_with_any_fraction_and_an_offset() -> None:
    assert parse_time("2026-11-24T00:48:34.92+08:00") is not None
    assert parse_time("2026-11-24T00:48:34.852+08:00").utcoffset().total_seconds() == 8 * 3600
    assert parse_time("2026-11-24T00:48:34") is None  # no offset: not trusted
    assert parse_time("yesterday") is None
    assert parse_time(None) is None


@settings(max_examples=200, deadline=None)
@given(strategies.binary(max_size=400))
def test_arbitrary_bytes_never_crash_the_parser(data: bytes) -> None:
    try:
        envelope = parse_envelope(data)
    except ParseError:
        return
    instance_data(envelope, REPEATS)
    file_references(envelope, FILES)


@settings(max_examples=100, deadline=None)
@given(strategies.text(alphabet=strategies.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_answer_text_survives_the_round_trip(text: str) -> None:
    from xml.sax.saxutils import escape

    cleaned = "".join(ch for ch in text if ch in "\t\n" or ch >= " ")
    cleaned = "".join(ch for ch in cleaned if ch not in "\ufffe\uffff")
    xml = (
        f'<data id="f"><q>{escape(cleaned)}</q><meta><instanceID>uuid:1</instanceID></meta></data>'
    ).encode()
    assert instance_data(parse_envelope(xml), frozenset())["q"] == cleaned.replace("\r", "\n")
