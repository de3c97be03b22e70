"""Tasks whose worker died are retried (idempotent ones) or failed visibly, never left
"running" (``server.core.task_recovery``). The fault suite kills a real worker; these tests
check each rule on rows as the database backend writes them."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from server.core.task_recovery import ABANDONED, tasks_recover, worker_id
from server.submissions.tasks import submission_process
from server.xforms.background import form_upload_enqueue
from server.xforms.models import FormUpload, FormUploadStatus
from server.xforms.tasks import convert_form_upload
from tests.conftest import World

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)
DEAD_HERE = f"gb:{socket.gethostname()[:40]}:{2**22 + 12345}:abcdef"  # no such pid


def running(task_path: str, *, workers: list[str], started_minutes_ago: int = 1, args=(1,)):  # type: ignore[no-untyped-def]
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": list(args), "kwargs": {}},
        task_path=task_path,
        backend_name="default",
        run_after=now,
        started_at=now - timedelta(minutes=started_minutes_ago),
        worker_ids=workers,
        exception_class_path="",
        traceback="",
    )


def status(result: DBTaskResult) -> str:
    result.refresh_from_db()
    return result.status


def test_a_submission_task_of_a_dead_worker_runs_again() -> None:
    result = running(submission_process.module_path, workers=[DEAD_HERE])
    report = tasks_recover(stale_after=HOUR)
    assert report.retried == [str(result.pk)]
    assert status(result) == TaskResultStatus.READY


def test_after_three_attempts_it_fails_visibly() -> None:
    result = running(submission_process.module_path, workers=[DEAD_HERE] * 3)
    assert tasks_recover(stale_after=HOUR).failed == [str(result.pk)]
    assert status(result) == TaskResultStatus.FAILED
    assert result.exception_class_path == ABANDONED
    assert "stopped" in result.traceback and result.finished_at is not None


def test_a_live_worker_and_a_young_task_elsewhere_are_left_alone() -> None:
    mine = running(submission_process.module_path, workers=[worker_id()])
    assert f":{os.getpid()}:" in mine.worker_ids[0]
    elsewhere = running(submission_process.module_path, workers=["gb:other-host:1:abcdef"])
    foreign = running(submission_process.module_path, workers=["3f9a0c"])  # plain db_worker
    report = tasks_recover(stale_after=HOUR)
    assert report.retried == [] and report.failed == []
    assert {status(mine), status(elsewhere), status(foreign)} == {TaskResultStatus.RUNNING}


def test_a_task_running_longer_than_the_limit_is_abandoned_wherever_it_ran() -> None:
    old = running(
        submission_process.module_path, workers=["gb:other-host:1:abcdef"], started_minutes_ago=90
    )
    assert tasks_recover(stale_after=HOUR).retried == [str(old.pk)]


def test_a_task_without_a_policy_is_failed_not_retried_blindly() -> None:
    result = running("server.somewhere.tasks.unknown", workers=[DEAD_HERE])
    assert tasks_recover(stale_after=HOUR).failed == [str(result.pk)]


def test_an_abandoned_form_conversion_fails_and_its_page_says_so(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    upload = form_upload_enqueue(
        upload=SimpleUploadedFile("big.xlsx", b"PK\x03\x04 big"),
        file_name="big.xlsx",
        user=world.dave,
    )
    FormUpload.objects.filter(pk=upload.pk).update(status=FormUploadStatus.RUNNING)
    result = running(convert_form_upload.module_path, workers=[DEAD_HERE], args=(str(upload.pk),))
    assert tasks_recover(stale_after=HOUR).failed == [str(result.pk)]
    upload.refresh_from_db()
    assert upload.status == FormUploadStatus.FAILED and upload.finished_at is not None
    page = signed_in(world.dave).get(f"/form-uploads/{upload.pk}/").content.decode()
    assert "hx-trigger" not in page  # the page stops polling: the upload is over
    assert 'data-status="failed"' in page


def test_recover_tasks_command(capsys) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    running(submission_process.module_path, workers=[DEAD_HERE])
    call_command("recover_tasks")
    assert "retried 1, failed 0" in capsys.readouterr().out
