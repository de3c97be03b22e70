"""The forms API: designers upload and manage forms; managers read; collectors get nothing
here; errors are JSON {code, message, details} in the reader's language."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from server.core.storage import md5_hex
from server.xforms.models import Form, FormState
from server.xforms.xlsform import xlsx_from_markdown
from tests.conftest import World
from tests.xforms.conftest import simple_form

pytestmark = pytest.mark.django_db

FORMS = "/api/v1/forms/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def workbook(md: str, name: str = "simple.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_from_markdown(md))


def upload(client: Client, md: str, **headers: str):
    return client.post(FORMS, {"file": workbook(md)}, **headers)


def test_a_designer_uploads_a_form_and_again_is_a_no_op(world: World) -> None:
    dave = client_for(world.dave)
    created = upload(dave, simple_form())
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["created"] is True
    assert (body["form"]["form_id"], body["form"]["state"], body["version"]["version"]) == (
        "simple",
        "draft",
        "1",
    )
    again = upload(dave, simple_form())
    assert again.status_code == 200 and again.json()["created"] is False


def test_conversion_errors_come_back_located_in_the_readers_language(world: World) -> None:
    dave = client_for(world.dave)
    broken = simple_form().replace("| image |", "| imagen |")
    chinese = upload(dave, broken)
    assert chinese.status_code == 400
    body = chinese.json()
    assert body["code"] == "form_not_converted"
    problem = body["details"]["problems"][0]
    assert (problem["sheet"], problem["row"], problem["column"]) == ("survey", 3, "type")
    assert "第 3 行" in problem["message"] and "未能加载" in body["message"]
    english = upload(dave, broken, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["details"]["problems"][0]["message"].startswith("Sheet 'survey', row 3")
    assert not Form.objects.exists()


def test_a_changed_form_under_the_same_version_is_a_conflict(world: World) -> None:
    dave = client_for(world.dave)
    upload(dave, simple_form())
    conflict = upload(dave, simple_form(label="Full name"), HTTP_ACCEPT_LANGUAGE="en")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "form_version_content_changed"
    assert "settings.version" in conflict.json()["message"]


def test_who_may_do_what(world: World) -> None:
    upload(client_for(world.dave), simple_form())
    alice = client_for(world.alice)
    assert alice.get(FORMS).status_code == 200
    assert alice.get(FORMS + "simple/").status_code == 200
    assert upload(alice, simple_form(version="2")).status_code == 403
    assert (
        alice.patch(
            FORMS + "simple/", {"state": "open"}, content_type="application/json"
        ).status_code
        == 403
    )
    bob = client_for(world.bob)
    denied = bob.get(FORMS)
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    anonymous = Client().get(FORMS)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    assert client_for(world.admin).get(FORMS).status_code == 200


def test_token_authentication_with_drf_create_token(world: World) -> None:
    call_command("drf_create_token", "dave", stdout=io.StringIO())
    token = Token.objects.get(user=world.dave).key
    response = Client().get(FORMS, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert set(response.json()) >= {"count", "results", "next", "previous"}


def test_the_form_detail_tells_versions_state_publications_media_and_warnings(
    world: World,
) -> None:
    dave = client_for(world.dave)
    upload(dave, simple_form())
    dave.post(FORMS + "simple/publications/", {"area": "CY"})
    detail = dave.get(FORMS + "simple/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert detail["publications"] == [{"area": "CY", "name": "长源社区", "level": "community"}]
    version = detail["versions"][0]
    java = shutil.which("java") is not None
    assert version["validated"] is java
    codes = {warning["code"] for warning in version["warnings"]}
    assert "max_pixels" in codes
    assert ("not_validated_java" in codes) is not java
    assert all(warning["message"] for warning in version["warnings"])
    assert version["media"] == {"expected": [], "present": [], "missing": [], "generated": []}


def test_state_testers_and_publications_change(world: World) -> None:
    dave = client_for(world.dave)
    upload(dave, simple_form())
    url = FORMS + "simple/"
    changed = dave.patch(
        url, {"state": "open", "testers": ["bob"]}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert (changed.json()["state"], changed.json()["testers"]) == ("open", ["bob"])
    bad = dave.patch(url, {"state": "archived"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_input"
    not_collector = dave.patch(url, {"testers": ["alice"]}, content_type="application/json")
    assert not_collector.json()["code"] == "form_tester_not_collector"
    assert dave.post(url + "publications/", {"area": "NOPE"}).status_code == 404
    assert dave.post(url + "publications/", {"area": "BH1"}).status_code == 201
    assert dave.delete(url + "publications/BH1/").status_code == 204
    assert dave.get(url + "publications/").json() == []
    assert Form.objects.get().state == FormState.OPEN


def test_the_xform_and_the_original_spreadsheet_are_downloadable(world: World) -> None:
    dave = client_for(world.dave)
    original = xlsx_from_markdown(simple_form())
    dave.post(FORMS, {"file": SimpleUploadedFile("简单 v1.xlsx", original)})
    upload(dave, simple_form(version="2", label="v2"))
    version_one = dave.get(FORMS + "simple/versions/1/").json()
    xform = dave.get(version_one["xform_url"])
    assert xform.status_code == 200 and xform["Content-Type"] == "text/xml; charset=utf-8"
    assert md5_hex(xform.content) == version_one["xml_md5"]
    source = dave.get(version_one["source_url"])
    assert b"".join(source.streaming_content) == original
    assert "schema" in version_one and version_one["schema"]["form_id"] == "simple"
    versions = dave.get(FORMS + "simple/versions/").json()["results"]
    assert [item["version"] for item in versions] == ["2", "1"]
    assert dave.get(FORMS + "simple/versions/9/").json()["code"] == "form_version_not_found"


def test_the_openapi_schema_and_browsable_docs(world: World) -> None:
    dave = client_for(world.dave)
    schema = dave.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"/api/v1/forms/" in schema.content
    docs = dave.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content
    assert b"cdn." not in docs.content  # assets are served from this server
