"""Who may open a page. Pages that only some roles use answer 403 to the others; data
outside a person's scope answers 404 (``server.grids.selectors`` returns None for it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from server.accounts.models import User

View = Callable[..., HttpResponseBase]


def role_required(*roles: str) -> Callable[[View], View]:
    """Signed in, and one of ``roles``; otherwise 403 (the page's existence is no secret)."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if cast(User, request.user).role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def current_user(request: HttpRequest) -> User:
    return cast(User, request.user)
