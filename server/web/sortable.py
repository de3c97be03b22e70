"""Sortable tables that work without JavaScript: each column header is a link that sorts by
that column (``?sort=KEY`` or ``?sort=-KEY`` for descending), marked with ``aria-sort``.

Rows are sorted in Python (these tables hold one level of an area tree: tens of rows, never
thousands). Missing values (``None``: "no data", e.g. 0 of 0 households) always sort last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.http import QueryDict

R = TypeVar("R")


@dataclass(frozen=True)
class Column(Generic[R]):
    key: str
    label: str
    value: Callable[[R], Any]
    numeric: bool = True
    first_descending: bool = True  # figures: biggest first on the first click


@dataclass(frozen=True)
class Header:
    key: str
    label: str
    numeric: bool
    url: str
    aria_sort: str  # "ascending" | "descending" | "none"


@dataclass(frozen=True)
class Sorted(Generic[R]):
    rows: list[R]
    headers: list[Header]
    key: str
    descending: bool


def sort_table(
    rows: Sequence[R], columns: Sequence[Column[R]], query: QueryDict, *, default: str
) -> Sorted[R]:
    """Sort ``rows`` by ``?sort=`` (an unknown key falls back to ``default``) and build the
    header links, each keeping the rest of the query string."""
    by_key = {column.key: column for column in columns}
    wanted = query.get("sort", default)
    descending = wanted.startswith("-")
    key = wanted.lstrip("-")
    if key not in by_key:
        descending = default.startswith("-")
        key = default.lstrip("-")
    column = by_key[key]
    present = [row for row in rows if column.value(row) is not None]
    missing = [row for row in rows if column.value(row) is None]
    present.sort(key=lambda row: _comparable(column.value(row)), reverse=descending)
    headers = [_header(candidate, key, descending, query) for candidate in columns]
    return Sorted(rows=present + missing, headers=headers, key=key, descending=descending)


def _comparable(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _header(column: Column[Any], key: str, descending: bool, query: QueryDict) -> Header:
    if column.key == key:
        aria = "descending" if descending else "ascending"
        next_descending = not descending
    else:
        aria = "none"
        next_descending = column.first_descending
    params = query.copy()
    params["sort"] = ("-" if next_descending else "") + column.key
    return Header(
        key=column.key,
        label=column.label,
        numeric=column.numeric,
        url="?" + params.urlencode(),
        aria_sort=aria,
    )
