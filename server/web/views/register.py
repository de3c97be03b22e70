"""The register: the area tree, an area's page, a grid's households, a household.

Every read goes through the person's scope; anything outside it answers 404, never 403, so
that the existence of a household or area does not leak.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from server.accounts.models import Role
from server.accounts.privacy import personal_data_for
from server.accounts.selectors import Scope, scope_for
from server.grids.models import Area
from server.grids.selectors import (
    ancestors,
    area_figures,
    grid_households,
    household_detail,
    visible_area,
)
from server.records.grid_record import NOT_VISITED_DAYS
from server.web.access import current_user, role_required
from server.web.forms import HouseholdFilterForm
from server.web.grid_record_page import grid_record_context, overdue_for_visit
from server.web.household_history import household_history
from server.web.presenters import (
    KEY_FLAGS,
    flag_badges,
    flags_chart,
    household_rows,
    households_chart,
    register_fields,
)

HOUSEHOLDS_PER_PAGE = 50
REGISTER_ROLES = (Role.ADMINISTRATOR, Role.MANAGER, Role.COLLECTOR)


@role_required(*REGISTER_ROLES)
def register(request: HttpRequest) -> HttpResponse:
    tops = area_figures(scope=scope_for(current_user(request)))
    rows = [node for top in tops for node in top.walk()]
    return render(
        request, "web/register.html", {"rows": rows, "tops": tops, "key_flags": KEY_FLAGS}
    )


def _area_or_404(scope: Scope, code: str) -> Area:
    area = visible_area(scope=scope, code=code)
    if area is None:
        raise Http404
    return area


def _crumbs(scope: Scope, area: Area) -> list[dict[str, object]]:
    """Ancestors for the breadcrumb: linked where the person may open them."""
    return [{"area": above, "linked": scope.sees_area(above)} for above in ancestors(area)]


@role_required(*REGISTER_ROLES)
def area(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_for(current_user(request))
    place = _area_or_404(scope, code)
    if place.is_grid:
        return _grid(request, scope, place)
    tops = area_figures(scope=scope, under=place)
    node = tops[0]
    children = node.children
    return render(
        request,
        "web/area.html",
        {
            "place": place,
            "node": node,
            "children": children,
            "crumbs": _crumbs(scope, place),
            "key_flags": KEY_FLAGS,
            "households_chart": households_chart(children, _("Households")),
            "flags_chart": flags_chart(children, _("Special populations")),
        },
    )


def _grid(request: HttpRequest, scope: Scope, grid: Area) -> HttpResponse:
    form = HouseholdFilterForm(request.GET or None)
    filters = form.filters()
    households = grid_households(scope=scope, grid=grid, filters=filters)
    if form.overdue_only:
        households = overdue_for_visit(households)
    page = Paginator(households, HOUSEHOLDS_PER_PAGE).get_page(request.GET.get("page"))
    personal = personal_data_for(current_user(request))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "grid": grid,
        "form": form,
        "filters": filters,
        "page": page,
        "rows": household_rows(list(page.object_list), personal),
        "query": query.urlencode(),
        "masked": not personal.in_full,
        "overdue_only": form.overdue_only,
        "not_visited_days": NOT_VISITED_DAYS,
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "households":
        response = render(request, "web/_households.html", context)
    else:
        node = area_figures(scope=scope, under=grid)[0]
        context |= {"node": node, "crumbs": _crumbs(scope, grid), "key_flags": KEY_FLAGS}
        context |= grid_record_context(request, scope, grid)
        response = render(request, "web/grid.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@role_required(*REGISTER_ROLES)
def household(request: HttpRequest, code: str) -> HttpResponse:
    user = current_user(request)
    scope = scope_for(user)
    found = household_detail(scope=scope, code=code, viewer=user)
    if found is None:
        raise Http404
    personal = personal_data_for(user)
    grid = found.building.grid
    history = household_history(user=user, household=found, personal=personal)
    return render(
        request,
        "web/household.html",
        {
            "household": found,
            "grid": grid,
            "crumbs": [*_crumbs(scope, grid), {"area": grid, "linked": True}],
            "fields": register_fields(found, personal),
            "flags": flag_badges(list(found.flags.all())),
            "masked": not personal.in_full,
            "history": history,
            "decides_changes": user.role in (Role.ADMINISTRATOR, Role.MANAGER),
            "people": [],
        },
    )
