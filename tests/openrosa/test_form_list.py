"""formList, form download, manifest and media/register-list downloads, as ODK Collect reads
them (shared/OPENROSA.md): text/xml with X-OpenRosa-Version, every required element, absolute
URLs (also behind a trusted proxy), and hashes equal to the md5 of the bytes each URL serves."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from lxml import etree

from server.accounts.collector_tokens import collector_token_issue
from server.accounts.models import CollectorDevice
from server.xforms.models import FormVersion
from server.xforms.services import form_publish, form_set_state
from server.xforms.xlsform import xlsx_from_markdown
from tests.conftest import PASSWORD, World
from tests.openrosa.collect import CollectClient

LIST_NS = "{http://openrosa.org/xforms/xformsList}"
MANIFEST_NS = "{http://openrosa.org/xforms/xformsManifest}"

SURVEY_FORM = """
| survey |
|        | type                                | name      | label::Chinese (zh) | label::English (en) |
|        | begin group                         | grp_id    | 对象                | Respondent          |
|        | text                                | grid      | 网格                | Grid                |
|        | select_one_from_file households.csv | household | 住户                | Household           |
|        | end group                           | grp_id    |                     |                     |
|        | text                                | opinion   | 意见                | Opinion             |
| settings |
|          | form_id      | version    | form_title | default_language |
|          | needs_survey | 2026112301 | 需求调查   | Chinese (zh)     |
"""

PLAIN_FORM = """
| survey |
|        | type | name | label::Chinese (zh) | label::English (en) |
|        | text | note | 备注                | Note                |
| settings |
|          | form_id | version | form_title | default_language |
|          | plain   | 1       | 普通表单   | Chinese (zh)     |
"""


def entries(response, root_tag: str, entry_tag: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The entries of an OpenRosa document, each as {element name: text}."""
    root = etree.fromstring(response.content)
    assert root.tag == root_tag
    return [
        {etree.QName(child).localname: child.text or "" for child in entry}
        for entry in root.findall(entry_tag)
    ]


def xforms(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return entries(response, f"{LIST_NS}xforms", f"{LIST_NS}xform")


def media_files(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return entries(response, f"{MANIFEST_NS}manifest", f"{MANIFEST_NS}mediaFile")


def publish(world: World, md: str) -> FormVersion:
    from server.xforms.services import form_upload

    version = form_upload(
        data=xlsx_from_markdown(md), file_name="f.xlsx", user=world.dave, validate=False
    ).version
    form_set_state(form=version.form, state="open")
    form_publish(form=version.form, area=world.street)
    return version


def assert_openrosa_xml(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert not response.cookies


def test_the_form_list_names_every_form_with_all_collect_needs(
    bob_phone: CollectClient, visit_form: FormVersion, world: World
) -> None:
    plain = publish(world, PLAIN_FORM)
    response = bob_phone.get("formList")
    assert_openrosa_xml(response)
    listed = {entry["formID"]: entry for entry in xforms(response)}
    assert set(listed) == {"hh_visit", "plain"}
    visit = listed["hh_visit"]
    assert visit["name"] == "入户走访"
    assert visit["version"] == "2026112301"
    assert visit["hash"] == f"md5:{visit_form.xml_md5}"
    assert visit["downloadUrl"] == "http://testserver/forms/hh_visit/2026112301/form.xml"
    assert visit["manifestUrl"] == "http://testserver/forms/hh_visit/2026112301/manifest"
    assert "manifestUrl" not in listed["plain"]  # a form without files has no manifest
    assert listed["plain"]["hash"] == f"md5:{plain.xml_md5}"


def test_every_hash_is_the_md5_of_the_bytes_its_url_serves(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    for entry in xforms(bob_phone.get("formList")):
        form = bob_phone.get(entry["downloadUrl"])
        assert_openrosa_xml(form)
        assert entry["hash"] == "md5:" + hashlib.md5(form.content).hexdigest()
        manifest = bob_phone.get(entry["manifestUrl"])
        assert_openrosa_xml(manifest)
        files = media_files(manifest)
        assert [item["filename"] for item in files] == ["households.csv"]
        for item in files:
            assert set(item) == {"filename", "hash", "downloadUrl"}
            served = bob_phone.get(item["downloadUrl"])
            assert served.status_code == 200
            assert item["hash"] == "md5:" + hashlib.md5(served.content).hexdigest()


def test_register_lists_hold_only_the_collectors_grid_and_are_served_once_for_every_form(
    bob_phone: CollectClient, carol_phone: CollectClient, visit_form: FormVersion, world: World
) -> None:
    publish(world, SURVEY_FORM)
    urls = set()
    for entry in xforms(bob_phone.get("formList")):
        for item in media_files(bob_phone.get(entry["manifestUrl"])):
            urls.add(item["downloadUrl"])
    assert urls == {"http://testserver/lists/households.csv"}  # one URL for both forms
    bobs = bob_phone.get("lists/households.csv").content.decode("utf-8")
    assert "XF-1-101" in bobs and "BH-1-101" not in bobs
    carols = carol_phone.get("lists/households.csv").content.decode("utf-8")
    assert "BH-1-101" in carols and "XF-1-101" not in carols
    assert bob_phone.get("lists/households.csv").content.decode() == bobs  # stable bytes


def test_a_collector_sees_only_the_forms_offered_to_them(
    carol_phone: CollectClient, visit_form: FormVersion
) -> None:
    assert xforms(carol_phone.get("formList")) == []
    refused = carol_phone.get("forms/hh_visit/2026112301/form.xml")
    assert refused.status_code == 404
    assert carol_phone.get("forms/hh_visit/2026112301/manifest").status_code == 404


def test_the_form_id_query_filters_the_list(
    bob_phone: CollectClient, visit_form: FormVersion, world: World
) -> None:
    publish(world, PLAIN_FORM)
    assert [entry["formID"] for entry in xforms(bob_phone.get("formList?formID=plain"))] == [
        "plain"
    ]


def test_token_urls_keep_the_token_in_every_url(
    client: Client, visit_form: FormVersion, world: World
) -> None:
    token = collector_token_issue(user=world.bob)
    phone = CollectClient(client, prefix=f"/key/{token}")
    entry = xforms(phone.get("formList"))[0]
    base = f"http://testserver/key/{token}/"
    assert entry["downloadUrl"] == f"{base}forms/hh_visit/2026112301/form.xml"
    items = media_files(phone.get(entry["manifestUrl"]))
    assert items[0]["downloadUrl"] == f"{base}lists/households.csv"
    assert phone.get(items[0]["downloadUrl"]).status_code == 200
    assert phone.round_trips == [1, 1, 1]  # never a challenge


def test_behind_a_trusted_proxy_urls_follow_the_forwarded_scheme_and_host(
    bob_phone: CollectClient,
    visit_form: FormVersion,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    forwarded = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "gridbook.example.cn"}
    settings.ALLOWED_HOSTS = ["testserver", "gridbook.example.cn"]
    untrusted = xforms(bob_phone.get("formList", headers=forwarded))[0]
    assert untrusted["downloadUrl"].startswith("http://testserver/")
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.USE_X_FORWARDED_HOST = True
    trusted = xforms(bob_phone.get("formList", headers=forwarded))[0]
    assert (
        trusted["downloadUrl"] == "https://gridbook.example.cn/forms/hh_visit/2026112301/form.xml"
    )
    assert urlsplit(trusted["manifestUrl"]).netloc == "gridbook.example.cn"


def test_the_device_is_recorded_when_it_fetches_forms(
    bob_phone: CollectClient, visit_form: FormVersion, world: World
) -> None:
    bob_phone.get("formList")
    device = CollectorDevice.objects.get(user=world.bob)
    assert device.device_id == "collect:Xk3pQ9wLm2Rt7vB1"
    assert device.last_form_list_at is not None
    first_seen = device.first_seen_at
    bob_phone.get("formList")  # within the minute: no write at all
    assert CollectorDevice.objects.get(user=world.bob).last_form_list_at == device.last_form_list_at
    assert CollectorDevice.objects.get(user=world.bob).first_seen_at == first_seen


@pytest.mark.parametrize(
    "path",
    ["formList", "formList?formID=hh_visit", "submission", "forms/hh_visit/2026112301/form.xml"],
)
def test_openrosa_paths_never_redirect(
    bob_phone: CollectClient, visit_form: FormVersion, path: str
) -> None:
    for method in ("GET", "HEAD"):
        response = bob_phone.request(method, path)
        assert not 300 <= response.status_code < 400, (method, path, response.status_code)


def test_the_form_list_costs_the_same_queries_with_more_forms(
    client: Client, visit_form: FormVersion, world: World
) -> None:
    phone = CollectClient(client, username="bob", password=PASSWORD)
    phone.get("formList")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert phone.get("formList").status_code == 200
        return len(queries)

    few = count()
    for index in range(5):
        publish(world, PLAIN_FORM.replace("| plain   |", f"| plain{index} |"))
    assert len(xforms(phone.get("formList"))) == 6
    assert count() == few


def test_a_server_url_typed_with_a_trailing_slash_still_works(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    bob_phone.head("submission")  # signed in
    # Collect with the server URL "http://host/" asks for "//formList" and signs that URI.
    uri = "//formList?deviceID=collect%3AXk3pQ9wLm2Rt7vB1"
    response = bob_phone.client.get(
        "/formList?deviceID=collect%3AXk3pQ9wLm2Rt7vB1",
        PATH_INFO="//formList",
        HTTP_AUTHORIZATION=bob_phone.authorization("GET", uri),
    )
    assert_openrosa_xml(response)
    assert xforms(response)[0]["downloadUrl"] == (
        "http://testserver/forms/hh_visit/2026112301/form.xml"
    )


def test_the_manifest_and_register_list_cost_the_same_queries_with_more_households(
    client: Client, visit_form: FormVersion, world: World
) -> None:
    from server.grids.services import household_create

    phone = CollectClient(client, username="bob", password=PASSWORD)
    manifest_url = xforms(phone.get("formList"))[0]["manifestUrl"]

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert phone.get(path).status_code == 200
        return len(queries)

    phone.get(manifest_url)  # the phone's other activity is recorded once a minute
    few = (count(manifest_url), count("lists/households.csv"))
    for room in range(300, 340):
        household_create(code=f"XF-1-{room}", building=world.building_a1, unit="1", room=str(room))
    assert "XF-1-339" in phone.get("lists/households.csv").content.decode()
    assert (count(manifest_url), count("lists/households.csv")) == few
