"""Writes to the register, one entity at a time (bulk imports: ``register_import``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from server.core.errors import GridbookError
from server.grids import errors
from server.grids.choices import PARENT_LEVEL, AreaLevel, GridLayer, Source
from server.grids.flag_history import flags_changed
from server.grids.models import Area, Building, Compound, Household, HouseholdFlag
from server.grids.register_writes import default_address


def _wrong_parent(child: str, expected: str | None, parent: Area) -> GridbookError:
    return GridbookError(
        errors.AREA_WRONG_PARENT,
        level=_level_label(child),
        parent_level=_level_label(expected) if expected else "-",
        parent=parent.code,
        actual=_level_label(parent.level),
    )


def _level_label(level: str) -> str:
    labels = {**dict(AreaLevel.choices), "compound": _("compound"), "building": _("building")}
    return str(labels.get(level, level))


def area_create(
    *, code: str, name: str, level: str, parent: Area | None = None, **extra: Any
) -> Area:
    expected = PARENT_LEVEL[level]
    if expected is None and parent is not None:
        raise _wrong_parent(level, None, parent)
    if expected is not None and parent is None:
        raise GridbookError(errors.AREA_PARENT_MISSING, level=_level_label(level))
    if parent is not None and parent.level != expected:
        raise _wrong_parent(level, expected, parent)
    if level == AreaLevel.GRID:
        extra.setdefault("grid_layer", GridLayer.SOCIAL_WORK)
    area = Area(
        code=code,
        name=name,
        level=level,
        parent=parent,
        path=f"{parent.path if parent else '/'}{code}/",
        **extra,
    )
    area.full_clean()
    area.save()
    return area


def compound_create(*, code: str, name: str, community: Area, **extra: Any) -> Compound:
    if community.level != AreaLevel.COMMUNITY:
        raise _wrong_parent("compound", AreaLevel.COMMUNITY, community)
    compound = Compound(code=code, name=name, community=community, **extra)
    compound.full_clean()
    compound.save()
    return compound


def building_create(
    *, code: str, label: str, grid: Area, compound: Compound | None = None, **extra: Any
) -> Building:
    if grid.level != AreaLevel.GRID:
        raise _wrong_parent("building", AreaLevel.GRID, grid)
    if compound is not None and compound.community_id != grid.parent_id:
        raise GridbookError(
            errors.COMPOUND_OUTSIDE_COMMUNITY, building=code, grid=grid.code, compound=compound.code
        )
    building = Building(code=code, label=label, grid=grid, compound=compound, **extra)
    building.full_clean()
    building.save()
    return building


@transaction.atomic
def household_create(
    *,
    code: str,
    building: Building,
    flags: Iterable[str] = (),
    source: str = Source.MANUAL,
    **fields: Any,
) -> Household:
    fields.setdefault(
        "address_label", default_address(building.label, fields.get("unit"), fields.get("room"))
    )
    stamp = timezone.now().isoformat(timespec="seconds")
    provenance = {name: {"source": source, "at": stamp, "verified_at": None} for name in fields}
    household = Household(code=code, building=building, provenance=provenance, **fields)
    household.full_clean()
    household.save()
    household_set_flags(household=household, flags=flags, source=source)
    return household


@transaction.atomic
def household_set_flags(*, household: Household, flags: Iterable[str], source: str) -> None:
    """Make ``flags`` the set this source asserts; other sources' flags stay."""
    wanted = set(flags)
    have = dict(HouseholdFlag.objects.filter(household=household).values_list("flag", "source"))
    HouseholdFlag.objects.bulk_create(
        [
            HouseholdFlag(household=household, flag=flag, source=source)
            for flag in sorted(wanted - set(have))
        ]
    )
    stale = [flag for flag, owner in have.items() if owner == source and flag not in wanted]
    HouseholdFlag.objects.filter(household=household, flag__in=stale).delete()
    flags_changed(
        [(household.pk, flag, True, source) for flag in sorted(wanted - set(have))]
        + [(household.pk, flag, False, source) for flag in sorted(stale)]
    )
