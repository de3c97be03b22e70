"""Cell values: answers as shown (choice labels, 0/1 columns, geopoint parts, masking) and
typed values for XLSX (pure).

``row_values`` gives what a table row holds: strings for answers, Python values for system
columns (a datetime, a number). The CSV writer turns them into text, the XLSX writer into
typed cells (``typed``); both neutralise text that a spreadsheet would read as a formula.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from server.core.masking import mask_name, mask_phone
from server.exports.layout import Column, RowNode, Table, answer
from server.exports.safety import neutralise

NUMERIC = frozenset({"integer", "decimal", "range"})
DATES = frozenset({"date", "today"})
DATETIMES = frozenset({"datetime", "start", "end"})


def row_values(table: Table, row: RowNode, system: dict[str, Any]) -> list[Any]:
    values: list[Any] = []
    append = values.append
    for column in table.columns:
        source = column.source
        if source == "field":
            text = answer(row.node, column.names)
            if text and column.choices:
                text = _choice_text(text, column)
            if text and column.personal:
                text = mask_phone(text) if "phone" in column.field_name else mask_name(text)
            append(text)
        elif source == "system":
            append(system.get(column.system, ""))
        elif source == "key":
            append(row.key if column.system == "KEY" else row.parent_key)
        elif source == "choice":
            text = answer(row.node, column.names)
            append((1 if column.choice in text.split() else 0) if text else "")
        else:  # geo
            parts = answer(row.node, column.names).split()
            append(parts[column.part] if len(parts) > column.part else "")
    return values


def _choice_text(text: str, column: Column) -> str:
    if column.type in ("select_multiple", "rank"):
        return " ".join(column.choices.get(code, code) for code in text.split())
    return column.choices.get(text, text)


def csv_text(value: Any, column: Column, zone: tzinfo) -> str:
    """A value as CSV text: datetimes in local time (ISO 8601), formulas neutralised."""
    if isinstance(value, str):
        if column.type in NUMERIC and _is_number(value):
            return value
        return neutralise(value)
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat(timespec="seconds")
    if value is None:
        return ""
    return str(value)


def typed(value: Any, column: Column, zone: tzinfo) -> Any:
    """A value for an XLSX cell: numbers, dates and date-times typed; text neutralised."""
    if isinstance(value, datetime):
        return value.astimezone(zone).replace(tzinfo=None)
    if not isinstance(value, str):
        return value
    if not value:
        return ""
    kind = column.type
    if (kind in NUMERIC and column.source == "field") or column.source == "geo":
        number = _number(value)
        if number is not None:
            return number
    elif kind in DATES and column.source == "field":
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    elif kind in DATETIMES and column.source == "field":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if moment.tzinfo is not None:
                moment = moment.astimezone(zone)
            return moment.replace(tzinfo=None)
    return neutralise(value)


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
