"""Hostile and broken submissions, each sent through the front door as ODK Collect would send
it: every one gets the catalog's error in the worker's language (Chinese and English) and
leaves every table and every storage exactly as it was (``snapshot``)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image

from server.submissions.models import Attachment
from server.xforms.models import FormVersion
from tests.conftest import World
from tests.openrosa.collect import CollectClient, Part, multipart
from tests.openrosa.conftest import photo, visit_xml
from tests.openrosa.test_submission import message, stored_bytes, stored_keys
from tests.reliability.catalog import assert_catalog_message
from tests.reliability.snapshot import assert_unchanged, snapshot
from tests.submissions.test_images import png_bomb

Body = tuple[bytes, str]
Case = Callable[[FormVersion], Body]

XXE = (
    b'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<data id="hh_visit" version="2026112301"><grp_id><grid>&xxe;</grid></grp_id>'
    b"<meta><instanceID>uuid:xxe</instanceID></meta></data>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><data id="hh_visit" version="2026112301"><grp_id><grid>&lol9;</grid></grp_id>'
    b"<meta><instanceID>uuid:lol</instanceID></meta></data>"
)


def only_xml(xml: bytes) -> Body:
    return multipart(xml, [])


def truncated(version: FormVersion) -> Body:
    xml = visit_xml(version, door_photo=None)
    return only_xml(xml[: len(xml) // 2])


def with_door(name: str, content: bytes, content_type: str = "image/jpeg") -> Case:
    def build(version: FormVersion) -> Body:
        xml = visit_xml(version, door_photo=name)
        return multipart(xml, [Part(name, content, content_type)])

    return build


def another_form(version: FormVersion) -> Body:
    xml = visit_xml(version, door_photo=None).replace(b'id="hh_visit"', b'id="hh_other"')
    return only_xml(xml)


def wrong_version(version: FormVersion) -> Body:
    xml = visit_xml(version, door_photo=None)
    return only_xml(xml.replace(b'version="2026112301"', b'version="2026112399"'))


def no_instance_id(version: FormVersion) -> Body:
    xml = visit_xml(version, door_photo=None, instance_id="uuid:to-remove")
    return only_xml(xml.replace(b"<orx:instanceID>uuid:to-remove</orx:instanceID>", b""))


def no_xml_part(version: FormVersion) -> Body:
    body, content_type = multipart(b"", [Part("a.jpg", photo())])
    return body.replace(b'name="xml_submission_file"', b'name="xml_file"'), content_type


def two_xml_parts(version: FormVersion) -> Body:
    """Two parts named xml_submission_file: which one is the submission cannot be known."""
    first = visit_xml(version, door_photo=None)
    second = visit_xml(version, door_photo=None, note="another answer")
    body, content_type = multipart(first, [Part("xml_submission_file", second, "text/xml")])
    return body, content_type


def two_parts_for_one_photo(version: FormVersion) -> Body:
    """Two different files under one attachment name: neither can be trusted to be the one."""
    xml = visit_xml(version, door_photo="door.jpg")
    parts = [Part("door.jpg", photo()), Part("door.jpg", photo(color=(1, 2, 3)))]
    return multipart(xml, parts)


def not_multipart(version: FormVersion) -> Body:
    return visit_xml(version, door_photo=None), "text/xml"


def broken_boundary(version: FormVersion) -> Body:
    body, content_type = multipart(visit_xml(version, door_photo=None), [])
    return body[: len(body) // 3], content_type


def transparent_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


CASES: dict[str, tuple[Case, int, str]] = {
    "truncated XML": (truncated, 400, "submission_not_xml"),
    "garbage instead of XML": (lambda v: only_xml(b"\x00\xff garbage"), 400, "submission_not_xml"),
    "external entity (XXE)": (lambda v: only_xml(XXE), 400, "submission_not_xml"),
    "billion laughs": (lambda v: only_xml(LAUGHS), 400, "submission_not_xml"),
    "a form that is not here": (another_form, 404, "submission_form_unknown"),
    "a version that is not here": (wrong_version, 404, "submission_version_unknown"),
    "no instanceID": (no_instance_id, 400, "submission_no_instance_id"),
    "multipart without the XML": (no_xml_part, 400, "openrosa_no_xml_part"),
    "two XML parts": (two_xml_parts, 400, "openrosa_duplicate_part"),
    "two files for one photo": (two_parts_for_one_photo, 400, "openrosa_duplicate_part"),
    "not multipart at all": (not_multipart, 400, "openrosa_not_multipart"),
    "multipart cut short": (broken_boundary, 400, "openrosa_no_xml_part"),
    "a JPEG that is HTML": (
        with_door("door.jpg", b"<html><script>alert(1)</script></html>"),
        400,
        "attachment_not_an_image",
    ),
    "a PNG named .jpg": (
        with_door("door.jpg", transparent_png(), "image/jpeg"),
        400,
        "attachment_image_wrong_type",
    ),
    "a decompression-bomb PNG": (
        with_door("bomb.png", png_bomb(30_000, 30_000), "image/png"),
        413,
        "attachment_image_too_many_pixels",
    ),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_submissions_are_refused_in_the_workers_language_and_change_nothing(
    bob_phone: CollectClient, visit_form: FormVersion, world: World, case: str, language: str
) -> None:
    build, status, code = CASES[case]
    world.bob.language = language
    world.bob.save(update_fields=["language"])
    body, content_type = build(visit_form)
    before = snapshot()
    response = bob_phone.request("POST", "submission", data=body, content_type=content_type)
    assert response.status_code == status, message(response)
    assert response.headers["X-Gridbook-Error"] == code
    assert_catalog_message(message(response), code, language)
    assert_unchanged(before)


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/cron.d/evil.jpg",
        "..\\..\\windows\\evil.jpg",
        "/absolute/path.jpg",
        "a" * 250 + ".jpg",
        "门牌照片（三栋）🏠.jpg",
        ".jpg",
        "CON.jpg",
    ],
    ids=["dotdot", "backslashes", "absolute", "long", "non-ascii", "dot-only", "con"],
)
def test_hostile_attachment_names_are_stored_as_data_never_as_paths(
    bob_phone: CollectClient, visit_form: FormVersion, name: str
) -> None:
    content = photo()
    response = bob_phone.submit(visit_xml(visit_form, door_photo=name), [Part(name, content)])
    assert response.status_code == 201, message(response)
    attachment = Attachment.objects.get()
    assert attachment.present and attachment.name == name
    key = attachment.file.name
    parts = key.split("/")
    assert parts[:2] == ["submissions", "hh_visit"] and len(parts) == 4
    assert ".." not in parts and "\\" not in key and "\x00" not in key
    assert len(parts[-1].encode()) <= 120
    assert stored_keys() == [key]
    assert stored_bytes(attachment) == content


def test_a_part_name_with_a_nul_matches_no_answer_and_is_never_written(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    """XML 1.0 cannot hold a NUL, so no answer can name such a part: it is ignored and the
    submission waits for the photo it does name."""
    xml = visit_xml(visit_form, door_photo="door.jpg")
    response = bob_phone.submit(xml, [Part("door\x00.jpg", photo())])
    assert response.status_code == 201
    assert Attachment.objects.get().present is False
    assert stored_keys() == []


def test_a_part_header_longer_than_the_parser_reads_is_refused_whole(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    """Django reads at most 1024 bytes of a part's headers; a longer file name (no phone
    writes one) is refused as unreadable, and nothing is stored."""
    name = "照" * 2000 + ".jpg"
    before = snapshot()
    response = bob_phone.submit(visit_xml(visit_form, door_photo=name), [Part(name, photo())])
    assert response.status_code == 400
    assert_catalog_message(message(response), "openrosa_not_multipart", "zh-hans")
    assert_unchanged(before)
