"""Photos of visits for the gallery: image attachments of the submissions a person may see
(``submissions.selectors.submissions_visible_to``), with their thumbnail when it is made.

One query per gallery (the attachments joined to their submissions); the files themselves are
streamed one by one by ``views.photos`` after the same check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.urls import reverse

from server.accounts.models import User
from server.grids.models import Area
from server.submissions.models import Attachment
from server.submissions.selectors import submissions_visible_to

GALLERY_LIMIT = 60
"""A gallery shows the newest photos only; the rest are in the submissions and exports."""


def visible_photos(user: User) -> QuerySet[Attachment]:
    """Stored images of the current versions of the submissions ``user`` may see."""
    return Attachment.objects.filter(
        submission__in=submissions_visible_to(user).filter(is_current=True).values("pk"),
        present=True,
        is_image=True,
    )


def photo_for(*, user: User, pk: int) -> Attachment | None:
    """One photo the person may see; None (→ 404) for anything else."""
    return visible_photos(user).filter(pk=pk).select_related("submission").first()


@dataclass(frozen=True)
class Photo:
    pk: int
    name: str
    caption: str
    taken_at: datetime | None
    width: int | None
    height: int | None
    size: int | None

    @property
    def url(self) -> str:
        return reverse("web:photo", args=[self.pk])

    @property
    def thumbnail_url(self) -> str:
        return self.url + "?size=thumbnail"

    @property
    def download_url(self) -> str:
        return self.url + "?download=1"


def grid_photos(
    *, user: User, grid: Area, start: datetime, end: datetime, limit: int = GALLERY_LIMIT
) -> list[Photo]:
    """The newest photos sent for ``grid`` in ``[start, end)``."""
    attachments = (
        visible_photos(user)
        .filter(
            submission__grid=grid,
            submission__received_at__gte=start,
            submission__received_at__lt=end,
        )
        .select_related("submission", "submission__submitted_by")
        .order_by("-submission__received_at", "name")[:limit]
    )
    return [_photo(attachment) for attachment in attachments]


def submission_photos(*, user: User, submission_ids: list[int]) -> dict[int, list[Photo]]:
    """Photos of several submissions at once, by submission id (one query)."""
    found: dict[int, list[Photo]] = {}
    attachments = (
        visible_photos(user)
        .filter(submission_id__in=submission_ids)
        .select_related("submission", "submission__submitted_by")
        .order_by("name")
    )
    for attachment in attachments:
        found.setdefault(attachment.submission_id, []).append(_photo(attachment))
    return found


def _photo(attachment: Attachment) -> Photo:
    submission = attachment.submission
    who = submission.submitted_by.display_name if submission.submitted_by else ""
    when = submission.started_at or submission.received_at
    label = submission.instance_name or attachment.name
    caption = " · ".join(part for part in (label, who) if part)
    return Photo(
        pk=attachment.pk,
        name=attachment.name,
        caption=caption,
        taken_at=when,
        width=attachment.width,
        height=attachment.height,
        size=attachment.size,
    )
