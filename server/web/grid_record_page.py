"""The record part of a grid's page: the period picker, the grid's record for that period,
its photo gallery and its visit map. A fixed number of queries whatever the grid's size.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from server.accounts.selectors import Scope
from server.grids.models import Area, Household
from server.records.grid_record import NOT_VISITED_DAYS, area_record
from server.records.models import Visit
from server.web.access import current_user
from server.web.choice_labels import label_of
from server.web.period_picker import period_from
from server.web.photos import grid_photos
from server.web.record_presenters import dimensions, labelled, record_summary
from server.web.visit_map import GeoPoint, MapView, draw_map

MAP_POINTS_LIMIT = 600
"""The newest visit points drawn; a month of a 320-household grid is far below this."""


def overdue_for_visit(
    households: QuerySet[Household], days: int = NOT_VISITED_DAYS
) -> QuerySet[Household]:
    """Only the households not visited in ``days`` days (or never), like the record counts."""
    cutoff = timezone.now() - timedelta(days=days)
    return households.filter(Q(last_visit_at__isnull=True) | Q(last_visit_at__lt=cutoff))


def grid_record_context(request: HttpRequest, scope: Scope, grid: Area) -> dict[str, Any]:
    choice = period_from(request.GET)
    record = area_record(scope=scope, area=grid, period=choice.period)
    figures = record.figures
    return {
        "choice": choice,
        "summary": record_summary(record),
        "by_status": labelled(figures.needs_by_status, "need_status"),
        "by_category": labelled(figures.needs_by_category, "need_category"),
        "by_result": labelled(figures.visits_by_result, "visit_result"),
        "dimensions": dimensions(figures, None),
        "photos": grid_photos(
            user=current_user(request),
            grid=grid,
            start=choice.period.start,
            end=choice.period.end,
        ),
        "visit_map": visit_map(scope, grid, choice.period.start, choice.period.end),
        "keep": [],
    }


def visit_map(scope: Scope, grid: Area, start: Any, end: Any) -> MapView:
    """Visits with a GPS fix in the period over the households with a known position."""
    visits = (
        scope.filter_by_grid(Visit.objects.filter(grid=grid), "grid")
        .filter(visited_at__gte=start, visited_at__lt=end, latitude__isnull=False)
        .exclude(longitude__isnull=True)
        .order_by("-visited_at")
        .values_list("latitude", "longitude", "visited_at", "result", "household__code")
    )[:MAP_POINTS_LIMIT]
    points = [
        GeoPoint(
            latitude=float(lat or 0),
            longitude=float(lon or 0),
            label=_visit_label(at, result, code),
            tone="nobody" if result == "nobody_home" else "visit",
            url=reverse("web:household", args=[code]) if code else "",
        )
        for lat, lon, at, result, code in visits
    ]
    homes = (
        scope.households()
        .filter(building__grid=grid, latitude__isnull=False, longitude__isnull=False)
        .values_list("latitude", "longitude")
    )
    base = [GeoPoint(float(lat or 0), float(lon or 0), tone="household") for lat, lon in homes]
    return draw_map(points, base)


def _visit_label(at: Any, result: str, code: str | None) -> str:
    when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
    parts = [when, label_of("visit_result", result) if result else "", code or _("new address")]
    return " · ".join(part for part in parts if part)
