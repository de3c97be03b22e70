"""No English leaks into the Chinese pages: every label, choice and field name is translated.

The visible text of each page (tags, scripts and styles removed) may hold Latin letters
only in names that are the same in both languages: codes, user names, product and file
names, and the examples the import guide shows on purpose.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from server.grids.models import Household
from tests.conftest import World

pytestmark = pytest.mark.django_db

SAME_IN_EVERY_LANGUAGE = {
    "ODK", "Collect", "CSV", "XLSX", "Latin", "UTF", "GBK", "XLSForm", "English",
    "admin", "alice", "bob", "carol", "dave", "erin", "http", "testserver",
    "household_code", "renter", "xlsx", "csv", "register", "template", "flat", "flags",
    "building_code", "Excel", "forms", "JY", "TY", "CY", "BH",
}  # fmt: skip


def english_words(page: str) -> set[str]:
    body = page[page.index("<body") :]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", body))
    words = set(re.findall(r"(?<![\w.-])[A-Za-z][A-Za-z_]+(?![\w-])", text))
    return {word for word in words if word not in SAME_IN_EVERY_LANGUAGE}


PAGES = {
    "admin": ["/", "/people/", "/people/new/", "/person/bob/", "/person/alice/", "/register/",
              "/areas/JY/", "/import/register/", "/forms/", "/areas/NOPE/"],
    "alice": ["/", "/register/", "/areas/CY/", "/areas/CY1/", "/households/XF-1-102/",
              "/households/XF-1-201/", "/areas/CY1/?status=demolished"],
    "bob": ["/", "/register/", "/areas/CY1/", "/households/XF-1-101/", "/onboarding/", "/people/"],
    "dave": ["/", "/forms/"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("person", "path"), [(person, path) for person, paths in PAGES.items() for path in paths]
)
def test_chinese_pages_have_no_english(world: World, signed_in, person, path):
    household = Household.objects.get(code="XF-1-102")
    household.status, household.elderly_living = "active", "alone"
    household.save()
    page = signed_in(getattr(world, person)).get(path).content.decode()
    assert english_words(page) == set(), f"English on {path} for {person}"


def test_the_check_catches_an_untranslated_label(world: World, signed_in):
    page = signed_in(world.alice, "en").get("/households/XF-1-201/").content.decode()
    assert {"Renter", "Address"} <= english_words(page)
