"""Media, manifests and register lists over the API, and background conversion of large
form files (202 with a status URL)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from server.core.storage import md5_hex
from server.xforms.models import FormUpload, FormVersion
from server.xforms.xlsform import xlsx_from_markdown
from tests.conftest import World
from tests.xforms.conftest import simple_form
from tests.xforms.test_media import media_form

pytestmark = pytest.mark.django_db

JPEG = (Path(__file__).resolve().parents[1] / "e2e" / "fixtures" / "door.jpg").read_bytes()
VERSION_ONE = "/api/v1/forms/media_form/versions/1/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dave(world: World) -> Client:
    client = client_for(world.dave)
    response = client.post(
        "/api/v1/forms/",
        {"file": SimpleUploadedFile("m.xlsx", xlsx_from_markdown(media_form("1")))},
    )
    assert response.status_code == 201, response.json()
    return client


def test_media_upload_status_download_and_delete(dave: Client) -> None:
    status = dave.get(VERSION_ONE + "media/").json()
    assert status["missing"] == ["logo.jpg", "streets.csv"]
    assert status["generated"] == ["households.csv"]
    uploaded = dave.post(VERSION_ONE + "media/", {"file": SimpleUploadedFile("logo.jpg", JPEG)})
    assert uploaded.status_code == 201 and uploaded.json()["missing"] == ["streets.csv"]
    renamed = dave.post(
        VERSION_ONE + "media/",
        {"file": SimpleUploadedFile("街道.csv", b"name,label\n"), "filename": "streets.csv"},
    )
    assert renamed.json()["missing"] == []
    download = dave.get(VERSION_ONE + "media/logo.jpg")
    assert b"".join(download.streaming_content) == JPEG
    assert download["ETag"] == f'"{md5_hex(JPEG)}"'
    assert dave.delete(VERSION_ONE + "media/logo.jpg").status_code == 204
    assert dave.get(VERSION_ONE + "media/logo.jpg").status_code == 404


def test_register_list_names_and_unexpected_names_are_refused(dave: Client) -> None:
    refused = dave.post(
        VERSION_ONE + "media/", {"file": SimpleUploadedFile("households.csv", b"name,label\n")}
    )
    assert refused.status_code == 400 and refused.json()["code"] == "form_media_is_register_list"
    unexpected = dave.post(VERSION_ONE + "media/", {"file": SimpleUploadedFile("x.png", JPEG)})
    assert unexpected.json()["code"] == "form_media_not_expected"


def test_the_manifest_and_lists_a_collector_would_receive(world: World, dave: Client) -> None:
    dave.post(VERSION_ONE + "media/", {"file": SimpleUploadedFile("logo.jpg", JPEG)})
    manifest = dave.get("/api/v1/forms/media_form/manifest/?collector=bob").json()
    assert [(entry["filename"], entry["kind"]) for entry in manifest] == [
        ("households.csv", "register_list"),
        ("logo.jpg", "media"),
    ]
    households = dave.get(manifest[0]["download_url"])
    assert md5_hex(households.content) == manifest[0]["md5"]
    rows = list(csv.DictReader(io.StringIO(households.content.decode("utf-8"))))
    assert {row["grid"] for row in rows} == {"CY1", "*"}
    assert dave.get("/api/v1/forms/media_form/manifest/?collector=alice").status_code == 404
    assert dave.get("/api/v1/register-lists/passwd?collector=bob").status_code == 404
    alice = client_for(world.alice)
    assert alice.get("/api/v1/register-lists/households.csv?collector=bob").status_code == 403


@override_settings(GRIDBOOK_FORM_INLINE_MAX_KB=0)
def test_a_large_form_is_converted_in_the_background(
    world: World, django_capture_on_commit_callbacks
) -> None:
    dave = client_for(world.dave)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = dave.post(
            "/api/v1/forms/",
            {"file": SimpleUploadedFile("big.xlsx", xlsx_from_markdown(simple_form()))},
        )
    assert accepted.status_code == 202
    status_url = accepted.json()["status_url"]
    assert accepted["Location"] == status_url
    status = dave.get(status_url).json()
    assert status["status"] == "done" and status["error"] is None
    assert (status["result"]["form_id"], status["result"]["version"]) == ("simple", "1")
    assert FormVersion.objects.get().source_file  # the version keeps its own copy
    assert not FormUpload.objects.get().file  # the queued copy is gone


@override_settings(GRIDBOOK_FORM_INLINE_MAX_KB=0)
def test_a_failed_background_conversion_reports_in_the_readers_language(
    world: World, django_capture_on_commit_callbacks
) -> None:
    dave = client_for(world.dave)
    broken = xlsx_from_markdown(simple_form().replace("| image |", "| imagen |"))
    with django_capture_on_commit_callbacks(execute=True):
        accepted = dave.post("/api/v1/forms/", {"file": SimpleUploadedFile("big.xlsx", broken)})
    status_url = accepted.json()["status_url"]
    chinese = dave.get(status_url).json()
    assert chinese["status"] == "failed" and chinese["error"]["code"] == "form_not_converted"
    assert "第 3 行" in chinese["error"]["details"]["problems"][0]["message"]
    english = dave.get(status_url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert "row 3" in english["error"]["details"]["problems"][0]["message"]
    assert client_for(world.bob).get(status_url).status_code == 403
