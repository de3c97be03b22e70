"""The security settings and sign-in rules Gridbook promises (docs/security.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from server.accounts.models import DigestCredential
from server.accounts.services import user_create, user_set_password
from server.accounts.throttle import MAX_FAILURES_PER_USERNAME, WINDOW_SECONDS
from tests.conftest import PASSWORD, World
from tests.openrosa.collect import CollectClient
from tests.reliability.catalog import assert_catalog_message

ROOT = Path(__file__).resolve().parents[2]


def settings_in_a_fresh_process(**env: str) -> dict[str, object]:
    """The security settings as gunicorn would load them with this environment."""
    names = [
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SAMESITE", "SESSION_COOKIE_AGE", "X_FRAME_OPTIONS",
        "SECURE_CONTENT_TYPE_NOSNIFF", "PASSWORD_HASHERS", "MIDDLEWARE",
    ]  # fmt: skip
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDBOOK_", "DEBUG"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**keep, "DJANGO_SETTINGS_MODULE": "server.settings", "SECRET_KEY": "k" * 50, **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_plain_http_defaults_keep_cookies_private_but_not_secure_only() -> None:
    found = settings_in_a_fresh_process()
    assert found["SESSION_COOKIE_HTTPONLY"] is True
    assert found["SESSION_COOKIE_SAMESITE"] == "Lax" and found["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert found["SESSION_COOKIE_AGE"] == 12 * 3600
    assert found["X_FRAME_OPTIONS"] == "DENY" and found["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert found["SESSION_COOKIE_SECURE"] is False and found["SECURE_HSTS_SECONDS"] == 0
    assert "django.middleware.csrf.CsrfViewMiddleware" in found["MIDDLEWARE"]  # type: ignore[operator]
    assert found["SECURE_PROXY_SSL_HEADER"] is None  # headers are not trusted unless told


def test_behind_https_cookies_are_secure_and_hsts_is_sent() -> None:
    found = settings_in_a_fresh_process(GRIDBOOK_HTTPS="true", GRIDBOOK_TRUST_PROXY="true")
    assert found["SESSION_COOKIE_SECURE"] is True and found["CSRF_COOKIE_SECURE"] is True
    assert found["SECURE_HSTS_SECONDS"] == 31_536_000
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_hashes_passwords_with_djangos_slow_hasher() -> None:
    hashers = settings_in_a_fresh_process()["PASSWORD_HASHERS"]
    assert hashers[0] in (  # type: ignore[index]
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    )


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"])
def test_no_password_is_stored_readable() -> None:
    user = user_create(username="gina", role="collector", password="Plain-Text-42")
    assert user.password.startswith("pbkdf2_sha256$")
    assert "Plain-Text-42" not in user.password
    credential = DigestCredential.objects.get(user=user)
    assert "Plain-Text-42" not in credential.ha1 and credential.ha1 != user.password


@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_SSL_REDIRECT=False)
def test_the_hsts_header_is_sent_over_https(client: Client, db: None) -> None:
    response = client.get("/login/", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_sign_in_without_the_csrf_token_is_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_web_sign_in_is_throttled_like_collects(world: World, language: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    for _ in range(MAX_FAILURES_PER_USERNAME):
        response = client.post("/login/", {"username": "alice", "password": "guess"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429  # the right password is not even checked
    assert int(response.headers["Retry-After"]) == WINDOW_SECONDS
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    message = page.split('role="alert">', 1)[1].split("</p>", 1)[0]
    assert_catalog_message(message, "sign_in_blocked", language)
    # Someone else signs in normally.
    other = Client()
    assert other.post("/login/", {"username": "erin", "password": PASSWORD}).status_code == 302


def test_guessing_on_the_web_also_blocks_the_same_name_in_collect(
    world: World, client: Client
) -> None:
    for _ in range(MAX_FAILURES_PER_USERNAME):
        Client().post("/login/", {"username": "bob", "password": "guess"})
    phone = CollectClient(client, username="bob", password=PASSWORD)
    assert phone.head("submission").status_code == 429


def test_the_digest_secret_changes_with_the_password(world: World, client: Client) -> None:
    before = DigestCredential.objects.get(user=world.bob).ha1
    user_set_password(user=world.bob, password="New-Horse-8")
    assert DigestCredential.objects.get(user=world.bob).ha1 != before
    old = CollectClient(client, username="bob", password=PASSWORD)
    assert old.head("submission").status_code == 401
    new = CollectClient(Client(), username="bob", password="New-Horse-8")
    assert new.head("submission").status_code == 204


def test_a_password_changed_past_the_service_voids_the_digest_secret(
    world: World, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``manage.py changepassword`` (Django's own) sets only the password hash: the old
    Digest secret must not keep the old password working in Collect."""
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Other-Horse-9")
    call_command("changepassword", "bob", stdout=open(os.devnull, "w"))  # noqa: SIM115
    old = CollectClient(client, username="bob", password=PASSWORD)
    assert old.head("submission").status_code == 401
    # The new password works in Collect once an administrator sets it through Gridbook.
    user_set_password(user=world.bob, password="Other-Horse-9")
    new = CollectClient(Client(), username="bob", password="Other-Horse-9")
    assert new.head("submission").status_code == 204
