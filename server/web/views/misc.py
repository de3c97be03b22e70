"""Smaller pages: the forms list (designers, administrators) and setting up ODK Collect."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from server.accounts.models import Role
from server.accounts.selectors import collector_grids
from server.web.access import current_user, role_required
from server.xforms.models import Form


@role_required(Role.ADMINISTRATOR, Role.DESIGNER)
def forms(request: HttpRequest) -> HttpResponse:
    # A plain read of the form models until server.xforms offers a selector for it.
    rows = Form.objects.select_related("current_version").order_by("form_id")
    return render(request, "web/forms.html", {"forms": rows})


@role_required(Role.COLLECTOR)
def onboarding(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "web/onboarding.html",
        {"server_url": request.build_absolute_uri("/"), "grids": collector_grids(user)},
    )
