"""Small template helpers of the web pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from server.grids.choices import LEVEL_ORDER
from server.grids.models import Area

register = template.Library()


@register.filter
def get(mapping: Mapping[str, Any], key: str) -> Any:
    """``{{ counts|get:flag }}``: a mapping's value, 0 when absent."""
    return mapping.get(key, 0) if mapping else 0


@register.filter
def indent_class(area: Area) -> str:
    """Indentation of an area in a tree table, by level (district flush left)."""
    return f"indent-{LEVEL_ORDER.index(area.level)}" if area.level in LEVEL_ORDER else ""


@register.filter
def percent(part: int, whole: int) -> int:
    """Whole percent of ``part`` in ``whole`` (0 when there is no whole)."""
    return round(100 * part / whole) if whole else 0


@register.filter
def pct(value: float | None) -> str:
    """``{{ figures.coverage|pct }}``: 87.5%, or — when there is no data (0 of 0)."""
    if value is None:
        return "—"
    return f"{value:g}%"


@register.filter
def dash(value: Any) -> Any:
    """A missing figure (None) shown as —; 0 stays 0."""
    return "—" if value is None else value


@register.filter
def open_needs(figures: Any) -> int:
    from server.web.record_presenters import open_needs as count

    return count(figures)


@register.filter
def resolve_days(figures: Any) -> float | None:
    from server.web.record_presenters import median_days_to_resolve

    return median_days_to_resolve(figures)


@register.filter
def overall_index(figures: Any) -> float | None:
    from server.web.record_presenters import overall_index as index

    return index(figures)
