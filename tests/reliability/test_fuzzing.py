"""Fuzzing the doors that read what outsiders send: the multipart submission handling (whole
requests through the front door), the register import (parse and plan) and the XLSForm upload.
The only acceptable outcomes are success or an error from the catalog; an exception of any
other kind is a bug. Examples are bounded so the file runs in seconds; the submission parser
itself is fuzzed in tests/submissions/test_parsing.py."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from server.accounts.collector_tokens import collector_token_issue
from server.core.errors import GridbookError
from server.core.spreadsheets import SpreadsheetError
from server.grids.importing import LAYOUTS, LayoutError, parse_register_file
from server.grids.register_import import register_import
from server.xforms.models import FormVersion
from server.xforms.services import form_upload
from server.xforms.xlsform import xlsx_from_markdown
from tests.conftest import World
from tests.openrosa.collect import Part, multipart
from tests.openrosa.conftest import photo, visit_xml

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples in every run: CI failures reproduce
)


# ------------------------------------------------------------------ multipart submissions

mutations = st.lists(
    st.tuples(
        st.sampled_from(["cut", "flip", "insert", "delete", "header"]),
        st.integers(min_value=0, max_value=10_000),
        st.binary(min_size=1, max_size=40),
    ),
    min_size=1,
    max_size=4,
)


def mutate(body: bytes, steps: list[tuple[str, int, bytes]]) -> bytes:
    for kind, at, data in steps:
        at = at % max(len(body), 1)
        if kind == "cut":
            body = body[:at]
        elif kind == "flip":
            body = body[:at] + bytes([body[at] ^ data[0]]) + body[at + 1 :] if body else body
        elif kind == "insert":
            body = body[:at] + data + body[at:]
        elif kind == "delete":
            body = body[:at] + body[at + len(data) :]
        else:
            body = body.replace(b"\r\n\r\n", b"\r\n" + data + b"\r\n\r\n", 1)
    return body


@pytest.fixture
def submit_url(world: World) -> str:
    return f"/key/{collector_token_issue(user=world.bob)}/submission"


@FUZZ
@given(steps=mutations)
def test_mangled_multipart_bodies_get_an_answer_never_a_crash(
    client, visit_form: FormVersion, submit_url: str, steps: list[tuple[str, int, bytes]]
) -> None:  # type: ignore[no-untyped-def]
    xml = visit_xml(visit_form, door_photo="door.jpg")
    body, content_type = multipart(xml, [Part("door.jpg", photo(32, 24))])
    client.raise_request_exception = True
    response = client.post(submit_url, data=mutate(body, steps), content_type=content_type)
    assert response.status_code in (201, 400, 404, 409, 413), response.content
    event(str(response.status_code))
    if response.status_code != 201:
        assert response.headers["X-Gridbook-Error"]


@FUZZ
@given(
    boundary=st.text(st.characters(codec="ascii"), max_size=80),
    body=st.binary(max_size=2000),
)
def test_arbitrary_multipart_headers_and_bodies_get_an_answer(
    client, visit_form: FormVersion, submit_url: str, boundary: str, body: bytes
) -> None:  # type: ignore[no-untyped-def]
    content_type = f"multipart/form-data; boundary={boundary}"
    response = client.post(submit_url, data=body, content_type=content_type)
    assert response.status_code in (400, 413), response.content
    assert response.headers["X-Gridbook-Error"]


# ------------------------------------------------------------------ register import

COLUMNS = sorted({key for layout in LAYOUTS.values() for key in layout})
cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["JY", "JY-TY", "CY", "CY1", "XF-1", "XF-1-101", "长源", "grid", "community"]),
    st.sampled_from(["1", "-1", "1e9", "是", "yes", "dibao", "=1+1", "", "renter", "31.2"]),
)


@st.composite
def register_csv(draw: st.DrawFn) -> bytes:
    layout = list(draw(st.sampled_from(list(LAYOUTS.values()))))
    header = draw(st.permutations(layout))[: draw(st.integers(len(layout) // 2, len(layout)))]
    header += draw(st.lists(st.sampled_from(COLUMNS), max_size=2))
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(header) + 1), max_size=6))
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    return buffer.getvalue().encode(encoding, errors="replace")


def run_import(name: str, data: bytes) -> None:
    try:
        parsed = parse_register_file(name, data)
    except (SpreadsheetError, LayoutError) as error:
        event(type(error).__name__)
        return
    try:
        with transaction.atomic():
            report = register_import(parsed=parsed, skip_bad=True)
            transaction.set_rollback(True)
        event("imported" if report.rows_read > report.rows_skipped else "no good rows")
    except GridbookError as error:
        event(error.code)


@FUZZ
@given(data=register_csv())
def test_register_csv_files_import_or_explain(world: World, data: bytes) -> None:
    run_import("r.csv", data)


@FUZZ
@given(data=st.binary(max_size=600), name=st.sampled_from(["r.csv", "r.xlsx", "r.txt"]))
def test_register_bytes_never_crash_the_import(world: World, data: bytes, name: str) -> None:
    run_import(name, data)


# ------------------------------------------------------------------ XLSForm upload

FORM_NAMES = st.sampled_from(["f.xlsx", "f.xls", "f.csv", "f.xml", "f", "f.XLSX"])


def survey_markdown(rows: list[tuple[str, str, str]], form_id: str, version: str) -> str:
    lines = ["| survey |", "| | type | name | label |"]
    lines += [f"| | {kind} | {name} | {label} |" for kind, name, label in rows]
    lines += ["| settings |", "| | form_id | version |", f"| | {form_id} | {version} |"]
    return "\n".join(lines)


cell = st.text(st.characters(exclude_characters="|", exclude_categories=["Cs", "Cc"]), max_size=10)
types = st.sampled_from(["text", "integer", "begin group", "end group", "select_one x", "image",
                         "calculate", "note", "begin repeat", "end repeat", "bogus", ""])  # fmt: skip


names = st.one_of(st.sampled_from(["q1", "q2", "g", "r", "x", "1bad", "名字", "a b"]), cell)


@FUZZ
@given(
    rows=st.lists(st.tuples(types, names, cell), max_size=6),
    form_id=st.one_of(cell, st.just("ok")),
    version=st.one_of(cell, st.just("1")),
)
def test_generated_xlsforms_convert_or_explain(
    world: World, rows: list[tuple[str, str, str]], form_id: str, version: str
) -> None:
    data = xlsx_from_markdown(survey_markdown(rows, form_id, version))
    try:
        with transaction.atomic():
            form_upload(data=data, file_name="f.xlsx", user=world.dave, validate=False)
            transaction.set_rollback(True)
        event("converted")
    except GridbookError as error:
        event(error.code)


def random_zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members:
            archive.writestr(name or "x", content)
    return buffer.getvalue()


@FUZZ
@given(
    data=st.one_of(
        st.binary(max_size=600),
        st.lists(
            st.tuples(
                st.sampled_from(
                    ["xl/workbook.xml", "[Content_Types].xml", "xl/worksheets/sheet1.xml", "a"]
                ),
                st.binary(max_size=200),
            ),
            max_size=4,
        ).map(random_zip),
        st.text(max_size=300).map(lambda text: text.encode("utf-8")),
    ),
    name=FORM_NAMES,
)
def test_arbitrary_form_files_convert_or_explain(world: World, data: bytes, name: str) -> None:
    try:
        with transaction.atomic():
            form_upload(data=data, file_name=name, user=world.dave, validate=False)
            transaction.set_rollback(True)
        event("converted")
    except GridbookError as error:
        event(error.code)
