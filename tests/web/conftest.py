"""Helpers for the web tests: a signed-in client per person of the test world."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from server.accounts.models import User
from tests.openrosa.conftest import bob_phone, carol_phone, visit_form  # noqa: F401 - fixtures
from tests.web.submissions_support import sent  # noqa: F401 - fixture


@pytest.fixture
def signed_in() -> Callable[..., Client]:
    """``signed_in(world.alice)`` → a client signed in as alice (Chinese unless told)."""

    def sign_in(user: User, language: str = "zh-hans") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(user)
        return client

    return sign_in
