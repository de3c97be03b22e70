"""Run in a fresh process on a file SQLite database (``python -m
tests.reliability.sqlite_backup_job prepare|check``), for test_backup_sqlite: ``prepare``
migrates, builds the test world and stores submissions with photos through the front door;
``check`` prints every submission with the md5 of its photo as read back from storage."""

from __future__ import annotations

import hashlib
import json
import sys

import django


def prepare() -> None:
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from server.accounts.collector_tokens import collector_token_issue
    from server.xforms.services import form_publish, form_set_state
    from tests.conftest import build_world
    from tests.openrosa.collect import Part, multipart
    from tests.openrosa.conftest import photo, upload_visit_form, visit_xml

    world = build_world()
    version = upload_visit_form(world)
    form_set_state(form=version.form, state="open")
    form_publish(form=version.form, area=world.community_a)
    token = collector_token_issue(user=world.bob)
    client = Client()
    for index in range(3):
        xml = visit_xml(version, door_photo=f"door{index}.jpg")
        body, content_type = multipart(xml, [Part(f"door{index}.jpg", photo(color=(index, 2, 3)))])
        response = client.post(f"/key/{token}/submission", data=body, content_type=content_type)
        assert response.status_code == 201, response.content


def check() -> None:
    from server.core.storage import media_storage
    from server.submissions.models import Attachment

    found = {}
    for attachment in Attachment.objects.select_related("submission"):
        with media_storage().open(attachment.file.name, "rb") as handle:
            found[attachment.submission.instance_id] = [
                attachment.md5,
                hashlib.md5(handle.read()).hexdigest(),
            ]
    print(json.dumps(found))


if __name__ == "__main__":
    django.setup()
    {"prepare": prepare, "check": check}[sys.argv[1]]()
