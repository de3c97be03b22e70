"""Converting uploads: errors say sheet, row and column in the reader's language and change
nothing; warnings are kept; ODK Validate checks forms when Java is there; files that are
not forms are refused before any parser sees them."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import override_settings
from django.utils import translation

from server.xforms.problems import Problem
from server.xforms.xlsform import (
    ConversionFailed,
    ValidatorUnavailable,
    convert_form,
    convert_markdown,
    xlsx_from_markdown,
)
from tests.xforms.conftest import SHIPPED, shipped_form, simple_form


def failure(md: str, *, validate: bool = False, as_xlsx: bool = False) -> Problem:
    with pytest.raises(ConversionFailed) as raised:
        if as_xlsx:
            convert_form(xlsx_from_markdown(md), file_name="form.xlsx", validate=validate)
        else:
            convert_markdown(md, validate=validate)
    assert len(raised.value.problems) == 1
    return raised.value.problems[0]


DUPLICATE_NAME = """
| survey |
|        | type | name | label |
|        | text | a    | A     |
|        | text | a    | B     |
"""


def test_a_duplicate_name_is_reported_with_sheet_row_and_column() -> None:
    problem = failure(DUPLICATE_NAME, as_xlsx=True)
    assert (problem.code, problem.sheet, problem.row, problem.column) == (
        "duplicate_name",
        "survey",
        3,
        "name",
    )
    assert problem.value == "a"


def test_messages_are_in_the_readers_language() -> None:
    problem = failure(DUPLICATE_NAME)
    with translation.override("zh-hans"):
        chinese = problem.message
    with translation.override("en"):
        english = problem.message
    assert chinese.startswith("survey 工作表第 3 行（name 列）") and "“a”" in chinese
    assert english.startswith("Sheet 'survey', row 3, column 'name':")
    assert "used more than once" in english


def test_an_unknown_reference_names_the_column_and_the_reference() -> None:
    problem = failure(
        """
| survey |
|        | type | name | label | relevant  |
|        | text | a    | A     |           |
|        | text | b    | B     | ${zz}='1' |
"""
    )
    assert (problem.code, problem.row, problem.column, problem.value) == (
        "unknown_reference",
        3,
        "relevant",
        "zz",
    )


def test_an_unmatched_group_points_at_its_begin_row() -> None:
    problem = failure(
        """
| survey |
|        | type        | name | label |
|        | text        | a    | A     |
|        | begin_group | g    | G     |
|        | text        | b    | B     |
"""
    )
    assert (problem.code, problem.row, problem.value, problem.kind) == (
        "unmatched_begin",
        3,
        "g",
        "group",
    )


def test_rows_pyxform_does_not_give_are_found_in_the_sheet() -> None:
    unknown_type = failure(
        """
| survey |
|        | type     | name | label |
|        | text     | a    | A     |
|        | text     | b    | B     |
|        | integr   | c    | C     |
""",
        as_xlsx=True,
    )
    assert (unknown_type.code, unknown_type.row, unknown_type.column) == ("unknown_type", 4, "type")
    no_label = failure(
        """
| survey |
|        | type | name | label |
|        | text | a    | A     |
|        | text | b    |       |
"""
    )
    assert (no_label.code, no_label.row, no_label.value) == ("no_label", 3, "b")


def test_odk_validate_errors_point_at_the_question(java: None) -> None:
    problem = failure(
        """
| survey |
|        | type | name | label | relevant     |
|        | text | a    | A     |              |
|        | text | b    | B     | ${a} = = 'x' |
""",
        validate=True,
    )
    assert problem.code == "odk_validate"
    assert problem.row == 3
    with translation.override("en"):
        assert "ODK Validate" in problem.message and "${b}" in problem.message


def test_warnings_are_kept_with_their_rows() -> None:
    conversion = convert_markdown(
        """
| survey |
|        | type  | name  | label |
|        | text  | a     | A     |
|        | image | photo | Photo |
"""
    )
    codes = {(problem.code, problem.row) for problem in conversion.warnings}
    assert ("max_pixels", 3) in codes


def test_the_shipped_forms_convert_cleanly_and_pass_odk_validate(java: None) -> None:
    for form_id in SHIPPED:
        conversion = convert_form(shipped_form(form_id), file_name=f"{form_id}.xlsx")
        assert conversion.validated, form_id
        assert conversion.warnings == (), form_id
        assert conversion.xml.startswith(b"<?xml")


def test_without_java_a_form_is_accepted_with_a_visible_note(no_java: None) -> None:
    conversion = convert_form(xlsx_from_markdown(simple_form()), file_name="simple.xlsx")
    assert not conversion.validated
    notes = [problem for problem in conversion.warnings if problem.code.startswith("not_valid")]
    assert [note.code for note in notes] == ["not_validated_java"]
    with translation.override("zh-hans"):
        assert "ODK Validate" in notes[0].message and "Java" in notes[0].message


@override_settings(GRIDBOOK_ODK_VALIDATE="required")
def test_a_server_that_requires_validation_refuses_forms_without_java(no_java: None) -> None:
    with pytest.raises(ValidatorUnavailable):
        convert_form(xlsx_from_markdown(simple_form()), file_name="simple.xlsx")


@override_settings(GRIDBOOK_ODK_VALIDATE="off")
def test_validation_can_be_switched_off() -> None:
    conversion = convert_form(xlsx_from_markdown(simple_form()), file_name="simple.xlsx")
    assert not conversion.validated
    assert "not_validated_off" in {problem.code for problem in conversion.warnings}


def zip_bytes(members: dict[str, bytes]) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return stream.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (zip_bytes({"xl/workbook.xml": b"\0" * (64 * 1024 * 1024)}), "bomb.xlsx", "unreadable"),
        (zip_bytes({"word/document.xml": b"<w/>"}), "letter.xlsx", "not_workbook"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "photo.xlsx", "not_workbook"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "photo.csv", "not_text"),
        (b"%PDF-1.7 ...", "form.pdf", "unsupported_type"),
        (b"hello", "form", "unsupported_type"),
    ],
)
def test_files_that_are_not_forms_are_refused_before_parsing(
    data: bytes, name: str, code: str
) -> None:
    with pytest.raises(ConversionFailed) as raised:
        convert_form(data, file_name=name, validate=False)
    assert [problem.code for problem in raised.value.problems] == [code]


def test_a_workbook_saved_with_the_wrong_extension_is_read_as_what_it_is() -> None:
    conversion = convert_form(
        xlsx_from_markdown(simple_form()), file_name="simple.xls", validate=False
    )
    assert conversion.file_type == ".xlsx"


def test_a_gbk_csv_from_chinese_excel_converts() -> None:
    csv_text = (
        "survey,,,\n,type,name,label\n,text,name,姓名\n"
        "settings,,,\n,form_id,version,form_title\n,gbk_form,1,中文表单\n"
    )
    conversion = convert_form(csv_text.encode("gb18030"), file_name="form.csv", validate=False)
    assert "姓名".encode() in conversion.xml and "中文表单".encode() in conversion.xml


def test_an_xform_upload_is_kept_byte_for_byte() -> None:
    xml = convert_markdown(simple_form()).xml
    conversion = convert_form(xml, file_name="simple.xml", validate=False)
    assert conversion.xml == xml


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><h:html xmlns:h="http://www.w3.org/1999/xhtml">&e;</h:html>',
        b"<h:html xmlns:h='http://www.w3.org/1999/xhtml'><h:head/></h:html>",
        b"<html><unclosed></html>",
    ],
)
def test_an_xml_that_is_not_a_safe_xform_is_refused(xml: bytes) -> None:
    with pytest.raises(ConversionFailed) as raised:
        convert_form(xml, file_name="form.xml", validate=False)
    assert [problem.code for problem in raised.value.problems] == ["not_xform"]


def test_an_uploaded_xform_that_javarosa_rejects_is_refused(java: None) -> None:
    xml = convert_markdown(simple_form()).xml.replace(
        b'type="string"', b'type="string" relevant="(("', 1
    )
    with pytest.raises(ConversionFailed) as raised:
        convert_form(xml, file_name="form.xml", validate=True)
    assert raised.value.problems[0].code == "odk_validate"
    assert "/data/name" in raised.value.problems[0].value
    assert "mismatched" in raised.value.problems[0].value.lower()
