"""Background entry points of the forms app (Django's tasks API)."""

from __future__ import annotations

import uuid

from django_tasks import task

from server.core.task_recovery import recovery_policy
from server.xforms.background import form_upload_abandoned, form_upload_process


@task()
def convert_form_upload(upload_id: str) -> None:
    """Convert a large uploaded form file (see ``xforms.background``)."""
    form_upload_process(upload_id=uuid.UUID(upload_id))


# A conversion that died with its worker is not retried (it may be what killed it, e.g. a
# huge file exhausting memory): the upload is marked failed and its page says so.
recovery_policy(convert_form_upload, retry=False, on_abandoned=form_upload_abandoned)
