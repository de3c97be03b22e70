"""Cell values: answers as shown (choice labels, 0/1 columns, geopoint parts, masking) and
the conversions the writers apply (pure).

A table's columns are compiled once into a ``RowPlan``: the group objects a row's answers
sit in are looked up once per row (not once per column), and each cell is a tuple the hot
loop reads without attribute lookups; a million rows of fifty columns is fifty million
cells, so this is where an export's time goes.

``row_values`` gives what a table row holds: strings for answers, Python values for system
columns (a datetime, a number). ``csv_cells`` turns them into text, ``xlsx_kinds`` tells the
XLSX writer which columns to type; both neutralise text a spreadsheet would read as a formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from server.core.masking import mask_name, mask_phone
from server.exports.layout import Column, RowNode, Table
from server.exports.safety import FORMULA_STARTS

NUMERIC = frozenset({"integer", "decimal", "range"})
DATES = frozenset({"date", "today"})
DATETIMES = frozenset({"datetime", "start", "end"})

FIELD, CHOICE, GEO, SYSTEM, KEY, PARENT_KEY = range(6)
MASK_NONE, MASK_NAME, MASK_PHONE = range(3)
TEXT, NUMBER, DATE, DATETIME = range(4)  # how the XLSX writer writes a column


@dataclass(frozen=True)
class RowPlan:
    parents: tuple[tuple[str, ...], ...]  # the group paths the answers sit in
    cells: tuple[tuple[Any, ...], ...]


def compile_plan(table: Table) -> RowPlan:
    parents: dict[tuple[str, ...], int] = {}
    cells: list[tuple[Any, ...]] = []
    for column in table.columns:
        if column.source in ("field", "choice", "geo"):
            parent, leaf = column.names[:-1], column.names[-1]
            index = parents.setdefault(parent, len(parents))
            if column.source == "field":
                multiple = column.type in ("select_multiple", "rank")
                mask = MASK_NONE
                if column.personal:
                    mask = MASK_PHONE if "phone" in column.field_name else MASK_NAME
                cells.append((FIELD, index, leaf, column.choices or None, multiple, mask))
            elif column.source == "choice":
                cells.append((CHOICE, index, leaf, column.choice))
            else:
                cells.append((GEO, index, leaf, column.part))
        elif column.source == "key":
            cells.append((KEY if column.system == "KEY" else PARENT_KEY,))
        else:
            cells.append((SYSTEM, column.system))
    return RowPlan(parents=tuple(parents), cells=tuple(cells))


def row_values(plan: RowPlan, row: RowNode, system: dict[str, Any]) -> list[Any]:
    groups: list[Any] = []
    for path in plan.parents:
        node: Any = row.node
        for name in path:
            node = node.get(name) if node.__class__ is dict else None
        groups.append(node if node.__class__ is dict else None)
    values: list[Any] = []
    append = values.append
    for cell in plan.cells:
        kind = cell[0]
        if kind == FIELD:
            group = groups[cell[1]]
            text = group.get(cell[2]) if group is not None else None
            if text.__class__ is not str or not text:
                append("")
                continue
            choices = cell[3]
            if choices is not None:
                if cell[4]:
                    text = " ".join([choices.get(code, code) for code in text.split()])
                else:
                    text = choices.get(text, text)
            if cell[5]:
                text = mask_phone(text) if cell[5] == MASK_PHONE else mask_name(text)
            append(text)
        elif kind == SYSTEM:
            append(system.get(cell[1], ""))
        elif kind == KEY:
            append(row.key)
        elif kind == PARENT_KEY:
            append(row.parent_key)
        elif kind == CHOICE:
            group = groups[cell[1]]
            text = group.get(cell[2]) if group is not None else None
            if text.__class__ is str and text:
                append(1 if cell[3] in text.split() else 0)
            else:
                append("")
        else:  # GEO
            group = groups[cell[1]]
            text = group.get(cell[2]) if group is not None else None
            parts = text.split() if text.__class__ is str else ()
            append(parts[cell[3]] if len(parts) > cell[3] else "")
    return values


def numeric_columns(columns: list[Column]) -> list[bool]:
    """Columns whose text is left alone when it is a number (``-5`` is not a formula)."""
    return [column.type in NUMERIC or column.source == "geo" for column in columns]


def csv_cells(values: list[Any], numeric: list[bool], zone: tzinfo) -> list[Any]:
    """A row as CSV cells: datetimes in local time (ISO 8601), formulas neutralised."""
    out: list[Any] = []
    append = out.append
    for value, is_numeric in zip(values, numeric, strict=True):
        if value.__class__ is str:
            if value and value[0] in FORMULA_STARTS and not (is_numeric and _is_number(value)):
                value = "'" + value
            append(value)
        elif isinstance(value, datetime):
            append(value.astimezone(zone).isoformat(timespec="seconds"))
        elif value is None:
            append("")
        else:
            append(value)
    return out


def xlsx_kinds(columns: list[Column]) -> list[int]:
    kinds = []
    for column in columns:
        if column.source == "geo" or (column.source == "field" and column.type in NUMERIC):
            kinds.append(NUMBER)
        elif column.source == "field" and column.type in DATES:
            kinds.append(DATE)
        elif column.source == "field" and column.type in DATETIMES:
            kinds.append(DATETIME)
        else:
            kinds.append(TEXT)
    return kinds


def typed(value: Any, kind: int, zone: tzinfo) -> Any:
    """A value for an XLSX cell: numbers, dates and date-times typed; text neutralised;
    text that does not parse as its column's type stays (neutralised) text."""
    if value.__class__ is not str:
        if isinstance(value, datetime):
            return value.astimezone(zone).replace(tzinfo=None)
        return value
    if not value:
        return ""
    if kind == NUMBER:
        number = _number(value)
        if number is not None:
            return number
    elif kind == DATE:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    elif kind == DATETIME:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.tzinfo is not None:
                moment = moment.astimezone(zone)
            return moment.replace(tzinfo=None)
    return "'" + value if value[0] in FORMULA_STARTS else value


def _is_number(text: str) -> bool:
    return _number(text) is not None


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None
