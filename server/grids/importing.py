"""Register files (CSV or XLSX) read into typed rows. No database access here: reference
checks and writes are ``server.grids.register_import``'s job.

Five layouts, recognised by their header row (column names in English or Chinese, e.g.
``household_code`` or ``户编码``; the template in docs/ uses ``户编码 household_code``):

- areas:       code, name, level, parent_code, community_type, grid_layer, target_households
- compounds:   compound_code, compound_name, community_code, property_status
- buildings:   building_code, building_label, grid_code, compound_code, units, floors
- households:  household_code, building_code, address, unit, floor, room, head_name, phone, ...
- flat:        one row per household with all its areas, compound and building on the row

An empty cell means "no change"; a row is upserted by its code.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from server.core.spreadsheets import SpreadsheetError, read_csv_rows, read_xlsx_sheets
from server.grids.choices import (
    AreaLevel,
    CommunityType,
    ElderlyLiving,
    GridLayer,
    HouseholdStatus,
    PropertyStatus,
    ResidenceType,
    Source,
    SpecialPopulation,
)
from server.grids.models import CODE_PATTERN

AREAS, COMPOUNDS, BUILDINGS, HOUSEHOLDS, FLAT = (
    "areas",
    "compounds",
    "buildings",
    "households",
    "flat",
)
LAYOUT_ORDER = (AREAS, COMPOUNDS, BUILDINGS, HOUSEHOLDS, FLAT)
SKIPPED_SHEETS = {"readme", "instructions", "说明", "填写说明"}
_CODE = re.compile(CODE_PATTERN)
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,19}$")
_FLAG_SEPARATORS = re.compile(r"[\s,，、;；]+")


class CellError(ValueError):
    """A cell's text cannot be read; the message is for the person who filled it."""


# --- Cell parsers -----------------------------------------------------------------------


def text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise CellError(gettext("longer than %(max)d characters") % {"max": max_length})
        return value

    return parse


def code(value: str) -> str:
    if not _CODE.match(value):
        raise CellError(
            gettext("%(value)s is not a valid code (letters, digits, - _ . ; at most 48)")
            % {"value": value}
        )
    return value


def integer(minimum: int, maximum: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(Decimal(value))
            if Decimal(value) != number:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise CellError(gettext("%(value)s is not a whole number") % {"value": value}) from None
        if not minimum <= number <= maximum:
            raise CellError(
                gettext("%(value)s is not between %(min)d and %(max)d")
                % {"value": value, "min": minimum, "max": maximum}
            )
        return number

    return parse


def decimal(minimum: int, maximum: int) -> Callable[[str], Decimal]:
    def parse(value: str) -> Decimal:
        try:
            number = Decimal(value).quantize(Decimal("0.000001"))
        except (InvalidOperation, ValueError):
            raise CellError(gettext("%(value)s is not a number") % {"value": value}) from None
        if not minimum <= number <= maximum:
            raise CellError(
                gettext("%(value)s is not between %(min)d and %(max)d")
                % {"value": value, "min": minimum, "max": maximum}
            )
        return number

    return parse


def boolean(value: str) -> bool:
    word = value.strip().lower()
    if word in {"1", "yes", "y", "true", "是", "√", "✓"}:
        return True
    if word in {"0", "no", "n", "false", "否", ""}:
        return False
    raise CellError(gettext("%(value)s is not yes or no (是/否)") % {"value": value})


def phone(value: str) -> str:
    if not _PHONE.match(value):
        raise CellError(gettext("%(value)s is not a phone number") % {"value": value})
    return value


@functools.cache
def _label_index(choices: type[models.TextChoices]) -> dict[str, str]:
    index: dict[str, str] = {}
    for value, label in choices.choices:
        index[value.lower()] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                index[str(label).strip().lower()] = value
    return index


def choice(
    choices: type[models.TextChoices], extra: Mapping[str, str] | None = None
) -> Callable[[str], str]:
    def parse(value: str) -> str:
        index = {**_label_index(choices), **(extra or {})}
        found = index.get(value.strip().lower())
        if found is None:
            raise CellError(
                gettext("%(value)s is not one of: %(allowed)s")
                % {"value": value, "allowed": ", ".join(choices.values)}
            )
        return found

    return parse


def flags(value: str) -> frozenset[str]:
    parse_one = choice(SpecialPopulation)
    items = [item for item in _FLAG_SEPARATORS.split(value) if item and item not in {"none", "无"}]
    return frozenset(parse_one(item) for item in items)


LEVEL_WORDS = {
    "区": AreaLevel.DISTRICT,
    "街道": AreaLevel.STREET,
    "社区": AreaLevel.COMMUNITY,
    "网格": AreaLevel.GRID,
}
IMPORT_SOURCES = {
    "公安": Source.IMPORT_POLICE,
    "计生": Source.IMPORT_FAMILY_PLANNING,
    "劳动": Source.IMPORT_LABOUR,
    "民政": Source.IMPORT_CIVIL_AFFAIRS,
}


# --- Layouts --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    alias: str
    parse: Callable[[str], Any]
    required: bool = False


def _columns(*columns: Column) -> dict[str, Column]:
    return {column.key: column for column in columns}


AREA_COLUMNS = _columns(
    Column("code", "编码", code, True),
    Column("name", "名称", text(100), True),
    Column("level", "层级", choice(AreaLevel, LEVEL_WORDS), True),
    Column("parent_code", "上级编码", code),
    Column("community_type", "社区类型", choice(CommunityType)),
    Column("grid_layer", "网格类型", choice(GridLayer)),
    Column("target_households", "目标户数", integer(0, 100_000)),
)
COMPOUND_COLUMNS = _columns(
    Column("compound_code", "小区编码", code, True),
    Column("compound_name", "小区名称", text(100), True),
    Column("community_code", "社区编码", code, True),
    Column("property_status", "物业情况", choice(PropertyStatus)),
)
BUILDING_COLUMNS = _columns(
    Column("building_code", "楼栋编码", code, True),
    Column("building_label", "楼栋名称", text(100), True),
    Column("grid_code", "网格编码", code, True),
    Column("compound_code", "小区编码", code),
    Column("units", "单元数", integer(0, 100)),
    Column("floors", "层数", integer(0, 200)),
    Column("building_head", "楼栋长", text(64)),
    Column("building_head_phone", "楼栋长电话", phone),
)
HOUSEHOLD_COLUMNS = _columns(
    Column("household_code", "户编码", code, True),
    Column("building_code", "楼栋编码", code, True),
    Column("address", "地址", text(200)),
    Column("unit", "单元", text(16)),
    Column("floor", "楼层", integer(-10, 200)),
    Column("room", "房号", text(16)),
    Column("head_name", "户主姓名", text(64)),
    Column("phone", "联系电话", phone),
    Column("residence_type", "居住类型", choice(ResidenceType)),
    Column("status", "状态", choice(HouseholdStatus)),
    Column("members", "居住人数", integer(0, 99)),
    Column("elderly_60", "60岁以上人数", integer(0, 99)),
    Column("elderly_80", "80岁以上人数", integer(0, 99)),
    Column("elderly_living", "老人居住状况", choice(ElderlyLiving)),
    Column("priority", "重点户", boolean),
    Column("flags", "特殊人群", flags),
    Column("latitude", "纬度", decimal(-90, 90)),
    Column("longitude", "经度", decimal(-180, 180)),
    Column("notes", "备注", text(2000)),
    Column("source", "数据来源", choice(Source, IMPORT_SOURCES)),
)
FLAT_COLUMNS = (
    _columns(
        Column("district_code", "区编码", code, True),
        Column("district_name", "区名称", text(100)),
        Column("street_code", "街道编码", code, True),
        Column("street_name", "街道名称", text(100)),
        Column("community_code", "社区编码", code, True),
        Column("community_name", "社区名称", text(100)),
        Column("grid_code", "网格编码", code, True),
        Column("grid_name", "网格名称", text(100)),
        Column("compound_code", "小区编码", code),
        Column("compound_name", "小区名称", text(100)),
        Column("property_status", "物业情况", choice(PropertyStatus)),
        Column("building_label", "楼栋名称", text(100)),
    )
    | HOUSEHOLD_COLUMNS
)
LAYOUTS: dict[str, dict[str, Column]] = {
    AREAS: AREA_COLUMNS,
    COMPOUNDS: COMPOUND_COLUMNS,
    BUILDINGS: BUILDING_COLUMNS,
    HOUSEHOLDS: HOUSEHOLD_COLUMNS,
    FLAT: FLAT_COLUMNS,
}


# --- Rows and errors ----------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = gettext("%(sheet)s row %(row)d") % {"sheet": self.sheet, "row": self.row}
        if self.column:
            where += f" [{self.column}]"
        return f"{where}: {self.message}"


@dataclass
class Row:
    layout: str
    sheet: str
    number: int
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass
class ParsedFile:
    rows: dict[str, list[Row]] = field(default_factory=lambda: {name: [] for name in LAYOUT_ORDER})
    errors: list[RowError] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


class LayoutError(Exception):
    def __init__(self, sheet: str) -> None:
        super().__init__(sheet)
        self.sheet = sheet


def header_key(cell: str, columns: Iterable[Column]) -> str | None:
    """``household_code``, ``户编码`` and ``户编码 household_code`` all name one column."""
    wanted = cell.strip().lower()
    by_alias = {column.alias: column.key for column in columns}
    keys = {column.key for column in columns}
    for token in reversed(re.split(r"[\s()（）]+", wanted)):
        if token in keys:
            return token
    return by_alias.get(cell.strip().split()[0] if cell.strip() else "")


def detect_layout(header: list[str]) -> str | None:
    all_columns = [column for layout in LAYOUTS.values() for column in layout.values()]
    keys = {header_key(cell, all_columns) for cell in header} - {None}
    if "level" in keys:
        return AREAS
    if "district_code" in keys and "household_code" in keys:
        return FLAT
    if "household_code" in keys:
        return HOUSEHOLDS
    if "building_code" in keys and "grid_code" in keys:
        return BUILDINGS
    if "compound_code" in keys and "community_code" in keys:
        return COMPOUNDS
    return None


def parse_sheet(sheet: str, rows: Iterator[list[str]], parsed: ParsedFile) -> None:
    """Read one sheet: its first non-empty row is the header that names the layout."""
    layout: str | None = None
    keys: list[str | None] = []
    for number, cells in enumerate(rows, start=1):
        if not any(cells):
            continue
        if layout is None:
            layout = detect_layout(cells)
            if layout is None:
                raise LayoutError(sheet)
            keys = [header_key(cell, LAYOUTS[layout].values()) for cell in cells]
            _check_required_columns(sheet, number, LAYOUTS[layout], keys, parsed)
            continue
        parsed.rows[layout].append(_parse_row(layout, sheet, number, keys, cells, parsed))


def _check_required_columns(
    sheet: str, number: int, columns: dict[str, Column], keys: list[str | None], parsed: ParsedFile
) -> None:
    for column in columns.values():
        if column.required and column.key not in keys:
            parsed.errors.append(
                RowError(sheet, number, column.key, gettext("the required column is missing"))
            )


def _parse_row(
    layout: str,
    sheet: str,
    number: int,
    keys: list[str | None],
    cells: list[str],
    parsed: ParsedFile,
) -> Row:
    columns = LAYOUTS[layout]
    row = Row(layout=layout, sheet=sheet, number=number)
    for key, cell in zip(keys, cells, strict=False):
        if key is None or cell == "":
            continue
        try:
            row.values[key] = columns[key].parse(cell)
        except CellError as error:
            parsed.errors.append(RowError(sheet, number, key, str(error)))
    failed = {e.column for e in parsed.errors if e.row == number and e.sheet == sheet}
    for column in columns.values():
        missing = column.key in keys and column.key not in row.values
        if column.required and missing and column.key not in failed:
            parsed.errors.append(
                RowError(sheet, number, column.key, gettext("a value is required"))
            )
    return row


def parse_register_file(name: str, data: bytes) -> ParsedFile:
    """Read a CSV or XLSX register file. Raises ``SpreadsheetError`` if it is neither,
    ``LayoutError`` if a sheet's columns match no layout."""
    parsed = ParsedFile()
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        parse_sheet(Path(name).name, iter(read_csv_rows(data)), parsed)
    elif suffix == ".xlsx":
        for title, rows in read_xlsx_sheets(io.BytesIO(data)):
            if title.strip().lower() in SKIPPED_SHEETS:
                continue
            parse_sheet(title, rows, parsed)
    else:
        raise SpreadsheetError(str(_("only .csv and .xlsx files can be imported")))
    return parsed
