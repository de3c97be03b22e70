"""Signing in: Django's login view, plus the person's preferred language."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse

from server.accounts.models import User


class SignInView(auth_views.LoginView):
    """After signing in, pages speak the person's preferred language (set by an
    administrator), unless they chose one with the language switch on this browser."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

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
