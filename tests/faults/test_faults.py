"""Real components fail in the middle of real requests (``harness``: our own PostgreSQL,
SeaweedFS, gunicorn and worker). The phone always gets an answer it can act on, a resend
after the component is back stores the submission exactly once, and nothing is left
half-stored or stuck.

Run with ``make test-faults`` (CI's last step); they take about a minute."""

from __future__ import annotations

import contextlib
import http.client
import io
import os
import time
import uuid
from collections.abc import Callable
from types import SimpleNamespace

import pytest
import requests
from PIL import Image

from tests.faults.conftest import Stack
from tests.faults.harness import SERVER_PORT
from tests.openrosa.collect import USER_AGENT, Part, multipart
from tests.openrosa.conftest import visit_xml

pytestmark = pytest.mark.faults

VISIT_FORM = SimpleNamespace(form=SimpleNamespace(form_id="hh_visit"), version="2026112301")


def noisy_photo(width: int = 1600, height: int = 1200) -> bytes:
    """About 1 MB: long enough on the wire to fail a component while it is on its way."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(
        buffer, format="JPEG", quality=85
    )
    return buffer.getvalue()


def submission(photo_name: str = "door.jpg") -> tuple[str, bytes, str, bytes]:
    instance_id = f"uuid:{uuid.uuid4()}"
    photo = noisy_photo()
    xml = visit_xml(VISIT_FORM, instance_id=instance_id, door_photo=photo_name)  # type: ignore[arg-type]
    body, content_type = multipart(xml, [Part(photo_name, photo)])
    return instance_id, body, content_type, photo


def headers(content_type: str, length: int) -> dict[str, str]:
    return {
        "Content-Type": content_type,
        "Content-Length": str(length),
        "X-OpenRosa-Version": "1.0",
        "User-Agent": USER_AGENT,
    }


def post_failing_midway(
    stack: Stack, body: bytes, content_type: str, fail: Callable[[], None]
) -> tuple[int, str, str]:
    """Send half the body, let the server start on it, break a component, send the rest."""
    connection = http.client.HTTPConnection("127.0.0.1", SERVER_PORT, timeout=120)
    connection.putrequest("POST", f"/key/{stack.token}/submission?deviceID=collect%3Afaults")
    for name, value in headers(content_type, len(body)).items():
        connection.putheader(name, value)
    connection.endheaders()
    half = len(body) // 2
    connection.send(body[:half])
    time.sleep(1.0)  # signed in, reading the multipart body
    fail()
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        connection.send(body[half:])
    response = connection.getresponse()
    answer = response.read().decode(errors="replace")
    code = response.getheader("X-Gridbook-Error", "")
    connection.close()
    return response.status, code, answer


def post(stack: Stack, body: bytes, content_type: str) -> requests.Response:
    url = f"{stack.gridbook.url}/key/{stack.token}/submission?deviceID=collect%3Afaults"
    return requests.post(url, data=body, headers=headers(content_type, len(body)), timeout=120)


def stored(stack: Stack, instance_id: str) -> list[tuple]:  # type: ignore[type-arg]
    return stack.postgres.query(
        "SELECT s.id, a.present, a.file FROM submissions_submission s "
        "JOIN submissions_attachment a ON a.submission_id = s.id WHERE s.instance_id = %s",
        instance_id,
    )


def test_the_database_stops_in_the_middle_of_a_submission(stack: Stack) -> None:
    instance_id, body, content_type, _ = submission()
    submissions_before = stack.postgres.query("SELECT count(*) FROM submissions_submission")[0][0]

    status, code, answer = post_failing_midway(
        stack, body, content_type, lambda: stack.postgres.stop("immediate")
    )
    assert status == 503, answer
    assert code == "openrosa_database_unavailable"
    assert "数据库" in answer  # Collect shows the worker why, in Chinese

    stack.postgres.start()
    count = stack.postgres.query("SELECT count(*) FROM submissions_submission")[0][0]
    assert count == submissions_before  # nothing half-stored
    response = post(stack, body, content_type)  # Collect sends it again
    assert response.status_code == 201, response.text
    rows = stored(stack, instance_id)
    assert len(rows) == 1 and rows[0][1] is True
    assert post(stack, body, content_type).status_code == 201  # and again: still one
    assert len(stored(stack, instance_id)) == 1
    assert f"faults-media/{rows[0][2]}" in stack.s3.object_keys()


def test_s3_stops_in_the_middle_of_a_photo_upload(stack: Stack) -> None:
    instance_id, body, content_type, photo = submission()
    keys_before = stack.s3.object_keys()

    status, code, answer = post_failing_midway(stack, body, content_type, stack.s3.stop)
    assert status == 503, answer
    assert code == "attachment_storage_failed"
    assert stored(stack, instance_id) == []  # no row points at a file that is not there

    stack.s3.start()
    assert stack.s3.object_keys() == keys_before  # and no file was left behind
    response = post(stack, body, content_type)
    assert response.status_code == 201, response.text
    rows = stored(stack, instance_id)
    assert len(rows) == 1 and rows[0][1] is True
    kept = stack.s3.client().get_object(
        Bucket=stack.s3.env["S3_MEDIA_BUCKET"], Key=f"faults-media/{rows[0][2]}"
    )
    assert kept["Body"].read() == photo


def task_state(stack: Stack, submission_id: int) -> tuple[str, list[str]] | None:
    rows = stack.postgres.query(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'server.submissions.tasks.submission_process' "
        "AND args_kwargs -> 'args' ->> 0 = %s ORDER BY enqueued_at DESC",
        str(submission_id),
    )
    return (rows[0][0], rows[0][1]) if rows else None


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


def test_the_worker_is_killed_in_the_middle_of_a_task(stack: Stack) -> None:
    import psycopg

    instance_id, body, content_type, _ = submission()
    assert post(stack, body, content_type).status_code == 201
    submission_id = stored(stack, instance_id)[0][0]
    assert task_state(stack, submission_id)[0] == "READY"  # type: ignore[index]

    # Hold the submission's row: the task makes its thumbnail, then waits to record that it
    # is done. That is the middle of the task; there the worker is killed.
    dsn = f"host=127.0.0.1 port={stack.postgres.port} user=postgres dbname=gridbook"
    with psycopg.connect(dsn) as lock:
        lock.execute(
            "SELECT 1 FROM submissions_submission WHERE id = %s FOR UPDATE", (submission_id,)
        )
        stack.gridbook.start_worker()
        wait_for(lambda: task_state(stack, submission_id)[0] == "RUNNING", 30, "the task to start")  # type: ignore[index]
        time.sleep(1.0)
        stack.gridbook.kill_worker()
        lock.rollback()
    time.sleep(0.5)
    assert task_state(stack, submission_id)[0] == "RUNNING"  # type: ignore[index] # stuck, as left

    stack.gridbook.start_worker()  # a supervisor restarts it; it recovers first
    try:
        wait_for(
            lambda: task_state(stack, submission_id)[0] == "SUCCESSFUL",  # type: ignore[index]
            60,
            "the task to run again and succeed",
        )
    except AssertionError as error:
        raise AssertionError(f"{error}\n{stack.gridbook.log('worker')[-3000:]}") from None
    finally:
        stack.gridbook.kill_worker()
    _, workers = task_state(stack, submission_id)  # type: ignore[misc]
    assert len(workers) == 2 and workers[0] != workers[1]
    processed = stack.postgres.query(
        "SELECT processed_at IS NOT NULL FROM submissions_submission WHERE id = %s", submission_id
    )
    assert processed == [(True,)]
    thumbnails = stack.postgres.query(
        "SELECT thumbnail FROM submissions_attachment WHERE submission_id = %s", submission_id
    )
    assert len(thumbnails) == 1 and thumbnails[0][0]
    folder = stored(stack, instance_id)[0][2].rsplit("/", 1)[0]
    in_folder = [key for key in stack.s3.object_keys() if key.startswith(f"faults-media/{folder}/")]
    assert len(in_folder) == 2  # the photo and one thumbnail: the rerun made no second one
