"""Hostile and broken files uploaded by people: XLSForms (web page and API) and register
imports. Each is refused with a message in the page's language that says why, and leaves
every table and storage as it was."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import World
from tests.reliability.catalog import catalog_pattern
from tests.reliability.snapshot import assert_unchanged, snapshot


def zip_bomb() -> bytes:
    """A 300 KB workbook-looking archive that would expand to 300 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    return buffer.getvalue()


def many_members() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(10_001):
            archive.writestr(f"x/{index}", b"")
    return buffer.getvalue()


JPEG_HEADER = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
XXE_XFORM = (
    b'<?xml version="1.0"?><!DOCTYPE h:html [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<h:html xmlns:h="http://www.w3.org/1999/xhtml"><h:head><h:title>&x;</h:title>'
    b"</h:head></h:html>"
)
ZIP_BOMB = zip_bomb()

# name -> (file name, bytes, words that must appear in Chinese, in English)
FORM_FILES = {
    "zip bomb": ("bomb.xlsx", ZIP_BOMB, "解压后将达到", "would expand to"),
    "a JPEG named .xlsx": ("photo.xlsx", JPEG_HEADER, "不是 Excel 工作簿", "not an Excel workbook"),
    "random bytes named .xls": ("old.xls", b"\x00\x01garbage" * 50, "不是 Excel", "not an Excel"),
    "an XForm with an external entity": ("form.xml", XXE_XFORM, "DOCTYPE", "DOCTYPE"),
    "a PDF": ("form.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "不是表单", ".pdf"),
}


def upload_page(client: Client, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post("/forms/", {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", list(FORM_FILES), ids=list(FORM_FILES))
def test_bad_form_files_on_the_page_are_refused_in_the_readers_language(
    world: World, signed_in, case: str, language: str
) -> None:
    name, data, zh_words, en_words = FORM_FILES[case]
    client = signed_in(world.dave, language)
    before = snapshot()
    response = upload_page(client, name, data)
    assert response.status_code == 400
    page = response.content.decode()
    words = zh_words if language == "zh-hans" else en_words
    assert words in page
    assert ("问卷未加载" if language == "zh-hans" else "not loaded") in page
    assert_unchanged(before)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", list(FORM_FILES), ids=list(FORM_FILES))
def test_bad_form_files_on_the_api_are_refused_with_a_json_error(
    world: World, signed_in, case: str, language: str
) -> None:
    name, data, zh_words, en_words = FORM_FILES[case]
    client = signed_in(world.dave, language)
    before = snapshot()
    response = client.post(
        "/api/v1/forms/",
        {"file": SimpleUploadedFile(name, data)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "form_not_converted"
    assert catalog_pattern("form_not_converted", language).fullmatch(body["message"])
    problems = " ".join(problem["message"] for problem in body["details"]["problems"])
    assert (zh_words if language == "zh-hans" else en_words) in problems
    assert_unchanged(before)


REGISTER_FILES = {
    "zip bomb": ("register.xlsx", ZIP_BOMB, "解压后将达到", "would expand to"),
    "too many members": ("register.xlsx", many_members(), "文件过多", "too many files"),
    "a JPEG named .xlsx": ("register.xlsx", JPEG_HEADER, "XLSX", "not an XLSX"),
    "binary named .csv": ("register.csv", b"a,b\n\x00\x00\x00\n", "NUL", "NUL"),
    "not UTF-8 nor GBK": ("register.csv", b"\xff\xfe\xfa\xfb" * 100, "UTF-8", "UTF-8"),
    "a Word file": ("register.docx", b"PK\x03\x04", ".csv", ".csv"),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", list(REGISTER_FILES), ids=list(REGISTER_FILES))
def test_bad_register_files_are_refused_in_the_readers_language(
    world: World, signed_in, case: str, language: str
) -> None:
    name, data, zh_words, en_words = REGISTER_FILES[case]
    client = signed_in(world.admin, language)
    before = snapshot()
    response = client.post(
        "/import/register/",
        {"file": SimpleUploadedFile(name, data), "source": "import_police"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (zh_words if language == "zh-hans" else en_words) in page, page[-3000:]
    if language == "zh-hans":  # the reason is translated too, not only the sentence around it
        assert "would expand" not in page and "not a zip file" not in page.lower()
    assert_unchanged(before)
