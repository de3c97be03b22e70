"""The streaming XLSX writer (server/exports/xlsx.py): every part is well-formed XML, and what
a spreadsheet program reads back (openpyxl here) is what was written, typed."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from server.exports.layout import Column
from server.exports.xlsx import CELL_MAX_CHARS, XlsxTables, column_letter

SHANGHAI = ZoneInfo("Asia/Shanghai")
COLUMNS = [
    Column("名称 Name", "field", type="text", names=("name",)),
    Column("Members", "field", type="integer", names=("members",)),
    Column("Visit date", "field", type="date", names=("visit_date",)),
    Column("Started", "field", type="start", names=("start",)),
    Column("Received", "system", system="received_at"),
]


def _book(tmp_path: Path, rows: list[list[object]], **options: object) -> Path:
    path = tmp_path / "book.xlsx"
    writer = XlsxTables(path, SHANGHAI, **options)  # type: ignore[arg-type]
    writer.add_table("visits", COLUMNS, print_title="长源社区 & 滨河社区")
    for row in rows:
        writer.write("visits", row)
    writer.close()
    return path


def test_every_part_is_well_formed_xml_and_the_temporary_sheets_are_gone(
    tmp_path: Path,
) -> None:
    path = _book(tmp_path, [["a\x00b\x1fc", "3", "2026-03-01", "", ""]])
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        for name in names:
            ElementTree.fromstring(package.read(name))  # raises on malformed XML
    assert "[Content_Types].xml" in names and "xl/worksheets/sheet1.xml" in names
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


def test_cells_are_typed_and_text_reads_back_as_written(tmp_path: Path) -> None:
    received = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai
    rows = [
        ["王秀英", "4", "2026-03-01", "2026-03-01T09:15:00.000+08:00", received],
        ["  spaced  ", "-2", "not a date", "", ""],
        ["=1+1", "x", "", "", ""],
        ["a & b < c > d", "2.5", "", "", ""],
        ["_x0041_ stays literal", "", "", "", ""],
        ["tab\there\nline", "", "", "", ""],
    ]
    sheet = load_workbook(_book(tmp_path, rows))["visits"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0] == [
        "王秀英",
        4,
        datetime(2026, 3, 1),
        datetime(2026, 3, 1, 9, 15),
        datetime(2026, 3, 1, 10, 30),
    ]
    assert sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert values[1][:3] == ["  spaced  ", -2, "not a date"]
    assert values[2][:2] == ["'=1+1", "x"]
    assert values[3][:2] == ["a & b < c > d", 2.5]
    # Excel reads "_xHHHH_" in text as an escaped character: a literal one is written with
    # its underscore escaped (Excel shows "_x0041_ stays literal"; openpyxl does not decode)
    assert values[4][0] == "_x005F_x0041_ stays literal"
    assert values[5][0] == "tab\there\nline"


def test_forbidden_characters_are_dropped_and_long_text_is_cut_at_excels_limit(
    tmp_path: Path,
) -> None:
    long = "长" * (CELL_MAX_CHARS + 10)
    sheet = load_workbook(_book(tmp_path, [["a\x00b\x08c\x1bd", "", "", "", ""], [long]]))["visits"]
    assert sheet["A2"].value == "abcd"
    assert sheet["A3"].value == "长" * CELL_MAX_CHARS


def test_the_header_is_bold_frozen_and_printed_on_every_page(tmp_path: Path) -> None:
    path = _book(tmp_path, [["x"]])
    book = load_workbook(path)
    sheet = book["visits"]
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    assert sheet["A1"].font.bold and sheet["A1"].fill.fgColor.rgb == "FFEEF2F7"
    assert sheet.freeze_panes == "A2"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.oddHeader.center.text == "长源社区 && 滨河社区"
    assert sheet.column_dimensions["A"].width > 8


def test_sheet_names_are_made_safe_short_and_unique(tmp_path: Path) -> None:
    path = tmp_path / "names.xlsx"
    writer = XlsxTables(path, SHANGHAI)
    long = "needs/[2026]: a very long repeat group name"
    for name in (long, long + " again", "O'Brien's"):
        writer.add_table(name, COLUMNS[:1])
        writer.write(name, [name])
    writer.close()
    book = load_workbook(path)
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in book.sheetnames)
    assert len(set(book.sheetnames)) == 3
    assert book.worksheets[2]["A2"].value == "O'Brien's"


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_dates_before_and_after_the_epoch_quirk(tmp_path: Path) -> None:
    rows = [["", "", date(2026, 1, 1).isoformat()], ["", "", "1900-03-01"]]
    sheet = load_workbook(_book(tmp_path, rows))["visits"]
    assert sheet["C2"].value == datetime(2026, 1, 1)
    assert sheet["C3"].value == datetime(1900, 3, 1)
