"""Importing a register file: check every row against the file and the database, then
upsert by code in one transaction, or write nothing at all.

``plan_import`` resolves references (a grid's community, a building's grid and compound, a
household's building) and reports every bad row; ``register_import`` writes the plan. With
``skip_bad`` the bad rows, and rows that depend on them, are left out and the rest is written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from server.accounts.audit import audit_record
from server.accounts.models import AuditAction, User
from server.core.errors import GridbookError
from server.grids import errors
from server.grids.choices import PARENT_LEVEL, AreaLevel, Source
from server.grids.importing import (
    AREAS,
    BUILDINGS,
    COMPOUNDS,
    FLAT,
    HOUSEHOLDS,
    ParsedFile,
    Row,
    RowError,
)
from server.grids.models import Area, Building, Compound, Household
from server.grids.register_writes import (
    LEVEL_RANK,
    Progress,
    apply_areas,
    apply_buildings,
    apply_compounds,
    apply_households,
)


@dataclass
class ImportReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0
    rows_skipped: int = 0


@dataclass
class Plan:
    """What the file says, keyed by code, after checking; ``known_*`` also hold what the
    database already has for the codes the file mentions."""

    areas: dict[str, Row] = field(default_factory=dict)
    compounds: dict[str, Row] = field(default_factory=dict)
    buildings: dict[str, Row] = field(default_factory=dict)
    households: dict[str, Row] = field(default_factory=dict)
    known_areas: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # level, parent
    known_compounds: dict[str, str] = field(default_factory=dict)  # community code
    known_buildings: set[str] = field(default_factory=set)
    errors: list[RowError] = field(default_factory=list)
    bad_rows: set[tuple[str, int]] = field(default_factory=set)

    def fail(self, row: Row, column: str, message: str) -> None:
        self.errors.append(RowError(row.sheet, row.number, column, message))
        self.bad_rows.add((row.sheet, row.number))


def register_import(
    *,
    parsed: ParsedFile,
    source: str = Source.IMPORT,
    skip_bad: bool = False,
    progress: Progress | None = None,
    by: User | None = None,
    file_name: str = "",
) -> ImportReport:
    plan = plan_import(parsed)
    report = ImportReport(errors=plan.errors, rows_read=parsed.row_count)
    if plan.errors and not skip_bad:
        raise GridbookError(errors.IMPORT_REJECTED, count=len(plan.bad_rows), errors=plan.errors)
    report.rows_skipped = len(plan.bad_rows)
    with transaction.atomic():
        apply_areas(_good(plan, plan.areas), report, progress)
        apply_compounds(_good(plan, plan.compounds), report)
        apply_buildings(_good(plan, plan.buildings), report)
        apply_households(_good(plan, plan.households), source, report, progress)
        audit_record(
            actor=by,
            action=AuditAction.REGISTER_IMPORTED,
            target_type="file",
            target=file_name,
            details={"source": source, "rows": report.rows_read, "skipped": report.rows_skipped},
        )
    return report


def _good(plan: Plan, rows: dict[str, Row]) -> list[Row]:
    return [row for row in rows.values() if (row.sheet, row.number) not in plan.bad_rows]


def plan_import(parsed: ParsedFile) -> Plan:
    plan = Plan(errors=list(parsed.errors))
    plan.bad_rows = {(error.sheet, error.row) for error in parsed.errors}
    for row in parsed.rows[FLAT]:
        _expand_flat_row(plan, row)
    for layout, target in (
        (AREAS, plan.areas),
        (COMPOUNDS, plan.compounds),
        (BUILDINGS, plan.buildings),
        (HOUSEHOLDS, plan.households),
    ):
        for row in parsed.rows[layout]:
            _merge(plan, target, _key_of(layout, row), row)
    _load_known(plan)
    _check_areas(plan)
    _check_compounds(plan)
    _check_buildings(plan)
    _check_households(plan)
    return plan


def _key_of(layout: str, row: Row) -> str:
    key = {
        AREAS: "code",
        COMPOUNDS: "compound_code",
        BUILDINGS: "building_code",
        HOUSEHOLDS: "household_code",
    }[layout]
    return str(row.get(key, ""))


def _merge(plan: Plan, target: dict[str, Row], key: str, row: Row) -> None:
    """Rows naming the same code must agree; later rows may add values."""
    if not key:
        return
    existing = target.get(key)
    if existing is None:
        target[key] = row
        return
    for name, value in row.values.items():
        if name in existing.values and existing.values[name] != value:
            plan.fail(
                row,
                name,
                gettext("%(code)s already appears with a different value in %(sheet)s row %(row)d")
                % {"code": key, "sheet": existing.sheet, "row": existing.number},
            )
            return
    existing.values.update(row.values)


def _expand_flat_row(plan: Plan, row: Row) -> None:
    chain = [
        ("district", AreaLevel.DISTRICT, None),
        ("street", AreaLevel.STREET, "district"),
        ("community", AreaLevel.COMMUNITY, "street"),
        ("grid", AreaLevel.GRID, "community"),
    ]
    for prefix, level, parent in chain:
        values: dict[str, Any] = {"code": row.get(f"{prefix}_code"), "level": level}
        if row.get(f"{prefix}_name"):
            values["name"] = row.get(f"{prefix}_name")
        if parent:
            values["parent_code"] = row.get(f"{parent}_code")
        _merge(
            plan, plan.areas, str(values["code"] or ""), Row(AREAS, row.sheet, row.number, values)
        )
    if row.get("compound_code"):
        values = {
            "compound_code": row.get("compound_code"),
            "community_code": row.get("community_code"),
        }
        for key, name in (
            ("compound_name", "compound_name"),
            ("property_status", "property_status"),
        ):
            if row.get(key):
                values[name] = row.get(key)
        _merge(
            plan,
            plan.compounds,
            str(values["compound_code"]),
            Row(COMPOUNDS, row.sheet, row.number, values),
        )
    building = {
        key: row.get(key)
        for key in ("building_code", "building_label", "grid_code", "compound_code")
        if row.get(key)
    }
    _merge(
        plan,
        plan.buildings,
        str(row.get("building_code") or ""),
        Row(BUILDINGS, row.sheet, row.number, building),
    )
    household = {key: value for key, value in row.values.items() if key not in _FLAT_ONLY_KEYS}
    _merge(
        plan,
        plan.households,
        str(row.get("household_code") or ""),
        Row(HOUSEHOLDS, row.sheet, row.number, household),
    )


_FLAT_ONLY_KEYS = {
    "district_code",
    "district_name",
    "street_code",
    "street_name",
    "community_code",
    "community_name",
    "grid_code",
    "grid_name",
    "compound_code",
    "compound_name",
    "property_status",
    "building_label",
}


def _chunks(items: list[str], size: int = 2000) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_known(plan: Plan) -> None:
    area_codes = set(plan.areas)
    for row in plan.areas.values():
        area_codes.add(row.get("parent_code") or "")
    area_codes |= {row.get("community_code") for row in plan.compounds.values()}
    area_codes |= {row.get("grid_code") for row in plan.buildings.values()}
    for chunk in _chunks(sorted(code for code in area_codes if code)):
        for code, level, parent in Area.objects.filter(code__in=chunk).values_list(
            "code", "level", "parent__code"
        ):
            plan.known_areas[code] = (level, parent)
    compound_codes = set(plan.compounds) | {
        row.get("compound_code") for row in plan.buildings.values() if row.get("compound_code")
    }
    for chunk in _chunks(sorted(compound_codes)):
        plan.known_compounds.update(
            Compound.objects.filter(code__in=chunk).values_list("code", "community__code")
        )
    building_codes = set(plan.buildings) | {
        row.get("building_code") for row in plan.households.values()
    }
    for chunk in _chunks(sorted(code for code in building_codes if code)):
        plan.known_buildings.update(
            Building.objects.filter(code__in=chunk).values_list("code", flat=True)
        )


def _check_areas(plan: Plan) -> None:
    rows = sorted(plan.areas.values(), key=lambda row: LEVEL_RANK.get(row.get("level"), 9))
    for row in rows:
        if (row.sheet, row.number) in plan.bad_rows:
            continue
        message = _area_problem(plan, row)
        if message:
            plan.fail(row, message[0], message[1])
            continue
        plan.known_areas[row.get("code")] = (row.get("level"), row.get("parent_code"))


def _area_problem(plan: Plan, row: Row) -> tuple[str, str] | None:
    code, level, parent = row.get("code"), row.get("level"), row.get("parent_code")
    existing = plan.known_areas.get(code)
    if existing and existing[0] != level:
        return "level", gettext("%(code)s is already a %(level)s; its level cannot change") % {
            "code": code,
            "level": AreaLevel(existing[0]).label,
        }
    if not existing and not row.get("name"):
        return "name", gettext("the new area %(code)s needs a name") % {"code": code}
    if level == AreaLevel.DISTRICT:
        return ("parent_code", gettext("a district has no parent area")) if parent else None
    if not parent:
        if existing:
            return None
        return "parent_code", gettext("a %(level)s needs a parent area") % {
            "level": AreaLevel(level).label
        }
    parent_known = plan.known_areas.get(parent)
    if parent_known is None:
        return "parent_code", gettext(
            "the parent area %(code)s is not in the register or the file"
        ) % {"code": parent}
    expected = PARENT_LEVEL[level]
    if parent_known[0] != expected:
        return "parent_code", gettext(
            "a %(level)s must be inside a %(expected)s, but %(code)s is a %(actual)s"
        ) % {
            "level": AreaLevel(level).label,
            "expected": AreaLevel(str(expected)).label,
            "code": parent,
            "actual": AreaLevel(parent_known[0]).label,
        }
    if row.get("grid_layer") and level != AreaLevel.GRID:
        return "grid_layer", gettext("only grids have a grid type")
    if row.get("community_type") and level != AreaLevel.COMMUNITY:
        return "community_type", gettext("only communities have a community type")
    return None


def _check_compounds(plan: Plan) -> None:
    for code, row in plan.compounds.items():
        if (row.sheet, row.number) in plan.bad_rows:
            continue
        community = row.get("community_code")
        if not _is_level(plan, community, AreaLevel.COMMUNITY):
            plan.fail(
                row,
                "community_code",
                gettext("%(code)s is not a community in the register or the file")
                % {"code": community},
            )
            continue
        if code not in plan.known_compounds and not row.get("compound_name"):
            plan.fail(
                row,
                "compound_name",
                gettext("the new compound %(code)s needs a name") % {"code": code},
            )
            continue
        plan.known_compounds[code] = community


def _is_level(plan: Plan, code: str | None, level: str) -> bool:
    known = plan.known_areas.get(code or "")
    return known is not None and known[0] == level


def _check_buildings(plan: Plan) -> None:
    for code, row in plan.buildings.items():
        if (row.sheet, row.number) in plan.bad_rows:
            continue
        problem = _building_problem(plan, code, row)
        if problem:
            plan.fail(row, *problem)
            continue
        plan.known_buildings.add(code)


def _building_problem(plan: Plan, code: str, row: Row) -> tuple[str, str] | None:
    grid, compound = row.get("grid_code"), row.get("compound_code")
    if grid and not _is_level(plan, grid, AreaLevel.GRID):
        return "grid_code", gettext("%(code)s is not a grid in the register or the file") % {
            "code": grid
        }
    if code not in plan.known_buildings and not grid:
        return "grid_code", gettext("the new building %(code)s needs a grid") % {"code": code}
    if code not in plan.known_buildings and not row.get("building_label"):
        return "building_label", gettext("the new building %(code)s needs a name") % {"code": code}
    if compound:
        community = plan.known_compounds.get(compound)
        if community is None:
            return "compound_code", gettext(
                "%(code)s is not a compound in the register or the file"
            ) % {"code": compound}
        grid_parent = plan.known_areas.get(grid or "", ("", None))[1]
        if grid and grid_parent != community:
            return "compound_code", gettext(
                "compound %(compound)s is in community %(community)s, but grid %(grid)s is not"
            ) % {"compound": compound, "community": community, "grid": grid}
    return None


def _check_households(plan: Plan) -> None:
    existing = _existing_household_counts(list(plan.households))
    for code, row in plan.households.items():
        if (row.sheet, row.number) in plan.bad_rows:
            continue
        building = row.get("building_code")
        if building not in plan.known_buildings:
            plan.fail(
                row,
                "building_code",
                gettext("%(code)s is not a building in the register or the file")
                % {"code": building},
            )
            continue
        problem = _count_problem(row, existing.get(code, {}))
        if problem:
            plan.fail(row, *problem)


def _existing_household_counts(codes: list[str]) -> dict[str, dict[str, int | None]]:
    found: dict[str, dict[str, int | None]] = {}
    for chunk in _chunks(codes):
        for code, members, sixty, eighty in Household.objects.filter(code__in=chunk).values_list(
            "code", "members_count", "elderly_60_count", "elderly_80_count"
        ):
            found[code] = {"members": members, "elderly_60": sixty, "elderly_80": eighty}
    return found


def _count_problem(row: Row, before: dict[str, int | None]) -> tuple[str, str] | None:
    merged = before | {
        key: row.get(key)
        for key in ("members", "elderly_60", "elderly_80")
        if row.get(key) is not None
    }
    members, sixty, eighty = (
        merged.get("members"),
        merged.get("elderly_60"),
        merged.get("elderly_80"),
    )
    if members is not None and sixty is not None and sixty > members:
        return "elderly_60", gettext("more members aged 60+ (%(old)d) than members (%(all)d)") % {
            "old": sixty,
            "all": members,
        }
    if sixty is not None and eighty is not None and eighty > sixty:
        return "elderly_80", gettext(
            "more members aged 80+ (%(old)d) than aged 60+ (%(sixty)d)"
        ) % {"old": eighty, "sixty": sixty}
    return None
