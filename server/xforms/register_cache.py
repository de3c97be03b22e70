"""Register lists remembered until what they show changes.

A sync is a manifest (the md5 of every list the form uses, so every list is generated) and
then the download of each list whose md5 the phone does not have (generated again). At the
evening peak hundreds of collectors do this within minutes, and generating ``households.csv``
for a grid of 300 households costs more than the rest of the request. So each generated list
is kept in this process with its md5, under a key that holds a *fingerprint* of every row it
shows, read by one aggregate query per request:

- the number of rows and the latest ``updated_at`` of the grids' households, buildings and
  needs (a row added, changed or moved moves the latest time; a row removed or moved away
  lowers the count), and the number and highest id of their flags (flag rows are only
  inserted and deleted);
- the grids themselves and their community and street (code, name, ``updated_at``), which
  ``collector_grids`` has already read.

Every write of those rows moves ``updated_at``: ``save()`` through ``auto_now``, the bulk
paths and ``QuerySet.update`` calls by setting it explicitly (tests/xforms/
test_register_cache.py changes the register through every service and checks the manifest's
md5 follows). The cache is never the source: a miss regenerates from the register, and an
entry whose fingerprint no longer matches is simply never asked for again and ages out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

from server.core.storage import md5_hex
from server.grids.models import Area, Building, Household, HouseholdFlag
from server.xforms.register_names import BUILDINGS, HOUSEHOLDS, NEEDS_FOLLOWUP

MAX_BYTES = 48 * 1024 * 1024  # per process; a grid's households.csv is about 25 KB
CACHED = (BUILDINGS, HOUSEHOLDS, NEEDS_FOLLOWUP)
"""The lists worth remembering; communities.csv and grids.csv are rendered from the grids
already in hand."""

Entry = tuple[bytes, str]
_entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
_size = 0
_lock = threading.Lock()


def cached_lists(
    grids: Sequence[Area], names: list[str], build: Callable[[str], bytes]
) -> dict[str, Entry]:
    """(bytes, md5) of each list in ``names`` for these grids: remembered ones when the
    register has not changed since, the others built by ``build(name)`` and remembered."""
    wanted = [name for name in names if name in CACHED]
    fingerprint = _fingerprint(grids) if wanted else ()
    found: dict[str, Entry] = {}
    for name in names:
        if name not in CACHED:
            data = build(name)
            found[name] = (data, md5_hex(data))
            continue
        key = (name, fingerprint)
        entry = _get(key)
        if entry is None:
            data = build(name)
            entry = (data, md5_hex(data))
            _put(key, entry)
        found[name] = entry
    return found


def clear() -> None:
    global _size
    with _lock:
        _entries.clear()
        _size = 0


def _get(key: tuple[Any, ...]) -> Entry | None:
    with _lock:
        entry = _entries.get(key)
        if entry is not None:
            _entries.move_to_end(key)
        return entry


def _put(key: tuple[Any, ...], entry: Entry) -> None:
    global _size
    with _lock:
        if key in _entries:
            return
        _entries[key] = entry
        _size += len(entry[0])
        while _size > MAX_BYTES and _entries:
            _, (data, _md5) = _entries.popitem(last=False)
            _size -= len(data)


def _fingerprint(grids: Sequence[Area]) -> tuple[Any, ...]:
    areas = tuple(
        (area.pk, area.code, area.name, area.updated_at)
        for grid in grids
        for area in (grid, grid.parent, grid.parent.parent if grid.parent else None)
        if area is not None
    )
    if not grids:
        return areas
    return areas + _row_fingerprint([grid.pk for grid in grids])


def _row_fingerprint(grid_ids: list[int]) -> tuple[Any, ...]:
    """One query: count and latest change of the rows the lists show, in these grids."""
    from server.records.models import Need

    household, building, flag = (
        Household._meta.db_table,
        Building._meta.db_table,
        HouseholdFlag._meta.db_table,
    )
    need = Need._meta.db_table
    marks = ", ".join(["%s"] * len(grid_ids))
    in_grids = f"b.grid_id IN ({marks})"
    households = f"FROM {household} h JOIN {building} b ON b.id = h.building_id WHERE {in_grids}"
    flags = (
        f"FROM {flag} f JOIN {household} h ON h.id = f.household_id "
        f"JOIN {building} b ON b.id = h.building_id WHERE {in_grids}"
    )
    buildings = f"FROM {building} b WHERE {in_grids}"
    needs = f"FROM {need} b WHERE {in_grids}"  # "b" so that one condition serves all
    # Only table names from the models and placeholders go into the text; values are bound.
    parts = [
        f"SELECT COUNT(*) {households}",
        f"SELECT MAX(h.updated_at) {households}",
        f"SELECT COUNT(*) {buildings}",
        f"SELECT MAX(b.updated_at) {buildings}",
        f"SELECT COUNT(*) {flags}",
        f"SELECT MAX(f.id) {flags}",
        f"SELECT COUNT(*) {needs}",
        f"SELECT MAX(b.updated_at) {needs}",
    ]
    sql = "SELECT " + ", ".join(f"({part})" for part in parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, grid_ids * len(parts))
        row = cursor.fetchone()
    return tuple(row)
