"""The background task that runs an export job (Django tasks; enqueued after the commit)."""

from __future__ import annotations

from django_tasks import task

from server.exports.services import export_run


@task()
def export_job_run(job_id: str) -> None:
    export_run(job_id=job_id)
