"""Turning register objects into what a page shows: labels, masked values, provenance.

Only adapts output; the privacy rule itself is ``server.accounts.privacy``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from server.accounts.privacy import PersonalData
from server.grids.choices import Source, SpecialPopulation
from server.grids.models import Household, HouseholdFlag
from server.grids.selectors import AreaFigures

# The flags shown as table columns and chart series: the ones managers are asked about
# most (DOMAIN §1.7, §4.5). Every flag is still shown on households and in filters.
KEY_FLAGS = (
    SpecialPopulation.DIBAO,
    SpecialPopulation.HARDSHIP,
    SpecialPopulation.DISABLED,
    SpecialPopulation.ELDERLY_80,
    SpecialPopulation.SERIOUS_ILL,
    SpecialPopulation.MIGRANT,
)
FLAG_TONES: dict[str, str] = {
    SpecialPopulation.DIBAO: "warn",
    SpecialPopulation.DIBAO_EDGE: "warn",
    SpecialPopulation.HARDSHIP: "warn",
    SpecialPopulation.ZERO_EMPLOYMENT: "warn",
    SpecialPopulation.DISABLED: "care",
    SpecialPopulation.SERIOUS_ILL: "care",
    SpecialPopulation.ELDERLY_80: "care",
    SpecialPopulation.CHILD_DIFFICULTY: "care",
}


@dataclass(frozen=True)
class FlagBadge:
    code: str
    label: str
    tone: str
    source: str


def flag_badges(flags: list[HouseholdFlag]) -> list[FlagBadge]:
    return [
        FlagBadge(
            code=flag.flag,
            label=str(SpecialPopulation(flag.flag).label),
            tone=FLAG_TONES.get(flag.flag, "info"),
            source=source_label(flag.source),
        )
        for flag in flags
    ]


def source_label(source: str) -> str:
    try:
        return str(Source(source).label)
    except ValueError:
        return source


@dataclass(frozen=True)
class HouseholdRow:
    household: Household
    head_name: str
    flags: list[FlagBadge]


def household_rows(households: list[Household], personal: PersonalData) -> list[HouseholdRow]:
    return [
        HouseholdRow(
            household=household,
            head_name=personal.name(household.head_name),
            flags=flag_badges(list(household.flags.all())),
        )
        for household in households
    ]


# Register fields shown on a household's page, in reading order.
REGISTER_FIELDS = (
    "code",
    "address_label",
    "unit",
    "floor",
    "room",
    "head_name",
    "phone",
    "residence_type",
    "status",
    "members_count",
    "elderly_60_count",
    "elderly_80_count",
    "elderly_living",
    "housing_condition",
    "priority",
    "notes",
)


@dataclass(frozen=True)
class FieldView:
    name: str
    label: str
    value: str
    source: str
    asserted_at: datetime | None
    verified_at: datetime | None


def register_fields(household: Household, personal: PersonalData) -> list[FieldView]:
    provenance = household.provenance or {}
    return [
        _field_view(household, name, personal, provenance.get(name) or {})
        for name in REGISTER_FIELDS
    ]


def _field_view(
    household: Household, name: str, personal: PersonalData, origin: dict[str, Any]
) -> FieldView:
    model_field = Household._meta.get_field(name)
    return FieldView(
        name=name,
        label=capfirst(str(getattr(model_field, "verbose_name", name))),
        value=personal.field(name, _display(household, model_field)),
        source=source_label(origin["source"]) if origin.get("source") else "",
        asserted_at=_moment(origin.get("at")),
        verified_at=_moment(origin.get("verified_at")),
    )


def _display(household: Household, model_field: Any) -> str:
    value = getattr(household, model_field.name)
    if value is None or value == "":
        return ""
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value else _("No")
    if model_field.choices:
        return str(getattr(household, f"get_{model_field.name}_display")())
    return str(value)


def _moment(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    moment = parse_datetime(text)
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def flags_chart(nodes: list[AreaFigures], title: str) -> dict[str, Any]:
    """A stacked bar chart of key special populations per area, for charts.js."""
    series = [
        {
            "name": str(SpecialPopulation(flag).label),
            "stack": "flags",
            "data": [node.flags.get(flag, 0) for node in nodes],
        }
        for flag in KEY_FLAGS
    ]
    return _chart(title, [node.area.name for node in nodes], series)


def households_chart(nodes: list[AreaFigures], title: str) -> dict[str, Any]:
    """Households and priority households per area, for charts.js."""
    series = [
        {"name": _("Households"), "data": [node.households for node in nodes]},
        {"name": _("Priority households"), "data": [node.priority for node in nodes]},
    ]
    return _chart(title, [node.area.name for node in nodes], series)


def _chart(title: str, categories: list[str], series: list[dict[str, Any]]) -> dict[str, Any]:
    """Rendered into the page with ``json_script``; static/web/charts.js draws it."""
    return {"type": "bar", "title": title, "categories": categories, "series": series}
