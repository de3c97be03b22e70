"""No English leaks into the Chinese forms pages. The preview shows a form's English labels
on purpose (marked lang="en"), and codes, field names and file names are the same in every
language (marked translate="no"); everything else must be Chinese."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from server.xforms.services import form_publish, form_set_testers
from tests.conftest import World
from tests.web.forms_support import broken_visit_form, upload, visit_form
from tests.web.test_chinese_pages import english_words
from tests.xforms.conftest import upload_markdown

pytestmark = pytest.mark.django_db

MARKED = re.compile(r'<(\w+)\b[^>]*\b(?:lang="en"|translate="no")[^>]*>.*?</\1>', re.S)
FORM_TERMS = {
    "Validate", "XForm", "pyxform", "Java", "md5",
    "survey", "choices", "settings", "version", "form_id", "KB", "MB",
    "visit_check",  # the test form's ID: a code, like JY or CY1
}  # fmt: skip
"""Names of tools (ODK Validate, pyxform, Java), the XForm format, md5, and an XLSForm's
sheets and settings columns, which designers meet as they are in their spreadsheets."""
FORMS_PAGES = [
    "/forms/",
    "/forms/visit_check/",
    "/forms/visit_check/upload/",
    "/forms/visit_check/preview/",
    "/forms/visit_check/lists/?collector=bob",
    "/forms/visit_check/lists/?collector=nobody",
]


def chinese_text_only(page: str) -> set[str]:
    head, body = page.split("<body", 1)
    previous = None
    while previous != body:  # marked elements may nest
        previous, body = body, MARKED.sub(" ", body)
    return english_words(head + "<body" + body) - FORM_TERMS


@pytest.fixture
def form(world: World):
    form = upload_markdown(visit_form()).version.form
    form_publish(form=form, area=world.community_a)
    form_set_testers(form=form, users=[world.bob])
    return form


@pytest.mark.parametrize("person", ["dave", "admin", "alice"])
def test_the_forms_pages_are_chinese(world: World, form, signed_in, person):
    client = signed_in(getattr(world, person))
    for path in FORMS_PAGES:
        response = client.get(path)
        if response.status_code == 403:
            continue
        assert chinese_text_only(response.content.decode()) == set(), f"English on {path}"


def test_the_upload_errors_are_chinese(world: World, form, signed_in):
    page = upload(signed_in(world.dave), broken_visit_form()).content.decode()
    assert "问卷未加载" in page
    assert chinese_text_only(page) == {"integr"}  # the typo itself, quoted in the error


@override_settings(GRIDBOOK_FORM_INLINE_MAX_KB=0)
def test_the_background_status_is_chinese(
    world: World, signed_in, django_capture_on_commit_callbacks
):
    dave = signed_in(world.dave)
    response = upload(dave, visit_form())
    assert chinese_text_only(dave.get(response["Location"]).content.decode()) == set()


def test_the_marking_does_not_hide_untranslated_text(world: World, form, signed_in):
    page = signed_in(world.dave, "en").get("/forms/visit_check/").content.decode()
    assert {"Versions", "Testers"} <= chinese_text_only(page)
