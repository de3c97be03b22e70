"""XLSX (typed cells, a sheet per repeat, split past the row limit, formulas neutralised),
the photo ZIP named by answer (optionally inside the CSV ZIP), and GeoJSON points."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from zipstream import ZipStream

from server.core.storage import exports_storage
from server.exports.layout import Column
from server.exports.writers import XlsxTables, store_stream
from tests.conftest import World
from tests.exports.conftest import Need, Send
from tests.exports.support import file_bytes, run_export, zip_members


def test_xlsx_has_a_sheet_per_repeat_and_typed_cells(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    submission = send(members="4", opinions="-rm -rf", needs=(Need("health", "高血压随访"),))
    job = run_export(
        django_capture_on_commit_callbacks, world.alice, format="xlsx", options={"language": "en"}
    )
    assert job.file_name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(file_bytes(job)), read_only=True)
    assert book.sheetnames == ["hh_visit", "hh_visit-needs"]
    rows = list(book["hh_visit"].iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    cell = dict(zip(header, row, strict=True))
    assert cell["People living here"] == 4
    assert cell["Next visit"] == datetime(
        2026, 12, 20
    )  # a date cell (openpyxl reads dates as datetimes)
    assert isinstance(cell["Submission date"], datetime)
    assert cell["Location-Latitude"] == 30.5728
    assert cell["Opinions"] == "'-rm -rf"
    assert cell["Outcome"] == "Met"
    need_header, need_row = list(book["hh_visit-needs"].iter_rows(values_only=True))
    need = dict(zip(need_header, need_row, strict=True))
    assert need["Category"] == "Health" and need["PARENT_KEY"] == submission.instance_id


def test_a_table_past_the_sheet_row_limit_continues_on_a_new_sheet(tmp_path: Path) -> None:
    columns = [
        Column("n", "system", type="integer", system="n"),
        Column("text", "system", system="t"),
    ]
    writer = XlsxTables(tmp_path / "big.xlsx", ZoneInfo("Asia/Shanghai"), max_rows=4)
    writer.add_table("visits", columns)
    for number in range(7):
        writer.write("visits", [number, f"={number}"])
    writer.close()
    book = load_workbook(tmp_path / "big.xlsx", read_only=True)
    assert book.sheetnames == ["visits", "visits (2)", "visits (3)"]
    values = [
        row for name in book.sheetnames for row in list(book[name].iter_rows(values_only=True))[1:]
    ]
    assert [row[0] for row in values] == list(range(7))
    assert values[0][1] == "'=0"  # text that looks like a formula stays text


def test_photos_are_named_by_answer(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send(
        door_photo="1763859601123.jpg",
        photos=("1763859601123.jpg", "1763859609999.jpg"),
        needs=(Need("repair", "漏水", "1763859609999.jpg"),),
    )
    send(household="XF-1-101", door_photo="1763859700000.jpg", photos=("1763859700000.jpg",))
    job = run_export(django_capture_on_commit_callbacks, world.alice, format="media_zip")
    names = sorted(zip_members(job))
    day = "20261123"  # the visit's start on the phone, not the day it was received
    assert names == sorted(
        [
            f"CY1_XF-1-101_{day}_door_photo_1.jpg",
            f"CY1_XF-1-101_{day}_door_photo_2.jpg",
            f"CY1_XF-1-101_{day}_need_photo_1.jpg",
        ]
    )
    assert all(zip_members(job)[name][:2] == b"\xff\xd8" for name in names)  # JPEG bytes
    assert job.rows_done == 3


def test_photos_inside_the_csv_zip(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send(door_photo="a.jpg", photos=("a.jpg",))
    job = run_export(
        django_capture_on_commit_callbacks, world.alice, options={"include_media": True}
    )
    names = set(zip_members(job))
    assert "hh_visit.csv" in names
    assert any(
        name.startswith("media/CY1_XF-1-101_") and name.endswith("_door_photo_1.jpg")
        for name in names
    )


def test_a_hostile_household_answer_cannot_escape_the_zip_folder(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send(household="../../etc/passwd", door_photo="a.jpg", photos=("a.jpg",))
    job = run_export(django_capture_on_commit_callbacks, world.alice, format="media_zip")
    (name,) = zip_members(job)
    assert "/" not in name and "\\" not in name and not name.startswith(".")


def test_geojson_has_one_point_per_located_visit(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    located = send(location="30.5 104.1 0 8")
    send(household="XF-1-102", location="")
    job = run_export(
        django_capture_on_commit_callbacks,
        world.alice,
        format="geojson",
        options={"language": "names"},
    )
    collection = json.loads(file_bytes(job))
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [104.1, 30.5]}
    assert feature["properties"]["KEY"] == located.instance_id
    assert feature["properties"]["GridCode"] == "CY1"
    assert feature["properties"]["household"] == "XF-1-101"


def test_a_zip_streams_to_storage_without_a_local_copy() -> None:
    produced = []

    def chunks():
        for number in range(50):
            block = bytes([number]) * 100_000
            produced.append(len(block))
            yield block

    stream = ZipStream()
    stream.add(chunks(), "big.bin")
    key, size = store_stream(exports_storage(), "tests/stream.zip", iter(stream))
    try:
        with exports_storage().open(key, "rb") as handle:
            data = handle.read()
        assert size == len(data) and sum(produced) == 5_000_000
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.read("big.bin")[:3] == b"\x00\x00\x00"
    finally:
        exports_storage().delete(key)


def test_today_is_a_date_cell_type() -> None:
    from server.exports.cells import DATE, typed, xlsx_kinds

    (kind,) = xlsx_kinds([Column("d", "field", names=("d",), type="date")])
    assert kind == DATE
    assert typed("2026-11-23", kind, ZoneInfo("Asia/Shanghai")) == date(2026, 11, 23)
    assert typed("not a date", kind, ZoneInfo("Asia/Shanghai")) == "not a date"
    assert typed("=1", kind, ZoneInfo("Asia/Shanghai")) == "'=1"


def test_a_stream_that_fails_midway_stores_nothing() -> None:
    def chunks():
        yield b"x" * 2_000_000
        raise RuntimeError("cancelled")

    try:
        store_stream(exports_storage(), "tests/broken.zip", chunks())
    except RuntimeError as error:
        assert str(error) == "cancelled"
    else:
        raise AssertionError("the failure was swallowed")
    assert not exports_storage().exists("tests/broken.zip")


def test_a_sheet_past_4_gb_is_stored_with_zip64_and_a_small_one_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A million-row sheet's XML passes 4 GB: its ZIP entry then needs ZIP64 (Excel 2010+
    opens it). The limit is lowered here so a small sheet stands in for a huge one."""
    columns = [Column("n", "system", type="integer", system="n")]
    for name, limit in (("small", zipfile.ZIP64_LIMIT), ("huge", 100)):
        monkeypatch.setattr(zipfile, "ZIP64_LIMIT", limit)
        writer = XlsxTables(tmp_path / f"{name}.xlsx", ZoneInfo("Asia/Shanghai"))
        writer.add_table("t", columns)
        for number in range(50):
            writer.write("t", [number])
        writer.close()
        monkeypatch.undo()
        with zipfile.ZipFile(tmp_path / f"{name}.xlsx") as package:
            sheet = package.getinfo("xl/worksheets/sheet1.xml")
        # ZIP64's extra field (header id 0x0001) is in the entry's record only when needed
        assert (sheet.extra[:2] == b"\x01\x00") is (name == "huge")
        assert load_workbook(tmp_path / f"{name}.xlsx")["t"]["A51"].value == 49
