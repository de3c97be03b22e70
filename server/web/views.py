from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from server.accounts.models import User
from server.accounts.selectors import scope_for
from server.grids.choices import AreaLevel


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    scope = scope_for(user)
    areas = scope.areas()
    context = {
        "scope": scope,
        "top_areas": areas.exclude(level=AreaLevel.GRID).order_by("path")[:20]
        if scope.roots or scope.everything
        else areas.none(),
        "grid_count": scope.grids().count(),
        "household_count": scope.households().count(),
        "assigned": user.areas.order_by("path"),
    }
    return render(request, "web/home.html", context)
