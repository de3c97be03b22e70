"""A collector's ODK Collect access (administrators only): the settings QR code (PNG, SVG
and a print-friendly sheet with name, grids and server URL), revoking and reissuing the
token it carries, and the phones the collector used with when each last fetched forms and
sent submissions.

The QR code and the token server URL are secrets: the answers are ``no-store``. A GET never
issues a token; issuing, reissuing and revoking are POSTs through
``accounts.onboarding``/``accounts.collector_tokens``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from server.accounts.collector_devices import collector_devices
from server.accounts.collector_tokens import active_token, collector_token_revoke
from server.accounts.models import CollectorToken, Role, User
from server.accounts.onboarding import Onboarding, collector_onboarding
from server.accounts.selectors import collector_grids
from server.web.access import current_user, role_required

ADMIN = Role.ADMINISTRATOR


def _collector(username: str) -> User:
    return get_object_or_404(User, username=username, role=Role.COLLECTOR)


def _base_url(request: HttpRequest) -> str:
    """Where phones reach this server: GRIDBOOK_PUBLIC_URL, else the address of this page."""
    return str(getattr(settings, "GRIDBOOK_PUBLIC_URL", "") or request.build_absolute_uri("/"))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _onboarding(request: HttpRequest, person: User) -> Onboarding | None:
    """The collector's onboarding with their current token, or None when they have none."""
    if active_token(person) is None:
        return None
    return collector_onboarding(user=person, base_url=_base_url(request))


def collect_context(person: User) -> dict[str, Any]:
    """What the person page shows of a collector's Collect access (three queries)."""
    token = (
        CollectorToken.objects.filter(user=person, revoked_at__isnull=True)
        .select_related("created_by")
        .first()
    )
    return {"token": token, "devices": list(collector_devices(person))}


@role_required(ADMIN)
def collector_qr(request: HttpRequest, username: str, kind: str) -> HttpResponse:
    onboarding = _onboarding(request, _collector(username))
    if onboarding is None:
        raise Http404
    if kind == "svg":
        return _no_store(HttpResponse(onboarding.svg(), content_type="image/svg+xml"))
    return _no_store(HttpResponse(onboarding.png(scale=8), content_type="image/png"))


@role_required(ADMIN)
def collector_sheet(request: HttpRequest, username: str) -> HttpResponse:
    """A page to print and hand to the collector: the QR code, their name, grids, the
    server URL, and what to do with it."""
    person = _collector(username)
    onboarding = _onboarding(request, person)
    if onboarding is None:
        messages.error(request, _("%(name)s has no QR code yet: issue one first.") % _named(person))
        return redirect("web:person", username=person.username)
    context = {
        "person": person,
        "grids": list(collector_grids(person)),
        "server_url": onboarding.server_url,
        "plain_server_url": _base_url(request),
        "project": onboarding.settings["project"]["name"],
    }
    return _no_store(render(request, "web/collector_sheet.html", context))


@require_POST
@role_required(ADMIN)
def collector_token(request: HttpRequest, username: str) -> HttpResponse:
    """POST ``action=issue`` (a first token, or a new one replacing the old: phones set up
    with the old QR code stop connecting at once) or ``action=revoke``."""
    person = _collector(username)
    action = request.POST.get("action")
    if action == "revoke":
        if collector_token_revoke(user=person, by=current_user(request)):
            messages.success(
                request,
                _(
                    "The QR code of %(name)s was revoked: phones set up with it can no "
                    "longer connect."
                )
                % _named(person),
            )
        else:
            messages.info(request, _("%(name)s had no QR code to revoke.") % _named(person))
    elif action == "issue":
        had_one = active_token(person) is not None
        collector_onboarding(
            user=person, base_url=_base_url(request), issued_by=current_user(request), reissue=True
        )
        messages.success(
            request,
            (
                _("A new QR code was issued for %(name)s; the old one no longer works.")
                if had_one
                else _("A QR code was issued for %(name)s.")
            )
            % _named(person),
        )
    else:  # the page's buttons always name one: the address exists, the request is wrong
        raise BadRequest("action must be issue or revoke")
    return redirect("web:person", username=person.username)


def _named(person: User) -> dict[str, str]:
    return {"name": person.display_name}
