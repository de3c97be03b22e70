"""The home page: what each role needs first."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from server.accounts.models import Role, User
from server.accounts.selectors import collector_grids, scope_for
from server.grids.choices import AreaLevel
from server.grids.models import Area
from server.grids.selectors import AreaFigures, area_figures
from server.web.access import current_user
from server.web.presenters import KEY_FLAGS, flags_chart, households_chart


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    template, context = HOMES[user.role](user)
    return render(request, template, context)


def _rows(tops: list[AreaFigures], down_to: str) -> list[AreaFigures]:
    """Communities and grids (or the given deepest level) of the visible tree, in order."""
    levels = {AreaLevel.COMMUNITY, down_to}
    return [node for top in tops for node in top.walk() if node.area.level in levels]


def _totals(tops: list[AreaFigures]) -> dict[str, int]:
    return {
        "households": sum(top.households for top in tops),
        "priority": sum(top.priority for top in tops),
    }


def _manager_home(user: User) -> tuple[str, dict]:
    tops = area_figures(scope=scope_for(user))
    grids = [node for top in tops for node in top.walk() if node.area.is_grid]
    return "web/home_manager.html", {
        "tops": tops,
        "rows": _rows(tops, AreaLevel.GRID),
        "totals": _totals(tops),
        "grid_count": len(grids),
        "key_flags": KEY_FLAGS,
        "households_chart": households_chart(grids, _("Households per grid")),
        "flags_chart": flags_chart(grids, _("Special populations per grid")),
    }


def _collector_home(user: User) -> tuple[str, dict]:
    tops = area_figures(scope=scope_for(user))
    return "web/home_collector.html", {
        "grids": [node for top in tops for node in top.walk() if node.area.is_grid],
        "assigned": collector_grids(user),
        "key_flags": KEY_FLAGS,
    }


def _designer_home(user: User) -> tuple[str, dict]:
    return "web/home_designer.html", {}


def _administrator_home(user: User) -> tuple[str, dict]:
    tops = area_figures(scope=scope_for(user))
    communities = [n for top in tops for n in top.walk() if n.area.level == AreaLevel.COMMUNITY]
    areas = dict(
        Area.objects.filter(is_active=True).values_list("level").annotate(total=Count("pk"))
    )
    people = dict(
        User.objects.filter(is_active=True).values_list("role").annotate(total=Count("pk"))
    )
    return "web/home_administrator.html", {
        "totals": _totals(tops),
        "area_counts": [(label, areas.get(level, 0)) for level, label in AreaLevel.choices],
        "people_counts": [(label, people.get(role, 0)) for role, label in Role.choices],
        "inactive_people": User.objects.filter(is_active=False).count(),
        "households_chart": households_chart(communities, _("Households per community")),
    }


HOMES: dict[str, Callable[[User], tuple[str, dict]]] = {
    Role.ADMINISTRATOR: _administrator_home,
    Role.MANAGER: _manager_home,
    Role.COLLECTOR: _collector_home,
    Role.DESIGNER: _designer_home,
}
