"""Writing checked register rows (see ``register_import``): upsert by code, in bulk, inside the
caller's transaction. Only the columns a row carries are written; provenance records which
source asserted each household field and flag."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from server.grids.choices import AreaLevel
from server.grids.flag_history import flags_changed
from server.grids.importing import Row
from server.grids.models import Area, Building, Compound, Household, HouseholdFlag

if TYPE_CHECKING:
    from server.grids.register_import import ImportReport

Progress = Callable[[str, int, int], None]
CHUNK = 1000
LEVEL_RANK = {AreaLevel.DISTRICT: 0, AreaLevel.STREET: 1, AreaLevel.COMMUNITY: 2, AreaLevel.GRID: 3}
HOUSEHOLD_FIELDS = {
    "address": "address_label",
    "unit": "unit",
    "floor": "floor",
    "room": "room",
    "head_name": "head_name",
    "phone": "phone",
    "residence_type": "residence_type",
    "status": "status",
    "members": "members_count",
    "elderly_60": "elderly_60_count",
    "elderly_80": "elderly_80_count",
    "elderly_living": "elderly_living",
    "priority": "priority",
    "latitude": "latitude",
    "longitude": "longitude",
    "notes": "notes",
}


def _set_changed(instance: Any, values: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        if value is not None and getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def apply_areas(rows: list[Row], report: ImportReport, progress: Progress | None) -> None:
    rows = sorted(rows, key=lambda row: LEVEL_RANK[row.get("level")])
    areas = {area.code: area for area in Area.objects.filter(code__in=_area_codes(rows))}
    for done, row in enumerate(rows, start=1):
        area = areas.get(row.get("code"))
        parent = areas.get(row.get("parent_code") or "")
        values = {
            "name": row.get("name"),
            "community_type": row.get("community_type"),
            "grid_layer": row.get("grid_layer"),
            "target_households": row.get("target_households"),
        }
        if area is None:
            area = _new_area(row, parent, values)
            report.created["areas"] += 1
        elif _update_area(area, parent, values):
            report.updated["areas"] += 1
        areas[area.code] = area
        if progress:
            progress("areas", done, len(rows))


def _area_codes(rows: list[Row]) -> set[str]:
    return {row.get("code") for row in rows} | {
        row.get("parent_code") for row in rows if row.get("parent_code")
    }


def _new_area(row: Row, parent: Area | None, values: dict[str, Any]) -> Area:
    level = row.get("level")
    area = Area(
        code=row.get("code"),
        level=level,
        parent=parent,
        path=f"{parent.path if parent else '/'}{row.get('code')}/",
        grid_layer=values["grid_layer"] or ("social_work" if level == AreaLevel.GRID else ""),
        **{
            key: value for key, value in values.items() if value is not None and key != "grid_layer"
        },
    )
    area.save()
    return area


def _update_area(area: Area, parent: Area | None, values: dict[str, Any]) -> bool:
    changed = _set_changed(area, values)
    if parent is not None and area.parent_id != parent.pk:
        old_path, area.parent = area.path, parent
        area.path = f"{parent.path}{area.code}/"
        _repath_descendants(old_path, area.path)
        changed += ["parent", "path"]
    if changed:
        area.save(update_fields=[*changed, "updated_at"])
    return bool(changed)


def _repath_descendants(old: str, new: str) -> None:
    descendants = list(Area.objects.filter(path__startswith=old).exclude(path=old))
    for area in descendants:
        area.path = new + area.path[len(old) :]
    Area.objects.bulk_update(descendants, ["path"])


def _code_map(model: Any, codes: set[str]) -> dict[str, int]:
    codes = {code for code in codes if code}
    return dict(model.objects.filter(code__in=codes).values_list("code", "pk"))


def apply_compounds(rows: list[Row], report: ImportReport) -> None:
    communities = _code_map(Area, {row.get("community_code") for row in rows})
    existing = {
        item.code: item
        for item in Compound.objects.filter(code__in=[row.get("compound_code") for row in rows])
    }
    new, changed = [], []
    for row in rows:
        values = {
            "name": row.get("compound_name"),
            "community_id": communities.get(row.get("community_code")),
            "property_status": row.get("property_status"),
        }
        compound = existing.get(row.get("compound_code"))
        if compound is None:
            new.append(
                Compound(
                    code=row.get("compound_code"),
                    **{k: v for k, v in values.items() if v is not None},
                )
            )
        elif _set_changed(compound, values):
            changed.append(compound)
    Compound.objects.bulk_create(new)
    Compound.objects.bulk_update(changed, ["name", "community_id", "property_status"])
    report.created["compounds"] += len(new)
    report.updated["compounds"] += len(changed)


def apply_buildings(rows: list[Row], report: ImportReport) -> None:
    grids = _code_map(Area, {row.get("grid_code") for row in rows})
    compounds = _code_map(Compound, {row.get("compound_code") for row in rows})
    existing = {
        item.code: item
        for item in Building.objects.filter(code__in=[row.get("building_code") for row in rows])
    }
    new, changed = [], []
    for row in rows:
        values = {
            "label": row.get("building_label"),
            "grid_id": grids.get(row.get("grid_code")),
            "compound_id": compounds.get(row.get("compound_code")),
            "unit_count": row.get("units"),
            "floor_count": row.get("floors"),
            "head_name": row.get("building_head"),
            "head_phone": row.get("building_head_phone"),
        }
        building = existing.get(row.get("building_code"))
        if building is None:
            new.append(
                Building(
                    code=row.get("building_code"),
                    **{k: v for k, v in values.items() if v is not None},
                )
            )
        elif _set_changed(building, values):
            building.updated_at = timezone.now()
            changed.append(building)
    Building.objects.bulk_create(new, batch_size=CHUNK)
    Building.objects.bulk_update(
        changed,
        [
            "label",
            "grid_id",
            "compound_id",
            "unit_count",
            "floor_count",
            "head_name",
            "head_phone",
            "updated_at",
        ],
        batch_size=CHUNK,
    )
    report.created["buildings"] += len(new)
    report.updated["buildings"] += len(changed)


def apply_households(
    rows: list[Row], source: str, report: ImportReport, progress: Progress | None
) -> None:
    buildings = dict(
        Building.objects.filter(code__in={row.get("building_code") for row in rows}).values_list(
            "code", "pk"
        )
    )
    labels = dict(Building.objects.filter(pk__in=buildings.values()).values_list("pk", "label"))
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        _apply_household_chunk(chunk, buildings, labels, source, report)
        if progress:
            progress("households", min(start + CHUNK, len(rows)), len(rows))


def _apply_household_chunk(
    rows: list[Row],
    buildings: dict[str, int],
    labels: dict[int, str],
    source: str,
    report: ImportReport,
) -> None:
    existing = {
        item.code: item
        for item in Household.objects.filter(code__in=[row.get("household_code") for row in rows])
    }
    stamp = timezone.now().isoformat(timespec="seconds")
    new, changed, fields = [], [], set()
    for row in rows:
        row_source = row.get("source") or source
        values = {model_field: row.get(key) for key, model_field in HOUSEHOLD_FIELDS.items()}
        values["building_id"] = buildings[row.get("building_code")]
        household = existing.get(row.get("household_code"))
        if household is None:
            household = Household(code=row.get("household_code"))
            values["address_label"] = values["address_label"] or default_address(
                labels[values["building_id"]], row.get("unit"), row.get("room")
            )
            new.append(household)
        names = _set_changed(household, values)
        _record_provenance(household, names, row_source, stamp)
        if household.pk and names:
            changed.append(household)
            fields.update(names)
    Household.objects.bulk_create(new)
    if changed:
        Household.objects.bulk_update(changed, sorted(fields | {"provenance", "updated_at"}))
    report.created["households"] += len(new)
    report.updated["households"] += len(changed)
    _apply_flags(rows, {item.code: item for item in [*existing.values(), *new]}, source, report)


def default_address(building_label: str, unit: str | None, room: str | None) -> str:
    parts = [building_label]
    if unit:
        parts.append(f"{unit}单元")
    if room:
        parts.append(room)
    return "".join(parts)


def _record_provenance(household: Household, names: list[str], source: str, stamp: str) -> None:
    provenance = dict(household.provenance or {})
    for name in names:
        if name != "building_id":
            provenance[name] = {"source": source, "at": stamp, "verified_at": None}
    household.provenance = provenance
    household.updated_at = timezone.now()


def _apply_flags(
    rows: list[Row], households: dict[str, Household], source: str, report: ImportReport
) -> None:
    """A flags column states the full set of flags this source asserts for the household:
    flags it no longer lists are removed, flags other sources asserted are left alone."""
    flagged = [row for row in rows if "flags" in row.values]
    if not flagged:
        return
    ids = [households[row.get("household_code")].pk for row in flagged]
    current: dict[int, dict[str, str]] = {}
    for household_id, flag, flag_source in HouseholdFlag.objects.filter(
        household_id__in=ids
    ).values_list("household_id", "flag", "source"):
        current.setdefault(household_id, {})[flag] = flag_source
    added, removed = [], []
    removed_by: dict[tuple[int, str], str] = {}
    for row in flagged:
        row_source = row.get("source") or source
        household_id = households[row.get("household_code")].pk
        have = current.get(household_id, {})
        wanted = set(row.get("flags"))
        added += [
            HouseholdFlag(household_id=household_id, flag=flag, source=row_source)
            for flag in sorted(wanted - set(have))
        ]
        for flag, owner in have.items():
            if owner == row_source and flag not in wanted:
                removed.append((household_id, flag))
                removed_by[household_id, flag] = row_source
    HouseholdFlag.objects.bulk_create(added)
    for household_id, flag in removed:
        HouseholdFlag.objects.filter(household_id=household_id, flag=flag).delete()
    flags_changed(
        [(item.household_id, item.flag, True, item.source) for item in added]
        + [
            (household_id, flag, False, removed_by[household_id, flag])
            for household_id, flag in removed
        ]
    )
    report.created["flags"] += len(added)
    report.removed["flags"] += len(removed)
