"""The audit log (``server.accounts.audit``): what is recorded, who may read it, its CSV,
and its retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from server.accounts.audit import audit_prune, audit_record
from server.accounts.models import AuditAction, AuditEvent
from server.submissions.models import Attachment, Submission
from server.submissions.pruning import photos_prune
from server.xforms.models import FormVersion
from tests.conftest import PASSWORD, World
from tests.openrosa.collect import CollectClient, Part
from tests.openrosa.conftest import photo, visit_xml
from tests.openrosa.test_submission import stored_keys


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_every_view_of_a_household_is_recorded_with_whether_it_was_in_full(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    assert signed_in(world.alice).get("/households/XF-1-101/").status_code == 200
    assert signed_in(world.bob).get("/households/XF-1-101/").status_code == 200
    assert signed_in(world.erin).get("/households/XF-1-101/").status_code == 404
    viewed = events(AuditAction.HOUSEHOLD_VIEWED)
    assert [(e.actor_name, e.target, e.details) for e in viewed] == [
        ("alice", "XF-1-101", {"personal_data": True}),
        ("bob", "XF-1-101", {"personal_data": False}),
    ]  # erin got 404: she saw nothing, nothing is recorded


def test_changes_to_people_are_recorded_with_who_made_them(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    admin = signed_in(world.admin)
    AuditEvent.objects.all().delete()  # the world's own creation is recorded too
    admin.post("/person/bob/password/", {"password": "Brand-New-77", "confirm": "Brand-New-77"})
    admin.post("/person/bob/password/", {"generate": "1"})
    admin.post("/person/bob/areas/", {"areas": [world.grid_a2.pk]})
    admin.post(
        "/person/bob/details/",
        {"full_name": "鲍明", "phone": "", "role": "manager", "language": "zh-hans"},
    )
    admin.post("/person/carol/active/", {"active": "no"})
    admin.post("/person/carol/active/", {"active": "yes"})
    recorded = [(e.actor_name, e.action, e.target) for e in AuditEvent.objects.order_by("pk")]
    assert ("admin", "password_set", "bob") in recorded
    assert recorded.count(("admin", "password_set", "bob")) == 2
    assert ("admin", "areas_assigned", "bob") in recorded
    assert ("admin", "user_changed", "bob") in recorded
    assert ("admin", "user_deactivated", "carol") in recorded
    assert ("admin", "user_reactivated", "carol") in recorded
    role = AuditEvent.objects.get(action="user_changed")
    assert role.details == {"role": ["collector", "manager"]}
    assert AuditEvent.objects.get(action="areas_assigned").details == {"areas": ["CY2"]}
    for event in AuditEvent.objects.all():  # no password is ever written down
        assert "Brand-New-77" not in str(event.details) and PASSWORD not in str(event.details)


def test_register_imports_and_register_list_downloads_are_recorded(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    from tests.openrosa.conftest import upload_visit_form

    csv = "household_code,building_code,room,head_name\nXF-1-301,XF-1,301,赵六\n".encode()
    response = signed_in(world.admin).post(
        "/import/register/",
        {"file": SimpleUploadedFile("new.csv", csv), "source": "import_police"},
    )
    assert response.status_code == 200
    imported = events(AuditAction.REGISTER_IMPORTED)[-1]
    assert (imported.actor_name, imported.target) == ("admin", "new.csv")
    assert imported.details == {"source": "import_police", "rows": 1, "skipped": 0}

    upload_visit_form(world)
    listed = signed_in(world.dave).get("/api/v1/register-lists/households.csv?collector=bob")
    assert listed.status_code == 200
    download = events(AuditAction.FILE_DOWNLOADED)[-1]
    assert (download.actor_name, download.target, download.details) == (
        "dave",
        "households.csv",
        {"collector": "bob"},
    )


def test_administrators_read_the_log_on_a_page_and_in_the_api(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(world.alice).get("/households/XF-1-102/")
    page = signed_in(world.admin).get("/audit/?action=household_viewed").content.decode()
    assert "XF-1-102" in page and "alice" in page and "查看住户" in page
    english = signed_in(world.admin, "en").get("/audit/?actor=alice").content.decode()
    assert "Viewed a household" in english
    api = signed_in(world.admin).get("/api/v1/audit-events/?action=household_viewed").json()
    assert api["count"] == 1 and api["results"][0]["target"] == "XF-1-102"
    assert signed_in(world.alice).get("/api/v1/audit-events/").status_code == 403


def test_the_csv_download_is_excel_ready_formula_safe_and_itself_recorded(
    world: World, signed_in
) -> None:  # type: ignore[no-untyped-def]
    audit_record(
        actor=world.admin,
        action=AuditAction.FILE_DOWNLOADED,
        target_type="file",
        target='=HYPERLINK("http://evil.example","x")',
    )
    response = signed_in(world.admin).get("/audit/export.csv?action=file_downloaded")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("\ufeff时间,操作人,操作")
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body
    assert events(AuditAction.AUDIT_EXPORTED)[-1].details == {"action": "file_downloaded"}


def test_audit_retention_removes_only_what_is_older(world: World) -> None:
    old = audit_record(actor=world.admin, action=AuditAction.FILE_DOWNLOADED, target="a")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=400))
    kept = AuditEvent.objects.count() - 1
    assert audit_prune(older_than=timedelta(days=365)) == 1
    assert AuditEvent.objects.count() == kept


def test_photo_retention_removes_files_but_keeps_the_submission(
    bob_phone: CollectClient, visit_form: FormVersion, django_capture_on_commit_callbacks, settings
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        bob_phone.submit(visit_xml(visit_form), [Part("1763859601123.jpg", photo())])
    Submission.objects.update(received_at=timezone.now() - timedelta(days=100))
    assert len(stored_keys()) == 2  # the photo and its thumbnail
    assert photos_prune(older_than=timedelta(days=90), dry_run=True) == 1
    assert len(stored_keys()) == 2

    settings.GRIDBOOK_PHOTO_RETENTION_DAYS = 90
    call_command("prune")
    assert stored_keys() == []
    attachment = Attachment.objects.get()
    assert attachment.present and not attachment.file.name and not attachment.thumbnail.name
    assert attachment.removed_at is not None
    assert Submission.objects.get().xml  # the answers stay


@pytest.mark.parametrize("days", ["30", "179"])
def test_audit_retention_cannot_be_set_below_six_months(days: str) -> None:
    from tests.reliability.test_security_settings import settings_in_a_fresh_process

    with pytest.raises(AssertionError, match="GRIDBOOK_AUDIT_RETENTION_DAYS"):
        settings_in_a_fresh_process(GRIDBOOK_AUDIT_RETENTION_DAYS=days)
