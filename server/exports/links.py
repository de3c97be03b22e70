"""Short-lived signed download links: ``/exports/file/<token>/`` works without a session
(scripts, the API) for ``GRIDBOOK_EXPORT_LINK_SECONDS``. The token signs the job and the
person it was issued to, so a download through it is recorded as that person's, and a
person whose account is disabled meanwhile gets nothing."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

from server.accounts.models import User
from server.core.errors import GridbookError
from server.exports import errors
from server.exports.models import ExportJob

SALT = "gridbook.exports.download"


def link_seconds() -> int:
    return int(getattr(settings, "GRIDBOOK_EXPORT_LINK_SECONDS", 300))


def link_token(job: ExportJob, user: User) -> str:
    return signing.dumps({"j": str(job.pk), "u": user.pk}, salt=SALT, compress=False)


def link_resolve(token: str) -> tuple[ExportJob, User]:
    try:
        payload = signing.loads(token, salt=SALT, max_age=link_seconds())
    except signing.BadSignature:
        raise GridbookError(errors.LINK_INVALID) from None
    user = User.objects.filter(pk=payload.get("u"), is_active=True).first()
    job = ExportJob.objects.filter(pk=payload.get("j")).select_related("requested_by").first()
    if user is None or job is None:
        raise GridbookError(errors.LINK_INVALID)
    if job.requested_by_id != user.pk and user.role != "admin":
        raise GridbookError(errors.LINK_INVALID)
    return job, user
