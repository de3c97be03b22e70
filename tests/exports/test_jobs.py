"""Jobs: states, progress, cancel (before and while running), a dead worker's job re-queued
then failed, expiry and pruning, the active-jobs limit, a failure with its reason, signed
links (valid, expired, tampered, another person's), and the API."""

from __future__ import annotations

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from server.core.errors import GridbookError
from server.core.storage import exports_storage
from server.exports import producers, services
from server.exports.links import SALT, link_token
from server.exports.models import ExportDownload, ExportJob
from server.exports.services import (
    export_cancel,
    export_request,
    export_run,
    exports_prune,
    exports_recover,
)
from tests.conftest import World
from tests.exports.conftest import Send
from tests.exports.support import downloaded, run_export


def test_a_cancelled_queued_job_never_runs(world: World, send: Send) -> None:
    send()
    job = export_request(user=world.alice, kind="submissions", format="csv_zip", form_id="hh_visit")
    assert job.state == "queued"
    export_cancel(job=job)
    assert export_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.state == "cancelled" and job.file_key == ""


def test_cancelling_while_running_stops_at_the_next_step_and_leaves_no_file(
    world: World, send: Send
) -> None:
    for _ in range(3):
        send()
    job = export_request(user=world.alice, kind="submissions", format="csv_zip", form_id="hh_visit")
    real_rows = producers._Submissions.rows

    def rows_then_cancel(self):
        for number, row in enumerate(real_rows(self)):
            if number == 1:
                ExportJob.objects.filter(pk=job.pk).update(state="cancelled")
                self.request.tick(10**9)  # the next progress step sees it
            yield row

    with (
        mock.patch.object(producers._Submissions, "rows", rows_then_cancel),
        mock.patch.object(services, "TICK_SECONDS", 0.0),
    ):
        export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "cancelled" and job.file_key == ""
    assert not _stored_files(job)


def _stored_files(job: ExportJob) -> list[str]:
    try:
        return exports_storage().listdir(services._key_prefix(job))[1]
    except (FileNotFoundError, OSError):
        return []


def test_a_failure_is_recorded_with_its_reason(world: World, send: Send) -> None:
    send()
    job = export_request(user=world.alice, kind="submissions", format="xlsx", form_id="hh_visit")
    with mock.patch.object(producers, "XlsxTables", side_effect=OSError("disk full")):
        export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and job.error_code == "export_failed"
    assert "OSError" in job.error_message and job.finished_at is not None


@override_settings(GRIDBOOK_EXPORT_STALE_SECONDS=60, GRIDBOOK_EXPORT_MAX_ATTEMPTS=2)
def test_a_dead_workers_job_is_queued_again_then_failed(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send()
    job = export_request(user=world.alice, kind="submissions", format="csv_zip", form_id="hh_visit")
    long_ago = timezone.now() - timedelta(minutes=5)
    ExportJob.objects.filter(pk=job.pk).update(state="running", attempts=1, heartbeat_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert exports_recover() == (1, 0)
    job.refresh_from_db()
    assert job.state == "done" and job.attempts == 2  # the re-queued run finished
    ExportJob.objects.filter(pk=job.pk).update(state="running", heartbeat_at=long_ago, file_key="")
    assert exports_recover() == (0, 1)
    job.refresh_from_db()
    assert job.state == "failed" and job.error_code == "export_worker_lost"
    fresh = ExportJob.objects.create(
        requested_by=world.alice,
        kind="households",
        format="xlsx",
        state="running",
        heartbeat_at=timezone.now(),
    )
    assert exports_recover() == (0, 0)
    fresh.refresh_from_db()
    assert fresh.state == "running"


def test_files_expire_and_are_deleted(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send()
    job = run_export(django_capture_on_commit_callbacks, world.alice)
    assert exports_storage().exists(job.file_key)
    assert job.expires_at - job.finished_at == timedelta(hours=72)
    assert exports_prune() == 0
    call_command("prune_exports", stdout=io.StringIO())
    assert exports_storage().exists(job.file_key)
    assert exports_prune(now=job.expires_at + timedelta(seconds=1)) == 1
    assert not exports_storage().exists(job.file_key)
    job.refresh_from_db()
    assert job.state == "expired" and job.rows_done == 1  # the record stays


@override_settings(GRIDBOOK_EXPORT_MAX_ACTIVE=2)
def test_a_person_may_have_only_a_few_exports_waiting(world: World, export_form) -> None:
    for _ in range(2):
        export_request(user=world.alice, kind="households", format="xlsx")
    with pytest.raises(GridbookError) as raised:
        export_request(user=world.alice, kind="households", format="xlsx")
    assert raised.value.status == 429
    export_request(user=world.erin, kind="households", format="xlsx")  # others are not blocked


def test_formats_and_options_are_checked(world: World, export_form) -> None:
    for kwargs, code in [
        ({"kind": "households", "format": "geojson"}, "export_format_not_offered"),
        ({"kind": "submissions", "format": "csv_zip"}, "export_form_required"),
        ({"kind": "submissions", "format": "csv_zip", "form_id": "nope"}, "export_form_not_found"),
        (
            {"kind": "households", "format": "xlsx", "options": {"language": "fr"}},
            "export_bad_option",
        ),
        ({"kind": "households", "format": "xlsx", "options": {"evil": 1}}, "export_bad_option"),
        (
            {"kind": "households", "format": "xlsx", "filters": {"area": "../x"}},
            "export_bad_option",
        ),
    ]:
        with pytest.raises(GridbookError) as raised:
            export_request(user=world.alice, **kwargs)
        assert raised.value.code == code, kwargs


def test_signed_links(world: World, send: Send, django_capture_on_commit_callbacks) -> None:
    send()
    job = run_export(django_capture_on_commit_callbacks, world.alice)
    client = Client()
    token = link_token(job, world.alice)
    response = client.get(f"/exports/file/{token}/", REMOTE_ADDR="192.0.2.7")
    assert downloaded(response)[0][:2] == b"PK"
    assert ExportDownload.objects.get().via == "link"
    assert client.get(f"/exports/file/{token[:-2]}xx/").status_code == 403
    forged = signing.dumps({"j": str(job.pk), "u": world.erin.pk}, salt=SALT)
    assert client.get(f"/exports/file/{forged}/").status_code == 403  # erin did not ask for it
    with (
        override_settings(GRIDBOOK_EXPORT_LINK_SECONDS=10),
        mock.patch("django.core.signing.time.time", return_value=__import__("time").time() + 60),
    ):
        assert client.get(f"/exports/file/{token}/").status_code == 403
    assert ExportDownload.objects.count() == 1


def test_a_signed_link_opened_in_someone_elses_session_is_404_and_not_recorded(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send()
    job = run_export(django_capture_on_commit_callbacks, world.alice)
    link = f"/exports/file/{link_token(job, world.alice)}/"
    for other in (world.erin, world.bob, world.dave):
        client = Client()
        client.force_login(other)
        assert client.get(link).status_code == 404, other.username
    assert not ExportDownload.objects.exists()
    admin = Client()
    admin.force_login(world.admin)  # reads every export: recorded as the administrator's
    assert downloaded(admin.get(link))[0][:2] == b"PK"
    assert ExportDownload.objects.get().user == world.admin


def test_api_post_get_delete_and_audit(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send()
    api = APIClient()
    api.force_authenticate(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/exports/",
            {
                "kind": "submissions",
                "format": "csv_zip",
                "form": "hh_visit",
                "options": {"language": "en"},
                "filters": {"area": "CY"},
            },
            format="json",
        )
    assert response.status_code == 202, response.json()
    job_id = response.json()["id"]
    detail = api.get(f"/api/v1/exports/{job_id}/").json()
    assert detail["state"] == "done" and detail["percent"] == 100 and detail["rows_done"] == 1
    link = detail["download_url"]
    assert "/exports/file/" in link and detail["download_url_expires_in"] == 300
    assert downloaded(Client().get(link))[0][:2] == b"PK"
    assert (
        api.delete(f"/api/v1/exports/{job_id}/").status_code == 409
    )  # finished: nothing to cancel
    other = APIClient()
    other.force_authenticate(world.erin)
    assert other.get(f"/api/v1/exports/{job_id}/").status_code == 404
    assert other.get("/api/v1/exports/audit/").json()["count"] == 0  # alice is not in erin's areas
    admin = APIClient()
    admin.force_authenticate(world.admin)
    audit = admin.get("/api/v1/exports/audit/").json()["results"]
    assert audit[0]["requested_by"] == "alice" and audit[0]["downloads"][0]["user"] == "alice"
    collector = APIClient()
    collector.force_authenticate(world.bob)
    assert collector.get("/api/v1/exports/audit/").status_code == 403
    designer = APIClient()
    designer.force_authenticate(world.dave)
    assert (
        designer.post(
            "/api/v1/exports/", {"kind": "households", "format": "xlsx"}, format="json"
        ).status_code
        == 403
    )


def test_api_cancel_a_queued_export(world: World, export_form) -> None:
    api = APIClient()
    api.force_authenticate(world.alice)
    response = api.post("/api/v1/exports/", {"kind": "households", "format": "xlsx"}, format="json")
    job_id = response.json()["id"]  # not run: the commit never happened in this test
    cancelled = api.delete(f"/api/v1/exports/{job_id}/")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"


def test_files_go_to_the_exports_storage_under_the_jobs_folder(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    """Local folder or S3 (CI runs this file against SeaweedFS): the key is
    <month>/<job id>/<file>, and the media storage never receives export files."""
    send()
    job = run_export(django_capture_on_commit_callbacks, world.alice)
    month, folder, name = job.file_key.split("/")
    assert folder == str(job.pk) and name == job.file_name and len(month) == 7
    assert exports_storage().size(job.file_key) == job.file_size
    from server.core.storage import media_storage

    assert not media_storage().exists(job.file_key)


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_beats_while_no_rows_move(world_committed) -> None:
    """Long steps without progress (compressing a big XLSX, uploading it) keep the job alive:
    a thread refreshes ``heartbeat_at`` on its own connection."""
    long_ago = timezone.now() - timedelta(hours=1)
    job = ExportJob.objects.create(
        requested_by=world_committed.alice,
        kind="households",
        format="xlsx",
        state="running",
        heartbeat_at=long_ago,
    )
    with mock.patch.object(services, "HEARTBEAT_SECONDS", 0.05):
        beat = services._Heartbeat(job.pk)
        beat.start()
        __import__("time").sleep(0.5)
        beat.stop()
    job.refresh_from_db()
    assert job.heartbeat_at > long_ago + timedelta(minutes=59)
    assert not beat.is_alive()


@pytest.fixture
def world_committed(transactional_db: None) -> World:
    from tests.conftest import build_world

    return build_world()
