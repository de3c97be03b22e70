"""Form media: the form says which files it expects; designers upload them under those
names; the version shows what is missing; media carry over to a new version that still
uses them; register lists are never uploaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.core.errors import GridbookError
from server.core.storage import md5_hex, media_storage
from server.xforms.media import form_media_delete, form_media_upload_bytes, media_status
from server.xforms.models import FormMedia, FormState
from server.xforms.selectors import manifest_for, media_payload
from server.xforms.services import form_publish, form_set_state
from tests.conftest import World
from tests.xforms.conftest import upload_markdown

pytestmark = pytest.mark.django_db

JPEG = (Path(__file__).resolve().parents[1] / "e2e" / "fixtures" / "door.jpg").read_bytes()
STREETS = "name,label\nTY,桃源街道\n".encode()


def media_form(version: str, *, with_logo: bool = True) -> str:
    logo = "logo.jpg" if with_logo else ""
    return f"""
| survey |
|        | type                                | name      | label | media::image |
|        | note                                | welcome   | 欢迎  | {logo}       |
|        | select_one_from_file streets.csv    | street    | 街道  |              |
|        | select_one_from_file households.csv | household | 住户  |              |
| settings |
|          | form_id     | version   |
|          | media_form  | {version} |
"""


@pytest.fixture
def version_one(world: World):
    version = upload_markdown(media_form("1")).version
    form_set_state(form=version.form, state=FormState.OPEN)
    form_publish(form=version.form, area=world.district)
    return version


def test_the_version_lists_expected_present_and_missing_files(version_one) -> None:
    status = media_status(version_one)
    assert [(item.filename, item.type) for item in status.expected] == [
        ("households.csv", "file-csv"),
        ("logo.jpg", "images"),
        ("streets.csv", "file-csv"),
    ]
    assert status.generated == ["households.csv"]
    assert status.missing == ["logo.jpg", "streets.csv"]
    form_media_upload_bytes(form_version=version_one, filename="logo.jpg", data=JPEG)
    status = media_status(version_one)
    assert status.present == ["logo.jpg"] and status.missing == ["streets.csv"]


def test_missing_media_are_left_out_of_the_manifest(world: World, version_one) -> None:
    names = [entry.filename for entry in manifest_for(form_version=version_one, user=world.bob)]
    assert names == ["households.csv"]
    form_media_upload_bytes(form_version=version_one, filename="streets.csv", data=STREETS)
    manifest = {e.filename: e for e in manifest_for(form_version=version_one, user=world.bob)}
    assert manifest["streets.csv"].kind == "media"
    assert (manifest["streets.csv"].md5, manifest["streets.csv"].size) == (
        md5_hex(STREETS),
        len(STREETS),
    )
    payload = media_payload(form_version=version_one, filename="streets.csv", user=world.bob)
    assert payload.read() == STREETS and payload.content_type == "text/csv"


def test_only_expected_names_are_accepted(version_one) -> None:
    with pytest.raises(GridbookError) as raised:
        form_media_upload_bytes(form_version=version_one, filename="Logo.JPG", data=JPEG)
    assert raised.value.code == "form_media_not_expected"
    assert "logo.jpg" in raised.value.message and "streets.csv" in raised.value.message


def test_register_lists_cannot_be_uploaded(version_one) -> None:
    with pytest.raises(GridbookError) as raised:
        form_media_upload_bytes(form_version=version_one, filename="households.csv", data=STREETS)
    assert raised.value.code == "form_media_is_register_list"
    assert not FormMedia.objects.exists()


def test_an_image_name_must_hold_an_image(version_one) -> None:
    with pytest.raises(GridbookError) as raised:
        form_media_upload_bytes(form_version=version_one, filename="logo.jpg", data=b"<html>")
    assert raised.value.code == "form_media_not_image"
    assert not FormMedia.objects.exists()


def test_media_carry_over_while_the_new_version_still_uses_them(world: World, version_one) -> None:
    form_media_upload_bytes(form_version=version_one, filename="logo.jpg", data=JPEG)
    form_media_upload_bytes(form_version=version_one, filename="streets.csv", data=STREETS)
    two = upload_markdown(media_form("2")).version
    assert sorted(two.media.values_list("filename", flat=True)) == ["logo.jpg", "streets.csv"]
    assert media_status(two).missing == []
    three = upload_markdown(media_form("3", with_logo=False)).version
    assert list(three.media.values_list("filename", flat=True)) == ["streets.csv"]


def test_replacing_a_file_in_one_version_leaves_the_other_versions_file(
    world: World, version_one
) -> None:
    form_media_upload_bytes(form_version=version_one, filename="streets.csv", data=STREETS)
    two = upload_markdown(media_form("2")).version
    newer = "name,label\nTY,桃源街道\nXH,西湖街道\n".encode()
    form_media_upload_bytes(form_version=two, filename="streets.csv", data=newer)
    old = media_payload(form_version=version_one, filename="streets.csv", user=world.admin)
    new = media_payload(form_version=two, filename="streets.csv", user=world.admin)
    assert old.read() == STREETS and new.read() == newer
    assert two.media.count() == 1


def test_a_replaced_file_no_version_uses_is_removed(
    version_one, django_capture_on_commit_callbacks
) -> None:
    first = form_media_upload_bytes(form_version=version_one, filename="logo.jpg", data=JPEG)
    first_key = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        second = form_media_upload_bytes(
            form_version=version_one, filename="logo.jpg", data=JPEG + b"\0"
        )
    assert second.file.name != first_key
    assert not media_storage().exists(first_key) and media_storage().exists(second.file.name)


def test_deleting_a_file_keeps_what_another_version_shares(
    world: World, version_one, django_capture_on_commit_callbacks
) -> None:
    form_media_upload_bytes(form_version=version_one, filename="streets.csv", data=STREETS)
    two = upload_markdown(media_form("2")).version
    shared_key = two.media.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        form_media_delete(form_version=two, filename="streets.csv")
    assert media_status(two).missing == ["logo.jpg", "streets.csv"]
    assert media_storage().exists(shared_key)
    with django_capture_on_commit_callbacks(execute=True):
        form_media_delete(form_version=version_one, filename="streets.csv")
    assert not media_storage().exists(shared_key)
    with pytest.raises(GridbookError) as raised:
        form_media_delete(form_version=two, filename="streets.csv")
    assert raised.value.code == "form_media_not_found"
