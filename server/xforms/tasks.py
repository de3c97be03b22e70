"""Background entry points of the forms app (Django's tasks API)."""

from __future__ import annotations

import uuid

from django_tasks import task

from server.xforms.background import form_upload_process


@task()
def convert_form_upload(upload_id: str) -> None:
    """Convert a large uploaded form file (see ``xforms.background``)."""
    form_upload_process(upload_id=uuid.UUID(upload_id))
