"""The full record page of an area (grid, community, street, district) for a period."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from server.accounts.selectors import scope_for
from server.grids.selectors import ancestors, visible_area
from server.web.access import current_user, role_required
from server.web.record_page import record_page_context
from server.web.views.register import REGISTER_ROLES


@role_required(*REGISTER_ROLES)
def area_record_page(request: HttpRequest, code: str) -> HttpResponse:
    scope = scope_for(current_user(request))
    place = visible_area(scope=scope, code=code)
    if place is None:
        raise Http404
    context = record_page_context(request, scope, place)
    context["crumbs"] = [
        {"area": above, "linked": scope.sees_area(above)} for above in ancestors(place)
    ]
    return render(request, "web/record.html", context)
