"""What every OpenRosa endpoint does around its own work: CSRF-exempt, allowed methods, signing
Collect in (password or token URL), the worker's language, the catalog's errors rendered as
OpenRosa XML, the OpenRosa headers, no cookies, and the phone's activity recorded."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from server.accounts.collector_devices import Activity, collector_device_seen
from server.accounts.models import User
from server.core.errors import GridbookError
from server.openrosa import errors
from server.openrosa.auth import refusal, sign_in
from server.openrosa.responses import error_response, openrosa_headers

View = Callable[..., HttpResponseBase]
logger = logging.getLogger(__name__)


def collect_endpoint(*methods: str, activity: Activity = Activity.OTHER) -> Callable[[View], View]:
    """Wrap a view ``view(request, user, **kwargs)`` served at ``<server>/…`` and at
    ``<server>/key/<token>/…``."""
    allowed = {method.upper() for method in methods}
    if "GET" in allowed:
        allowed.add("HEAD")

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def endpoint(
            request: HttpRequest, token: str | None = None, **kwargs: Any
        ) -> HttpResponseBase:
            if request.method not in allowed:
                return _method_not_allowed(allowed)
            try:
                with translation.override(settings.LANGUAGE_CODE):
                    signed_in = sign_in(request, token)
                    if not signed_in.ok or signed_in.user is None:
                        return refusal(signed_in.outcome)
                user = signed_in.user
                response = _run(view, request, user, kwargs)
                if response.status_code < 400:
                    _record_device(request, user, activity)
            except (OperationalError, InterfaceError):
                return _database_unavailable()
            return openrosa_headers(response)

        return endpoint

    return decorate


def _database_unavailable() -> HttpResponseBase:
    """The database went away (restarting, failing over, disk full): Collect shows the
    message and keeps the submission to send again; nothing half-stored, since every write
    of a submission is one transaction (``submissions.services``)."""
    logger.exception("OpenRosa request failed: the database is unavailable")
    with translation.override(settings.LANGUAGE_CODE):
        response = error_response(GridbookError(errors.DATABASE_UNAVAILABLE))
    response["Retry-After"] = "60"
    return openrosa_headers(response)


def _method_not_allowed(allowed: set[str]) -> HttpResponseBase:
    with translation.override(settings.LANGUAGE_CODE):
        response = error_response(GridbookError(errors.METHOD_NOT_ALLOWED))
    response["Allow"] = ", ".join(sorted(allowed))
    return response


def _run(view: View, request: HttpRequest, user: User, kwargs: dict[str, Any]) -> HttpResponseBase:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        try:
            return view(request, user, **kwargs)
        except GridbookError as error:
            return error_response(error)


def device_id(request: HttpRequest) -> str:
    return request.GET.get("deviceID", "")[:100]


def user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def _record_device(request: HttpRequest, user: User, activity: Activity) -> None:
    if request.method == "HEAD":
        return
    collector_device_seen(
        user=user, device_id=device_id(request), user_agent=user_agent(request), activity=activity
    )
