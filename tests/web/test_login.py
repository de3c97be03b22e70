"""The sign-in page speaks Chinese by default and English on request."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def test_the_login_page_is_chinese_by_default(client) -> None:
    page = client.get("/login/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录网格台账" in page and "用户名" in page


def test_the_login_page_follows_the_browser_language(client) -> None:
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign in to Gridbook" in page


def test_the_language_switch_remembers_english(client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Sign in to Gridbook" in client.get("/login/").content.decode()


def test_home_requires_sign_in(client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_wrong_password_is_told_in_chinese(client, world: World) -> None:
    page = client.post("/login/", {"username": "alice", "password": "wrong"}).content.decode()
    assert "用户名或密码不正确" in page


def test_signing_in_shows_the_home_page_of_the_role(client, world: World) -> None:
    response = client.post("/login/", {"username": "alice", "password": PASSWORD}, follow=True)
    page = response.content.decode()
    assert "欢迎，李爱丽" in page
    assert "长源社区" in page and "滨河社区" not in page


def test_signing_in_applies_the_preferred_language(client, world: World) -> None:
    world.bob.language = "en"
    world.bob.save()
    client.post("/login/", {"username": "bob", "password": PASSWORD})
    assert "Welcome, 鲍明" in client.get("/").content.decode()


def test_a_language_chosen_on_this_browser_wins(client, world: World) -> None:
    world.bob.language = "en"
    world.bob.save()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    client.post("/login/", {"username": "bob", "password": PASSWORD})
    assert "欢迎，鲍明" in client.get("/").content.decode()
