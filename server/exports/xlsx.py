"""A streaming XLSX writer built for exports: rows become sheet XML as text, row by row.

A general-purpose library turns every cell into an object and every object into XML through
several method calls; a million-row export is fifty million cells, and that per-cell cost was
70% of the export's time (docs/performance.md, "Exports"). Here a table's column letters and
kinds are computed once, a row is one ``str.join``, and text is escaped only when it needs
it. Each sheet's XML goes to its own temporary file as rows arrive (memory stays flat); the
package (workbook, styles, relationships, document properties) is written around them at
``close``. ``zipfile`` switches an entry to ZIP64 by itself when a sheet passes 4 GB.

What a sheet has: a bold, shaded header row frozen at the top and repeated on every printed
page, column widths from the headings, A4 landscape fitted to one page wide, an optional
centred page header and a "page / pages" footer. Text cells are inline strings (no shared
string table to hold in memory); numbers are numbers; dates and date-times are Excel serial
numbers with a date format. Excel's limits are kept: 1,048,576 rows per sheet (a longer table
continues on ``name (2)``), 32,767 characters per cell, 31 characters per sheet name.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from server.exports.cells import TEXT, typed, xlsx_kinds
from server.exports.layout import Column
from server.exports.safety import FORMULA_STARTS, neutralise

EXCEL_MAX_ROWS = 1_048_576
CELL_MAX_CHARS = 32_767
SHEET_NAME_MAX = 31
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
# Text that needs more than being copied: markup characters, characters XML 1.0 forbids, a
# literal "_xHHHH_" (Excel would read it as an escaped character), edge whitespace.
_NEEDS_CARE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_|^\s|\s$")
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_LOOKALIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_EPOCH = datetime(1899, 12, 30)
STYLE_HEADER, STYLE_DATE, STYLE_DATETIME = 1, 2, 3

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass
class _Sheet:
    name: str
    path: Path
    handle: IO[str]
    title: str
    widths: list[int]
    rows: int = 0  # rows written, the header included


@dataclass
class _Table:
    base: str
    columns: list[Column]
    kinds: list[int]
    letters: list[str]
    title: str
    sheet: _Sheet | None = None
    parts: int = 0
    sheets: list[_Sheet] = field(default_factory=list)


class XlsxTables:
    """One worksheet per table (more past Excel's row limit) in one workbook at ``path``."""

    def __init__(
        self, path: Path, zone: tzinfo, *, max_rows: int = EXCEL_MAX_ROWS, cells: int = 0
    ) -> None:
        # ``cells`` (the expected size) is accepted for callers that know it; ZIP64 is
        # decided per entry from the real size instead.
        self.path = path
        self.zone = zone
        self.max_rows = max_rows
        self._tables: dict[str, _Table] = {}
        self._sheets: list[_Sheet] = []
        self._names: set[str] = set()

    def add_table(self, name: str, columns: list[Column], *, print_title: str = "") -> None:
        letters = [column_letter(index) for index in range(len(columns))]
        table = _Table(name, columns, xlsx_kinds(columns), letters, print_title)
        self._tables[name] = table
        self._new_sheet(table)

    def write(self, name: str, values: list[Any]) -> None:
        table = self._tables[name]
        sheet = table.sheet
        assert sheet is not None
        if sheet.rows >= self.max_rows:
            sheet = self._new_sheet(table)
        sheet.rows += 1
        number = str(sheet.rows)
        parts = ['<row r="', number, '">']
        append = parts.append
        kinds, letters, zone = table.kinds, table.letters, self.zone
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            kind = kinds[index]
            if kind == TEXT and value.__class__ is str:
                if value[0] in FORMULA_STARTS:
                    value = "'" + value
                append(_text_cell(letters[index] + number, value))
                continue
            append(_cell(letters[index] + number, typed(value, kind, zone)))
        append("</row>")
        sheet.handle.write("".join(parts))

    def close(self) -> None:
        for sheet in self._sheets:
            if not sheet.handle.closed:
                sheet.handle.write("</sheetData>" + _sheet_tail(sheet.title) + "</worksheet>")
                sheet.handle.close()
        with zipfile.ZipFile(
            self.path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1
        ) as package:
            self._write_package(package)
        for sheet in self._sheets:
            sheet.path.unlink(missing_ok=True)

    def _new_sheet(self, table: _Table) -> _Sheet:
        table.parts += 1
        name = self._sheet_name(table.base, table.parts)
        path = self.path.parent / f"{self.path.name}.sheet{len(self._sheets) + 1}.xml"
        handle = path.open("w", encoding="utf-8", newline="")
        widths = [_width(column) for column in table.columns]
        sheet = _Sheet(name, path, handle, table.title, widths)
        handle.write(_sheet_head(widths, selected=not self._sheets))
        headers = [neutralise(column.header) for column in table.columns]
        cells = [
            _text_cell(letter + "1", header, STYLE_HEADER)
            for letter, header in zip(table.letters, headers, strict=True)
        ]
        handle.write('<row r="1">' + "".join(cells) + "</row>")
        sheet.rows = 1
        table.sheet = sheet
        self._sheets.append(sheet)
        return sheet

    def _sheet_name(self, base: str, number: int) -> str:
        clean = _SHEET_UNSAFE.sub("_", base).strip("'") or "Sheet"
        suffix = f" ({number})" if number > 1 else ""
        name = clean[: SHEET_NAME_MAX - len(suffix)] + suffix
        counter = 2
        while name.lower() in self._names:
            extra = f"~{counter}"
            name = clean[: SHEET_NAME_MAX - len(suffix) - len(extra)] + extra + suffix
            counter += 1
        self._names.add(name.lower())
        return name

    def _write_package(self, package: zipfile.ZipFile) -> None:
        count = len(self._sheets)
        package.writestr("[Content_Types].xml", _content_types(count))
        package.writestr("_rels/.rels", _package_rels())
        package.writestr("docProps/app.xml", _app_properties())
        package.writestr("docProps/core.xml", _core_properties())
        package.writestr("xl/workbook.xml", _workbook([sheet.name for sheet in self._sheets]))
        package.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(count))
        package.writestr("xl/styles.xml", STYLES)
        for number, sheet in enumerate(self._sheets, start=1):
            package.write(sheet.path, f"xl/worksheets/sheet{number}.xml")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def xml_text(text: str) -> str:
    """Text as an inline string's content: escaped, forbidden characters dropped, at most
    Excel's 32,767 characters."""
    if len(text) > CELL_MAX_CHARS:
        text = text[:CELL_MAX_CHARS]
    if _NEEDS_CARE.search(text) is None:
        return text
    text = _FORBIDDEN.sub("", text)
    text = _ESCAPED_LOOKALIKE.sub(r"_x005F_\1", text)
    return escape(text)


def _text_cell(reference: str, text: str, style: int = 0) -> str:
    if len(text) > CELL_MAX_CHARS:
        text = text[:CELL_MAX_CHARS]
    styled = f' s="{style}"' if style else ""
    if _NEEDS_CARE.search(text) is None:  # the common case: copied as it is
        return f'<c r="{reference}"{styled} t="inlineStr"><is><t>{text}</t></is></c>'
    content = xml_text(text)
    space = ' xml:space="preserve"' if content != content.strip() else ""
    return f'<c r="{reference}"{styled} t="inlineStr"><is><t{space}>{content}</t></is></c>'


def _cell(reference: str, value: Any) -> str:
    """A typed value (from ``cells.typed``): text, a number, a date or a date-time."""
    if value.__class__ is str:
        return _text_cell(reference, value)
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | float):
        if value != value or value in (float("inf"), float("-inf")):
            return _text_cell(reference, str(value))
        return f'<c r="{reference}"><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        serial = (value.replace(tzinfo=None) - _EPOCH).total_seconds() / 86400
        return f'<c r="{reference}" s="{STYLE_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        serial = (datetime(value.year, value.month, value.day) - _EPOCH).days
        return f'<c r="{reference}" s="{STYLE_DATE}"><v>{serial}</v></c>'
    return _text_cell(reference, str(value))


def _width(column: Column) -> int:
    return max(8, min(40, len(column.header.encode("utf-8")) // 2 + 4))


def _sheet_head(widths: list[int], *, selected: bool) -> str:
    columns = "".join(
        f'<col min="{number}" max="{number}" width="{width + 0.7109375}" customWidth="1"/>'
        for number, width in enumerate(widths, start=1)
    )
    tab = ' tabSelected="1"' if selected else ""
    return (
        f'{XML_DECLARATION}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<sheetViews><sheetView{tab} workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{columns}</cols><sheetData>"
    )


def _sheet_tail(title: str) -> str:
    header = ""
    if title:
        header = f"<oddHeader>{escape('&C' + title.replace('&', '&&'))}</oddHeader>"
    return (
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3"'
        ' footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        f"<headerFooter>{header}<oddFooter>&amp;C&amp;P / &amp;N</oddFooter></headerFooter>"
    )


def _workbook(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{number}" r:id="rId{number}"/>'
        for number, name in enumerate(names, start=1)
    )
    titles = "".join(
        f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
        f"{escape(_quoted_sheet(name))}!$1:$1</definedName>"
        for index, name in enumerate(names)
    )
    return (
        f'{XML_DECLARATION}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets><definedNames>{titles}</definedNames></workbook>"
    )


def _quoted_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _workbook_rels(count: int) -> str:
    sheet_type = f"{REL_NS}/worksheet"
    relations = "".join(
        f'<Relationship Id="rId{n}" Type="{sheet_type}" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    styles = f'<Relationship Id="rId{count + 1}" Type="{REL_NS}/styles" Target="styles.xml"/>'
    body = f"{relations}{styles}</Relationships>"
    return f'{XML_DECLARATION}<Relationships xmlns="{PKG_REL_NS}">{body}'


def _package_rels() -> str:
    return (
        f'{XML_DECLARATION}<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{REL_NS}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    )


def _content_types(count: int) -> str:
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet_type}"/>'
        for n in range(1, count + 1)
    )
    office = "application/vnd.openxmlformats-officedocument"
    return (
        f"{XML_DECLARATION}"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{office}.spreadsheetml.sheet.'
        'main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{office}.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
        'package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{office}.extended-properties+xml"/>'
        f"{sheets}</Types>"
    )


def _app_properties() -> str:
    return (
        f'{XML_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/'
        'officeDocument/2006/extended-properties"><Application>Gridbook</Application>'
        "</Properties>"
    )


def _core_properties() -> str:
    created = datetime.now().replace(microsecond=0).isoformat() + "Z"
    return (
        f'{XML_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
        'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>Gridbook</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
        "</cp:coreProperties>"
    )


# Fonts: the default, bold. Fills: none and gray125 (required), the header's shade. Cell
# formats (the ``s`` of a cell): 0 default, 1 header, 2 date, 3 date-time.
STYLES = (
    f'{XML_DECLARATION}<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFEEF2F7"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
