"""Background work per accepted submission (enqueued after the commit that stored it)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from server.core.task_recovery import recovery_policy
from server.submissions.models import Submission
from server.submissions.processing import attachment_thumbnails_make


def process(submission: Submission) -> None:
    """Everything done for a stored submission, in order. Each step must be idempotent: the
    task runs again when attachments of a split upload arrive, and may be retried.

    The records (visits, needs, follow-ups, satisfaction, register changes) come last: they
    only read the submission's data, so a failed thumbnail never holds them back.
    """
    from server.records.services import submission_project

    attachment_thumbnails_make(submission=submission)
    submission_project(submission=submission)


@task()
def submission_process(submission_id: int) -> None:
    submission = (
        Submission.objects.select_related("form", "form_version", "grid")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:  # removed meanwhile
        return
    process(submission)
    Submission.objects.filter(pk=submission_id).update(processed_at=timezone.now())


# Every step of ``process`` is idempotent: a task whose worker died simply runs again.
recovery_policy(submission_process, retry=True, max_attempts=3)
