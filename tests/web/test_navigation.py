"""Each role's navigation shows only what the role may use, and the other pages refuse it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import World

pytestmark = pytest.mark.django_db


def nav_links(page: str) -> list[str]:
    nav = re.search(r'<nav class="mainnav".*?</nav>', page, re.S)
    assert nav, "the page has a main navigation"
    return re.findall(r'<a href="([^"]+)"', nav.group(0))


@pytest.mark.parametrize(
    ("person", "links"),
    [
        (
            "admin",
            [
                "/",
                "/dashboard/",
                "/needs/",
                "/people/",
                "/register/",
                "/import/register/",
                "/forms/",
                "/submissions/",
                "/exports/",
                "/audit/",
            ],
        ),
        (
            "alice",
            ["/", "/dashboard/", "/register/", "/needs/", "/forms/", "/submissions/", "/exports/"],
        ),
        ("dave", ["/", "/forms/"]),
        ("bob", ["/", "/register/", "/submissions/", "/exports/", "/onboarding/"]),
    ],
)
def test_navigation_shows_only_what_the_role_may_use(world: World, signed_in, person, links):
    page = signed_in(getattr(world, person)).get("/").content.decode()
    assert nav_links(page) == links


@pytest.mark.parametrize(
    ("person", "path"),
    [
        ("alice", "/people/"),
        ("alice", "/import/register/"),
        ("bob", "/people/new/"),
        ("dave", "/register/"),
        ("dave", "/areas/CY1/"),
        ("dave", "/households/XF-1-101/"),
        ("alice", "/onboarding/"),
    ],
)
def test_pages_of_other_roles_are_refused(world: World, signed_in, person, path):
    response = signed_in(getattr(world, person)).get(path)
    assert response.status_code == 403
    assert "您的角色不能使用此页面" in response.content.decode()


def test_the_current_page_is_marked_for_screen_readers(world: World, signed_in):
    page = signed_in(world.alice).get("/areas/CY1/").content.decode()
    assert '<a href="/register/" aria-current="page">网格与住户</a>' in page


def test_every_page_is_signed_in_only(client, world: World):
    for path in ("/register/", "/areas/CY1/", "/households/XF-1-101/", "/people/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
