"""Who may use the forms pages: designers and administrators change, managers read,
collectors get nothing (404: the pages do not exist for them), nobody signed out gets in,
and every change needs its CSRF token."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from server.xforms.models import FormState, FormUpload
from tests.conftest import World
from tests.xforms.conftest import simple_form, upload_markdown

pytestmark = pytest.mark.django_db

READ_PAGES = ["/forms/", "/forms/simple/", "/forms/simple/preview/"]
WRITE_PAGES = ["/forms/simple/upload/", "/forms/simple/lists/?collector=bob"]
CHANGES = [
    ("/forms/", {}),
    ("/forms/simple/upload/", {}),
    ("/forms/simple/state/", {"state": "open"}),
    ("/forms/simple/testers/", {"testers": []}),
    ("/forms/simple/publications/", {"area": "CY"}),
    ("/forms/simple/publications/remove/", {"area": "CY"}),
    ("/forms/simple/media/", {"filename": "x.png"}),
    ("/forms/simple/media/remove/", {"filename": "x.png"}),
]


@pytest.fixture
def form(world: World):
    return upload_markdown(simple_form()).version.form


@pytest.fixture
def upload_status(world: World) -> str:
    record = FormUpload.objects.create(file_name="big.xlsx", size=1, created_by=world.dave)
    return f"/form-uploads/{record.pk}/"


def test_designers_and_administrators_open_every_page(world: World, form, upload_status, signed_in):
    for person in (world.dave, world.admin):
        client = signed_in(person)
        for path in [*READ_PAGES, *WRITE_PAGES, upload_status]:
            assert client.get(path).status_code == 200, (person, path)


def test_managers_read_but_change_nothing(world: World, form, upload_status, signed_in):
    alice = signed_in(world.alice)
    for path in READ_PAGES:
        assert alice.get(path).status_code == 200, path
    for path in [*WRITE_PAGES, upload_status]:
        assert alice.get(path).status_code == 403, path
    for path, data in CHANGES:
        assert alice.post(path, data).status_code == 403, path
    form.refresh_from_db()
    assert form.state == FormState.DRAFT


def test_collectors_find_no_forms_pages_at_all(world: World, form, upload_status, signed_in):
    for person in (world.bob, world.carol):
        client = signed_in(person)
        for path in [*READ_PAGES, *WRITE_PAGES, upload_status]:
            assert client.get(path).status_code == 404, (person, path)
        for path, data in CHANGES:
            assert client.post(path, data).status_code == 404, (person, path)
        assert "/forms/" not in client.get("/").content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, world: World, form, upload_status):
    for path in [*READ_PAGES, *WRITE_PAGES, upload_status]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    for path, data in CHANGES:
        response = client.post(path, data)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    form.refresh_from_db()
    assert form.state == FormState.DRAFT


def test_every_change_needs_its_csrf_token(world: World, form):
    dave = Client(enforce_csrf_checks=True)
    dave.force_login(world.dave)
    upload = {"file": SimpleUploadedFile("s.xlsx", b"PK")}
    for path, data in [*CHANGES, ("/forms/", upload)]:
        assert dave.post(path, data).status_code == 403, path
    form.refresh_from_db()
    assert form.state == FormState.DRAFT
    page = dave.get("/forms/simple/").content.decode()
    posts = page.count('method="post"')
    assert posts >= 5 and page.count('name="csrfmiddlewaretoken"') == posts


def test_changes_are_post_only(world: World, form, signed_in):
    dave = signed_in(world.dave)
    for path, _data in CHANGES[2:]:
        assert dave.get(path).status_code == 405, path
