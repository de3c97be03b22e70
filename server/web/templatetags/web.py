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
