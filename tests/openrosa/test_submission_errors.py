"""Every way a submission can be refused gets the status OPENROSA.md names and a message a
grid worker understands, in their language, from the error catalog; nothing is stored."""

from __future__ import annotations

import pytest

from server.submissions.models import Submission
from server.xforms.models import FormVersion
from server.xforms.services import form_set_state
from tests.conftest import World
from tests.openrosa.collect import CollectClient, Part, multipart
from tests.openrosa.conftest import photo, upload_visit_form, visit_xml
from tests.openrosa.test_submission import message


def post(phone: CollectClient, body: bytes, content_type: str):  # type: ignore[no-untyped-def]
    return phone.request("POST", "submission", data=body, content_type=content_type)


def test_an_unknown_form_is_404(bob_phone: CollectClient, visit_form: FormVersion) -> None:
    xml = visit_xml(visit_form, door_photo=None).replace(b'id="hh_visit"', b'id="no_such_form"')
    response = bob_phone.submit(xml)
    assert response.status_code == 404
    assert "no_such_form" in message(response)


def test_an_unknown_version_is_404(bob_phone: CollectClient, visit_form: FormVersion) -> None:
    xml = visit_xml(visit_form, door_photo=None).replace(b'version="2026112301"', b'version="1999"')
    response = bob_phone.submit(xml)
    assert response.status_code == 404
    assert "1999" in message(response)


def test_a_closed_form_is_403(bob_phone: CollectClient, visit_form: FormVersion) -> None:
    form_set_state(form=visit_form.form, state="closed")
    response = bob_phone.submit(visit_xml(visit_form, door_photo=None))
    assert response.status_code == 403
    assert "入户走访" in message(response)


def test_an_older_open_version_is_accepted_and_keeps_its_version(
    bob_phone: CollectClient, visit_form: FormVersion, world: World
) -> None:
    newer = upload_visit_form(world, version="2026112302")
    assert newer.form == visit_form.form
    assert bob_phone.submit(visit_xml(visit_form, door_photo=None)).status_code == 201
    assert Submission.objects.get().form_version == visit_form


def test_a_form_not_offered_to_the_collector_is_403(
    carol_phone: CollectClient, visit_form: FormVersion
) -> None:
    response = carol_phone.submit(visit_xml(visit_form, grid="BH1", door_photo=None))
    assert response.status_code == 403
    assert "网格" in message(response)
    assert Submission.objects.count() == 0


def test_a_body_that_is_not_multipart_is_400(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    response = post(bob_phone, visit_xml(visit_form, door_photo=None), "text/xml")
    assert response.status_code == 400
    assert "multipart" in message(response)


def test_multipart_without_the_xml_part_is_400(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    body, content_type = multipart(b"", [Part("a.jpg", photo())])
    body = body.replace(b'name="xml_submission_file"', b'name="something_else"')
    response = post(bob_phone, body, content_type)
    assert response.status_code == 400
    assert "xml_submission_file" in message(response)


@pytest.mark.parametrize(
    ("xml", "words"),
    [
        (b"this is not xml", "XML"),
        (b'<data id="hh_visit" version="2026112301"><meta/></data>', "instanceID"),
        (b"<data><meta><instanceID>uuid:1</instanceID></meta></data>", "id"),
    ],
)
def test_unreadable_xml_is_400(
    bob_phone: CollectClient, visit_form: FormVersion, xml: bytes, words: str
) -> None:
    body, content_type = multipart(xml, [])
    response = post(bob_phone, body, content_type)
    assert response.status_code == 400
    assert words in message(response)


def test_a_body_over_the_accepted_length_is_413_and_head_says_the_same(
    bob_phone: CollectClient,
    visit_form: FormVersion,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.GRIDBOOK_SUBMISSION_MAX_BYTES = 1_000_000
    assert bob_phone.head("submission").headers["X-OpenRosa-Accept-Content-Length"] == "1000000"
    xml = visit_xml(visit_form, door_photo="big.jpg")
    big = photo(1600, 1200) + b"\x00" * 1_000_000
    body, content_type = multipart(xml, [Part("big.jpg", big)])
    response = post(bob_phone, body, content_type)
    assert response.status_code == 413
    assert "1" in message(response)
    assert Submission.objects.count() == 0


def test_messages_are_in_english_for_an_english_speaking_worker(
    bob_phone: CollectClient, visit_form: FormVersion, world: World
) -> None:
    world.bob.language = "en"
    world.bob.save()
    xml = visit_xml(visit_form, door_photo=None).replace(b'id="hh_visit"', b'id="no_such_form"')
    assert "The form no_such_form is not on this server" in message(bob_phone.submit(xml))


def test_get_on_submission_is_405_not_a_redirect(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    response = bob_phone.get("submission")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_closing_a_form_takes_effect_for_submissions_within_thirty_seconds(
    bob_phone: CollectClient, visit_form: FormVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from server.submissions import acceptance

    assert bob_phone.submit(visit_xml(visit_form, door_photo=None)).status_code == 201
    form_set_state(form=visit_form.form, state="closed")
    # The phone's burst goes on for a moment (the answer is remembered in the process) ...
    assert bob_phone.submit(visit_xml(visit_form, door_photo=None)).status_code == 201
    later = time.monotonic() + acceptance.REMEMBER_SECONDS + 1
    monkeypatch.setattr(acceptance.time, "monotonic", lambda: later)
    # ... and stops once the remembered answer is older than 30 seconds.
    assert bob_phone.submit(visit_xml(visit_form, door_photo=None)).status_code == 403
    assert Submission.objects.count() == 2
