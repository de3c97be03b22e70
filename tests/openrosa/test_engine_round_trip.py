"""End to end with a client nobody here wrote: the form Gridbook serves (downloaded through
its formList, form and manifest URLs, with its register list) is filled by ODK Web Forms'
engine with two photos and sent back as Collect sends it (HEAD, then a multipart POST with
Digest). The stored submission, its photos (byte for byte) and their thumbnails match."""

from __future__ import annotations

import os

import pytest
from lxml import etree

from server.core.storage import media_storage
from server.submissions.models import Submission
from server.xforms.models import FormVersion
from tests.e2e import engine_client
from tests.openrosa.collect import CollectClient, Part
from tests.openrosa.conftest import photo
from tests.openrosa.test_form_list import media_files, xforms

pytestmark = pytest.mark.engine


@pytest.fixture(autouse=True)
def _engine() -> None:
    problem = engine_client.engine_problem()
    if problem is not None:
        required = os.environ.get("GRIDBOOK_REQUIRE_ENGINE") or os.environ.get("CI")
        (pytest.fail if required else pytest.skip)(problem)


def download_like_collect(phone: CollectClient) -> tuple[bytes, dict[str, bytes]]:
    entry = next(item for item in xforms(phone.get("formList")) if item["formID"] == "hh_visit")
    form_xml = phone.get(entry["downloadUrl"]).content
    files = {
        item["filename"]: phone.get(item["downloadUrl"]).content
        for item in media_files(phone.get(entry["manifestUrl"]))
    }
    return form_xml, files


def test_a_form_filled_by_the_engine_arrives_whole(
    bob_phone: CollectClient,
    visit_form: FormVersion,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    form_xml, files = download_like_collect(bob_phone)
    assert set(files) == {"households.csv"}
    door, need = photo(1280, 960, (200, 40, 40)), photo(640, 480, (40, 40, 200))
    result = engine_client.fill_form(
        form_xml,
        steps=[
            {"set": "/data/grp_id/grid", "value": "CY1"},
            {"set": "/data/grp_id/household", "value": "XF-1-102"},
            {"file": "/data/door_photo", "content": door, "name": "1763859601123.jpg"},
            {"set": "/data/needs[1]/need_desc", "value": "需要助餐服务"},
            {"file": "/data/needs[1]/need_photo", "content": need, "name": "1763859700456.jpg"},
        ],
        attachments=files,
        preload={"deviceID": "collect:Xk3pQ9wLm2Rt7vB1", "username": "bob"},
    )
    assert result.ok, result.validation
    assert etree.fromstring(result.xml).get("id") == "hh_visit"

    parts = [Part(name, content) for name, content in result.files.items()]
    with django_capture_on_commit_callbacks(execute=True):
        response = bob_phone.submit(result.xml, parts)
    assert response.status_code == 201

    submission = Submission.objects.get()
    assert submission.instance_id == result.instance_id
    assert bytes(submission.xml) == result.xml
    assert submission.grid.code == "CY1"
    assert submission.data["grp_id"] == {"grid": "CY1", "household": "XF-1-102"}
    assert submission.data["needs"][0]["need_desc"] == "需要助餐服务"
    assert submission.is_complete and submission.attachments_present == 2
    for attachment in submission.attachments.all():
        with media_storage().open(attachment.file.name, "rb") as handle:
            assert handle.read() == result.files[attachment.name]
        assert attachment.thumbnail.name and media_storage().exists(attachment.thumbnail.name)
