"""Nothing is ever half-stored: a storage failure stores nothing and tells the worker to send
again; a crash between writing the files and committing the rows leaves only orphan files,
which ``prune_media`` finds and removes once they are older than the grace period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from server.core.storage import media_storage
from server.submissions import services
from server.submissions.models import Attachment, Submission
from server.submissions.pruning import media_prune
from server.xforms.models import FormVersion
from tests.openrosa.collect import CollectClient, Part
from tests.openrosa.conftest import photo, visit_xml
from tests.openrosa.test_submission import message, stored_keys


def test_a_storage_failure_stores_nothing_and_asks_to_send_again(
    bob_phone: CollectClient, visit_form: FormVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = media_storage()
    written: list[str] = []
    real_save = storage.save

    def failing_save(name, content, *args, **kwargs):  # type: ignore[no-untyped-def]
        if written:
            raise OSError("disk full")
        written.append(real_save(name, content, *args, **kwargs))
        return written[-1]

    monkeypatch.setattr(storage, "save", failing_save)
    xml = visit_xml(visit_form, door_photo="a.jpg", need_photos=("b.jpg",))
    response = bob_phone.submit(xml, [Part("a.jpg", photo()), Part("b.jpg", photo())])
    assert response.status_code == 503
    assert "稍后" in message(response)
    assert Submission.objects.count() == 0
    monkeypatch.undo()
    assert stored_keys() == []  # the first file, written before the failure, was removed


def test_a_crash_before_the_commit_leaves_only_orphans_that_prune_removes(
    bob_phone: CollectClient, visit_form: FormVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("power cut")

    monkeypatch.setattr(services, "_insert", crash)
    bob_phone.client.raise_request_exception = False
    response = bob_phone.submit(visit_xml(visit_form), [Part("1763859601123.jpg", photo())])
    assert response.status_code == 500
    assert Submission.objects.count() == 0
    orphans = stored_keys()
    assert len(orphans) == 1

    assert media_prune(grace=timedelta(hours=1)).removed == []  # too young to judge
    report = media_prune(grace=timedelta(0))
    assert report.removed == orphans
    assert stored_keys() == []


def test_prune_keeps_every_file_a_row_refers_to(
    bob_phone: CollectClient,
    visit_form: FormVersion,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        bob_phone.submit(visit_xml(visit_form), [Part("1763859601123.jpg", photo())])
    attachment = Attachment.objects.get()
    assert attachment.thumbnail.name
    orphan = media_storage().save(
        "submissions/hh_visit/uuid_lost/0123456789ab-lost.jpg", ContentFile(b"x")
    )
    report = media_prune(grace=timedelta(0), dry_run=True)
    assert report.removed == [orphan] and report.examined == 3
    assert media_storage().exists(orphan)  # a dry run removes nothing

    call_command("prune_media", "--grace-hours", "0")
    assert stored_keys() == sorted([attachment.file.name, attachment.thumbnail.name])
