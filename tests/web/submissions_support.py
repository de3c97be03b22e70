"""Submissions for the web and API tests, sent through the OpenRosa front door as Collect
sends them: bob's visit in CY1 with its door photo (the need's photo still missing), and
carol's visit in BH1 (another community: alice, erin and bob see only their own)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from server.submissions.models import Submission
from server.submissions.tasks import submission_process
from server.xforms.models import FormVersion
from tests.conftest import World
from tests.openrosa.collect import CollectClient, Part
from tests.openrosa.conftest import new_instance_id, photo, visit_xml

DOOR = "1763859601123.jpg"
NEED = "need-1763859700000.jpg"


@dataclass
class Sent:
    bob: Submission
    carol: Submission
    instance_id: str


def send(phone: CollectClient, xml: bytes, parts: list[Part]) -> None:
    response = phone.submit(xml, parts)
    assert response.status_code == 201, response.content


@pytest.fixture
def sent(
    world: World, visit_form: FormVersion, bob_phone: CollectClient, carol_phone: CollectClient
) -> Sent:
    from server.xforms.services import form_publish

    form_publish(form=visit_form.form, area=world.community_b)
    instance_id = new_instance_id()
    send(
        bob_phone,
        visit_xml(visit_form, instance_id=instance_id, need_photos=(NEED,), note="楼道灯坏了"),
        [Part(DOOR, photo())],
    )
    send(
        carol_phone,
        visit_xml(visit_form, grid="BH1", household="BH-1-101", note="河边护栏松动"),
        [Part(DOOR, photo(color=(10, 120, 200)))],
    )
    for row in Submission.objects.all():
        submission_process.enqueue(row.pk)
    return Sent(
        bob=Submission.objects.get(instance_id=instance_id),
        carol=Submission.objects.get(grid__code="BH1"),
        instance_id=instance_id,
    )


def edit(phone: CollectClient, version: FormVersion, original: Submission, note: str) -> Submission:
    """An edit of ``original`` (Collect's ``deprecatedID``) changing the need's description."""
    instance_id = new_instance_id()
    send(
        phone,
        visit_xml(
            version,
            instance_id=instance_id,
            deprecated_id=original.instance_id,
            need_photos=(NEED,),
            note=note,
        ),
        [Part(DOOR, photo())],
    )
    return Submission.objects.get(instance_id=instance_id)
