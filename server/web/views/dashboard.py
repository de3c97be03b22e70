"""The dashboard: an area's record for a period (coverage, overdue households, needs,
回访满意率, satisfaction per dimension), twelve months of trends, and the areas right below it
in a table sortable by each figure, each linking further down the tree.

A manager starts at the area they manage, an administrator at the district. Areas outside the
person's scope answer 404 (``grids.selectors.visible_area``).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from server.accounts.models import Role
from server.accounts.selectors import Scope, scope_for
from server.grids.models import Area
from server.grids.selectors import ancestors, visible_area
from server.records.grid_record import SATISFACTION_BLOCKS, area_record
from server.records.record_trends import area_trends
from server.web.access import current_user, role_required
from server.web.period_picker import period_from
from server.web.record_presenters import (
    child_columns,
    dimensions,
    labelled,
    needs_trend_chart,
    record_summary,
    status_chart,
    trend_points,
    trends_chart,
)
from server.web.sortable import sort_table

DASHBOARD_ROLES = (Role.ADMINISTRATOR, Role.MANAGER)


def top_areas(scope: Scope) -> list[Area]:
    """Where a person's dashboard starts: the outermost areas they see."""
    areas = scope.areas().filter(is_active=True)
    if scope.everything:
        return list(areas.filter(parent__isnull=True).order_by("path"))
    return list(areas.filter(path__in=scope.roots).order_by("path"))


@role_required(*DASHBOARD_ROLES)
def dashboard_home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(current_user(request))
    tops = top_areas(scope)
    if not tops:
        return render(request, "web/dashboard_empty.html", {})
    return _dashboard(request, scope, tops[0], others=tops[1:])


@role_required(*DASHBOARD_ROLES)
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_for(current_user(request))
    place = visible_area(scope=scope, code=code)
    if place is None:
        raise Http404
    return _dashboard(request, scope, place, others=[])


def _dashboard(
    request: HttpRequest, scope: Scope, place: Area, *, others: list[Area]
) -> HttpResponse:
    choice = period_from(request.GET)
    record = area_record(scope=scope, area=place, period=choice.period)
    # The previous period only feeds the satisfaction "against the previous period" column,
    # so only its satisfaction block is read.
    previous = (
        area_record(
            scope=scope,
            area=place,
            period=choice.period.previous(),
            blocks=SATISFACTION_BLOCKS,
        )
        if record.figures.scores
        else None
    )
    table = sort_table(record.children, child_columns(), request.GET, default="name")
    by_status = labelled(record.figures.needs_by_status, "need_status")
    by_category = labelled(record.figures.needs_by_category, "need_category")
    trends = trend_points(
        area_trends(scope=scope, area=place, period=choice.period), record.figures.households
    )
    crumbs = [{"area": above, "linked": scope.sees_area(above)} for above in ancestors(place)]
    return render(
        request,
        "web/dashboard.html",
        {
            "place": place,
            "others": others,
            "crumbs": crumbs,
            "choice": choice,
            "summary": record_summary(record),
            "table": table,
            "by_status": by_status,
            "by_category": by_category,
            "dimensions": dimensions(
                record.figures, previous.figures if previous is not None else None
            ),
            "own_worker_responses": record.figures.own_worker_responses,
            "trends": trends,
            "trends_chart": trends_chart(trends),
            "needs_trend_chart": needs_trend_chart(trends),
            "category_chart": status_chart(by_category, _("Needs by category")),
        },
    )
