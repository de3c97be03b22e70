"""Register lists: the CSV attachments generated for each collector (forms/README.md).

A form that refers to ``households.csv`` (``select_one_from_file``, ``jr://file-csv/…``)
gets it generated from the register for the collector who asks, limited to their grids
(``collector_grids``): ``communities.csv``, ``grids.csv``, ``buildings.csv``,
``households.csv`` (plus the special rows ``_new`` and ``_anon``) and ``needs_followup.csv``
(plus ``_other``). Names are masked (surname + ``**``); no phone or ID numbers ever appear.

The bytes are a pure function of the content, so their md5 changes exactly when the content
does and phones re-download a list only then: rows sorted by ``name`` with the special rows
last, UTF-8 without BOM, LF line endings, quoting per RFC 4180 where a value needs it, line
breaks inside values turned into spaces. A generated list is remembered with its md5 until
a row it shows changes (``register_cache``): a sync's manifest and the downloads after it, and
the next sync of an unchanged grid, cost one fingerprint query instead of generating the list.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from server.accounts.audit import audit_record
from server.accounts.models import AuditAction, User
from server.accounts.selectors import collector_grids
from server.core.masking import mask_name
from server.grids.choices import HouseholdStatus, SpecialPopulation
from server.grids.models import Area, Building, Household, HouseholdFlag
from server.xforms.register_cache import Entry, cached_lists
from server.xforms.register_names import (
    BUILDINGS,
    COMMUNITIES,
    GRIDS,
    HOUSEHOLDS,
    NEEDS_FOLLOWUP,
    REGISTER_LIST_NAMES,
)

CONTENT_TYPE = "text/csv; charset=utf-8"
ANY = "*"  # never equal to a code: special rows appear only through name='_new' etc.
LISTED_STATUSES = (HouseholdStatus.ACTIVE, HouseholdStatus.VACANT)
"""Households on the phone: moved-out and demolished ones are not visited any more."""

HEADERS: dict[str, tuple[str, ...]] = {
    COMMUNITIES: ("name", "label", "street"),
    GRIDS: ("name", "label", "community"),
    BUILDINGS: ("name", "label", "grid", "compound"),
    HOUSEHOLDS: ("name", "label", "grid", "building", "flags", "last_visit", "residence"),
    NEEDS_FOLLOWUP: ("name", "label", "grid", "household", "category", "resolved_at"),
}
SPECIAL_ROWS: dict[str, tuple[tuple[str, ...], ...]] = {
    HOUSEHOLDS: (
        ("_new", "新住户（名单中没有） New household", ANY, ANY, "", "", ""),
        ("_anon", "不记名 Anonymous", ANY, ANY, "", "", ""),
    ),
    NEEDS_FOLLOWUP: (("_other", "其他（不在列表中） Other", ANY, ANY, "", ""),),
}
_FLAG_ORDER = {flag: index for index, flag in enumerate(SpecialPopulation.values)}
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")

Row = tuple[str, ...]


@dataclass(frozen=True)
class FollowupRow:
    """One need awaiting 回访, as ``needs_followup.csv`` lists it."""

    name: str  # the need's stable id
    label: str  # short description + date raised + household (masked name)
    grid: str  # grid code
    household: str  # household code
    category: str  # a need_cat value
    resolved_at: str  # YYYY-MM-DD


def needs_awaiting_followup(grid_ids: Sequence[int]) -> list[FollowupRow]:
    """Needs in status ``resolved`` awaiting 回访 in these grids (one query over the records'
    Need model, labels already masked)."""
    from server.records.selectors import needs_awaiting_followup as resolved_needs

    return [FollowupRow(*row) for row in resolved_needs(grid_ids)]


# ------------------------------------------------------------------ public API


def register_list(*, user: User, filename: str) -> bytes | None:
    """The bytes of one register list for this collector; None if it is not a list name."""
    if filename not in REGISTER_LIST_NAMES:
        return None
    return register_lists(user=user, filenames=[filename])[filename]


def register_list_download(*, viewer: User, collector: User, filename: str) -> bytes | None:
    """A register list as ``collector``'s phone gets it, read by someone checking a form
    (the API): it holds residents' masked names, so the download is audited."""
    data = register_list(user=collector, filename=filename)
    if data is not None:
        audit_record(
            actor=viewer,
            action=AuditAction.FILE_DOWNLOADED,
            target_type="register_list",
            target=filename,
            details={"collector": collector.username},
        )
    return data


def register_list_md5(*, user: User, filename: str) -> str | None:
    found = register_lists_with_md5(user=user, filenames=[filename])
    return found[filename][1] if filename in found else None


def register_lists(*, user: User, filenames: Iterable[str]) -> dict[str, bytes]:
    """Several lists for one collector, reading their grids once."""
    found = register_lists_with_md5(user=user, filenames=filenames)
    return {name: data for name, (data, _md5) in found.items()}


def register_lists_with_md5(*, user: User, filenames: Iterable[str]) -> dict[str, Entry]:
    """(bytes, md5) of several lists for one collector: remembered until a row they show
    changes (``register_cache``), else generated."""
    wanted = [name for name in dict.fromkeys(filenames) if name in REGISTER_LIST_NAMES]
    if not wanted:
        return {}
    grids = list(collector_grids(user).select_related("parent__parent"))
    return cached_lists(grids, wanted, lambda name: render_csv(name, _BUILDERS[name](grids)))


# ------------------------------------------------------------------ rows


def _community_rows(grids: list[Area]) -> list[Row]:
    communities = {grid.parent_id: grid.parent for grid in grids if grid.parent is not None}
    return [
        (community.code, _clean(community.name), _code(community.parent))
        for community in communities.values()
        if community is not None
    ]


def _grid_rows(grids: list[Area]) -> list[Row]:
    return [(grid.code, _clean(grid.name), _code(grid.parent)) for grid in grids]


def _building_rows(grids: list[Area]) -> list[Row]:
    if not grids:
        return []
    buildings = (
        Building.objects.filter(grid__in=grids)
        .order_by()
        .values_list("code", "label", "grid__code", "compound__code")
    )
    return [
        (code, _clean(label), grid, compound or "") for code, label, grid, compound in buildings
    ]


def _household_rows(grids: list[Area]) -> list[Row]:
    if not grids:
        return []
    households = (
        Household.objects.filter(building__grid__in=grids, status__in=LISTED_STATUSES)
        .order_by()
        .values_list(
            "pk",
            "code",
            "address_label",
            "head_name",
            "building__grid__code",
            "building__code",
            "last_visit_at",
            "residence_type",
        )
    )
    flags = _flags_by_household(grids)
    return [
        (
            code,
            _clean(f"{address} {mask_name(head_name)}"),
            grid,
            building,
            " ".join(flags.get(pk, ())),
            timezone.localtime(last_visit).date().isoformat() if last_visit else "",
            residence or "",
        )
        for pk, code, address, head_name, grid, building, last_visit, residence in households
    ]


def _flags_by_household(grids: list[Area]) -> dict[int, list[str]]:
    flags: dict[int, list[str]] = defaultdict(list)
    rows = (
        HouseholdFlag.objects.filter(household__building__grid__in=grids)
        .order_by()
        .values_list("household_id", "flag")
    )
    for household_id, flag in rows:
        flags[household_id].append(flag)
    for values in flags.values():
        values.sort(key=lambda flag: (_FLAG_ORDER.get(flag, len(_FLAG_ORDER)), flag))
    return flags


def _followup_rows(grids: list[Area]) -> list[Row]:
    rows = needs_awaiting_followup([grid.pk for grid in grids])
    return [
        (row.name, _clean(row.label), row.grid, row.household, row.category, row.resolved_at)
        for row in rows
    ]


def _code(area: Area | None) -> str:
    return area.code if area is not None else ""


_BUILDERS: dict[str, Callable[[list[Area]], list[Row]]] = {
    COMMUNITIES: _community_rows,
    GRIDS: _grid_rows,
    BUILDINGS: _building_rows,
    HOUSEHOLDS: _household_rows,
    NEEDS_FOLLOWUP: _followup_rows,
}


# ------------------------------------------------------------------ bytes


def render_csv(filename: str, rows: list[Row]) -> bytes:
    """Header, rows sorted by name, then the special rows: the same content, the same bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADERS[filename])
    ordered: list[Row] = sorted(rows, key=_name)
    writer.writerows(ordered)
    writer.writerows(SPECIAL_ROWS.get(filename, ()))
    return buffer.getvalue().encode("utf-8")


def _clean(text: str) -> str:
    """Free text on one line (codes, flags and dates need no cleaning: they are validated)."""
    return _LINE_BREAKS.sub(" ", text or "").strip()


def _name(row: Sequence[str]) -> str:
    return row[0]
