"""A collector's ODK Collect access on the people pages: the QR code (issued, shown as PNG
and SVG, printed on a sheet with name, grids and server URL), revoked and reissued; the phones
the collector used, with when each last fetched forms and sent a submission."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from server.accounts.collector_tokens import active_token, user_for_token
from server.accounts.models import CollectorToken
from server.accounts.onboarding import collector_onboarding
from tests.conftest import World
from tests.openrosa.conftest import _fresh_process_memory  # noqa: F401 - autouse
from tests.web.submissions_support import Sent

pytestmark = pytest.mark.django_db


def test_an_administrator_issues_shows_and_prints_a_collectors_qr_code(world: World, signed_in):
    admin = signed_in(world.admin)
    page = admin.get("/person/bob/").content.decode()
    assert "/person/bob/qr.png" not in page  # no token yet: nothing issued by a GET
    assert admin.get("/person/bob/qr.png").status_code == 404
    assert admin.post("/person/bob/token/", {"action": "issue"}).status_code == 302
    assert admin.post("/person/bob/token/", {}).status_code == 400  # no action: a bad request
    token = active_token(world.bob)
    assert token and user_for_token(token) == world.bob
    assert CollectorToken.objects.get(user=world.bob, revoked_at=None).created_by == world.admin
    page = admin.get("/person/bob/").content.decode()
    assert "/person/bob/qr.png" in page
    png = admin.get("/person/bob/qr.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png["Cache-Control"] == "no-store"
    assert Image.open(io.BytesIO(png.content)).size[0] > 200
    svg = admin.get("/person/bob/qr.svg")
    assert svg.status_code == 200 and svg.content.lstrip().startswith(b"<?xml")
    expected = collector_onboarding(user=world.bob, base_url="http://testserver/")
    assert expected.png(scale=8) == png.content  # the same token: the code did not change
    sheet = admin.get("/person/bob/collect-sheet/").content.decode()
    assert "鲍明" in sheet and "长源第一网格" in sheet and "http://testserver/" in sheet
    assert token not in sheet  # the secret is in the code only, not printed as text


def test_reissue_replaces_and_revoke_ends_the_qr_code(world: World, signed_in):
    admin = signed_in(world.admin)
    admin.post("/person/bob/token/", {"action": "issue"})
    first = active_token(world.bob)
    admin.post("/person/bob/token/", {"action": "issue"})
    second = active_token(world.bob)
    assert first != second and user_for_token(first) is None
    admin.post("/person/bob/token/", {"action": "revoke"})
    assert active_token(world.bob) is None and user_for_token(second) is None
    assert admin.get("/person/bob/qr.png").status_code == 404
    assert admin.get("/person/bob/collect-sheet/").status_code == 302


@pytest.mark.parametrize("who", ["alice", "bob", "dave"])
def test_only_administrators_reach_a_collectors_qr_code(world: World, signed_in, who: str):
    admin = signed_in(world.admin)
    admin.post("/person/bob/token/", {"action": "issue"})
    client = signed_in(getattr(world, who))
    assert client.get("/person/bob/qr.png").status_code == 403
    assert client.get("/person/bob/collect-sheet/").status_code == 403
    assert client.post("/person/bob/token/", {"action": "revoke"}).status_code == 403
    assert active_token(world.bob) is not None


def test_managers_and_designers_have_no_qr_code(world: World, signed_in):
    admin = signed_in(world.admin)
    assert admin.post("/person/alice/token/", {"action": "issue"}).status_code == 404
    assert admin.get("/person/alice/qr.png").status_code == 404
    assert 'id="collect-title"' not in admin.get("/person/alice/").content.decode()


def test_a_collectors_phones_with_their_last_fetch_and_submission(
    world: World, signed_in, sent: Sent
):
    page = signed_in(world.admin).get("/person/bob/").content.decode()
    phones = page[page.index('id="devices-title"') :]
    assert "collect:Xk3pQ9wLm2Rt7vB1" in phones
    assert "org.odk.collect.android" in phones
    assert "/submissions/?submitter=bob" in phones
    carol = signed_in(world.admin).get("/person/carol/").content.decode()
    assert "collect:Xk3pQ9wLm2Rt7vB1" not in carol and "collect:carolPhone0000001" in carol


def test_the_password_form_says_collector_passwords_must_be_ascii(world: World, signed_in):
    page = signed_in(world.admin, "en").get("/person/bob/").content.decode()
    assert "Latin-1" in page
