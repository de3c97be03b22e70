"""The manifest of a form version for one user, and the bytes of each of its files: what
the OpenRosa front door serves (md5 of exactly the bytes served)."""

from __future__ import annotations

import pytest

from server.core.storage import md5_hex
from server.xforms.models import FormState
from server.xforms.selectors import ManifestFile, manifest_for, media_payload
from server.xforms.services import form_publish, form_set_state, form_upload
from tests.conftest import World
from tests.xforms.conftest import shipped_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def hh_visit(world: World):
    version = form_upload(
        data=shipped_form("hh_visit"), file_name="household_visit.xlsx", user=None, validate=False
    ).version
    form_set_state(form=version.form, state=FormState.OPEN)
    form_publish(form=version.form, area=world.district)
    return version


def test_the_manifest_lists_the_register_lists_generated_for_the_user(
    world: World, hh_visit
) -> None:
    manifest = manifest_for(form_version=hh_visit, user=world.bob)
    assert [entry.filename for entry in manifest] == [
        "buildings.csv",
        "communities.csv",
        "grids.csv",
        "households.csv",
    ]
    assert {entry.kind for entry in manifest} == {"register_list"}
    for entry in manifest:
        payload = media_payload(form_version=hh_visit, filename=entry.filename, user=world.bob)
        data = payload.read()
        assert (md5_hex(data), len(data)) == (entry.md5, entry.size)
        assert payload.content_type == entry.content_type == "text/csv; charset=utf-8"


def test_each_collector_gets_their_own_lists(world: World, hh_visit) -> None:
    bobs = {entry.filename: entry for entry in manifest_for(form_version=hh_visit, user=world.bob)}
    carols = {
        entry.filename: entry for entry in manifest_for(form_version=hh_visit, user=world.carol)
    }
    assert bobs["households.csv"].md5 != carols["households.csv"].md5
    payload = media_payload(form_version=hh_visit, filename="households.csv", user=world.carol)
    assert b"XF-1-101" not in payload.read()


def test_the_manifest_is_stable_between_requests(world: World, hh_visit) -> None:
    assert manifest_for(form_version=hh_visit, user=world.bob) == manifest_for(
        form_version=hh_visit, user=world.bob
    )
    assert isinstance(manifest_for(form_version=hh_visit, user=world.bob)[0], ManifestFile)


def test_files_the_form_does_not_use_or_users_who_may_not_see_it_get_nothing(
    world: World, hh_visit
) -> None:
    assert (
        media_payload(form_version=hh_visit, filename="needs_followup.csv", user=world.bob) is None
    )
    assert media_payload(form_version=hh_visit, filename="../settings.py", user=world.bob) is None
    form_set_state(form=hh_visit.form, state=FormState.CLOSED)
    assert media_payload(form_version=hh_visit, filename="households.csv", user=world.bob) is None
