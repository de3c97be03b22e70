"""Signing in: Django's login view, plus the person's preferred language, and the same
throttle as ODK Collect's sign-in (``accounts.throttle``: per user name and per address,
shared by every process through the database cache): after too many failures the page
answers 429 and checks no password, right or wrong, until the window has passed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse

from server.accounts import errors, throttle
from server.accounts.models import User
from server.core.errors import GridbookError
from server.core.http import client_address


class SignInView(auth_views.LoginView):
    """After signing in, pages speak the person's preferred language (set by an
    administrator), unless they chose one with the language switch on this browser."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")[:150]
        if throttle.signin_blocked(username, client_address(request)):
            error = GridbookError(errors.SIGN_IN_BLOCKED, minutes=throttle.WINDOW_SECONDS // 60)
            context = self.get_context_data(form=self.get_form(), blocked=error.message)
            response = self.render_to_response(context, status=error.status)
            response["Retry-After"] = str(throttle.WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = self.request.POST.get("username", "")[:150]
        if username:
            throttle.signin_failed(username, client_address(self.request))
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user: User = form.get_user()
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES and user.language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
