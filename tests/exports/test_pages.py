"""The exports page: who sees it, asking for an export, the list polling while it runs,
downloading (recorded), cancelling, and the export record for managers."""

from __future__ import annotations

import pytest
from django.test import Client

from server.exports.models import ExportDownload, ExportJob
from tests.conftest import PASSWORD, World
from tests.exports.conftest import Send
from tests.exports.support import csv_rows, downloaded, run_export


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 200), ("admin", 200), ("bob", 200), ("dave", 404)]
)
def test_who_sees_the_page(world: World, who: str, status: int) -> None:
    assert signed_in(who).get("/exports/").status_code == status


def test_the_page_is_in_the_navigation_of_managers(world: World) -> None:
    page = signed_in("alice").get("/").content.decode()
    assert 'href="/exports/"' in page


def test_a_manager_asks_downloads_and_it_is_recorded(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send()
    client = signed_in("alice")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/exports/",
            {
                "what": "form:hh_visit",
                "format": "csv_zip",
                "language": "names",
                "choice_labels": "true",
                "departments": ["police"],
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ExportJob.objects.get()
    assert job.state == "done" and job.requested_by == world.alice
    listing = client.get("/exports/jobs/").content.decode()
    assert f"/exports/{job.pk}/download/" in listing and "hx-trigger" not in listing
    download = client.get(f"/exports/{job.pk}/download/", REMOTE_ADDR="10.1.2.3")
    body, content_type = downloaded(download)
    assert content_type == "application/zip" and body[:2] == b"PK"
    record = ExportDownload.objects.get()
    assert (record.user, record.ip, record.via) == (world.alice, "10.1.2.3", "web")
    audit = client.get("/exports/").content.decode()
    assert "10.1.2.3" in audit


def test_others_cannot_download_my_export(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send()
    job = run_export(django_capture_on_commit_callbacks, world.alice)
    assert signed_in("erin").get(f"/exports/{job.pk}/download/").status_code == 404
    assert signed_in("bob").get(f"/exports/{job.pk}/download/").status_code == 404
    assert downloaded(signed_in("admin").get(f"/exports/{job.pk}/download/"))[0][:2] == b"PK"


def test_a_running_export_is_polled_and_can_be_cancelled(world: World, export_form) -> None:
    job = ExportJob.objects.create(
        requested_by=world.alice,
        kind="submissions",
        format="csv_zip",
        form=export_form.form,
        state="running",
        rows_total=100,
        rows_done=40,
    )
    client = signed_in("alice")
    listing = client.get("/exports/jobs/").content.decode()
    assert 'hx-trigger="every 2s"' in listing and 'aria-valuenow="40"' in listing
    response = client.post(f"/exports/{job.pk}/cancel/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.state == "cancelled"


def test_a_bad_filter_comes_back_with_a_message(world: World, export_form) -> None:
    response = signed_in("alice").post(
        "/exports/",
        {
            "what": "form:hh_visit",
            "format": "csv_zip",
            "language": "zh",
            "choice_labels": "true",
            "area": "BH",
        },
    )
    assert response.status_code == 400
    assert not ExportJob.objects.exists()


def test_csv_from_the_page_has_the_rows(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send(household="XF-1-201")
    job = run_export(django_capture_on_commit_callbacks, world.alice, options={"language": "names"})
    from tests.exports.support import zip_members

    assert csv_rows(zip_members(job)["hh_visit.csv"])[0]["household"] == "XF-1-201"
