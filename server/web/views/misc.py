"""Smaller pages: setting up ODK Collect."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from server.accounts.models import Role
from server.accounts.selectors import collector_grids
from server.web.access import current_user, role_required


@role_required(Role.COLLECTOR)
def onboarding(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "web/onboarding.html",
        {"server_url": request.build_absolute_uri("/"), "grids": collector_grids(user)},
    )
