"""Reads for the submissions pages and API: the filtered list, one submission with its
versions, comments and attachments. Always through the person's scope
(``selectors.submissions_visible_to``): outside it a submission does not exist (None → 404).

The list is a keyset page (newest first, by ``received_at`` then ``id``): each page costs an
index range scan of ``page size + 1`` rows, however many a year holds, and nothing counts the
whole set (a COUNT over a district's year is half a second on PostgreSQL, measured for the
forms list). A cursor is the last row's position, opaque to the reader.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import IO

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from server.accounts.models import Role, User
from server.accounts.selectors import scope_for, users_in_scope
from server.grids.models import Area
from server.submissions.models import Attachment, ReviewState, Submission, SubmissionComment
from server.submissions.selectors import submissions_visible_to
from server.xforms.models import Form

PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
SEARCH_MAX = 100


@dataclass(frozen=True)
class SubmissionFilters:
    """What a list may be narrowed by (every field optional). ``area`` is an area code: the
    submissions of the grids below it. ``edits`` also lists the older versions of edited
    submissions (by default only the current version of each is listed)."""

    form: str = ""
    version: str = ""
    date_from: date | None = None
    date_to: date | None = None
    area: str = ""
    submitter: str = ""
    state: str = ""
    q: str = ""
    edits: bool = False


@dataclass
class SubmissionPage:
    rows: list[Submission]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    unknown_area: bool = False
    filters: SubmissionFilters = field(default_factory=SubmissionFilters)


def encode_cursor(received_at: datetime, pk: int) -> str:
    text = f"{received_at.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    """A cursor's position, or None for anything that is not one we made."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        moment = datetime.fromisoformat(stamp)
        return (moment if moment.tzinfo else timezone.make_aware(moment)), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def filtered_submissions(
    user: User, filters: SubmissionFilters
) -> tuple[QuerySet[Submission], bool]:
    """The person's submissions narrowed by ``filters``; the flag says the area filter named
    an area outside the scope (or none), which then lists nothing."""
    queryset = submissions_visible_to(user)
    if not filters.edits:
        queryset = queryset.filter(is_current=True)
    if filters.form:
        queryset = queryset.filter(form__form_id=filters.form)
        if filters.version:
            queryset = queryset.filter(form_version__version=filters.version)
    if filters.state in ReviewState.values:
        queryset = queryset.filter(review_state=filters.state)
    if filters.submitter:
        queryset = queryset.filter(submitted_by__username=filters.submitter)
    if filters.date_from:
        queryset = queryset.filter(received_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(received_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.q:
        queryset = queryset.filter(instance_name__icontains=filters.q[:SEARCH_MAX])
    unknown_area = False
    if filters.area:
        area = Area.objects.filter(code=filters.area).first()
        if area is None or not scope_for(user).sees_area(area):
            return queryset.none(), True
        queryset = queryset.filter(grid__path__startswith=area.path)
    return queryset, unknown_area


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def submission_page(
    *,
    user: User,
    filters: SubmissionFilters,
    after: str = "",
    before: str = "",
    size: int = PAGE_SIZE,
) -> SubmissionPage:
    """One page of the list, newest first: the rows after the cursor ``after`` (the next
    page) or, with ``before``, the rows just before that position (the previous page)."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    queryset, unknown_area = filtered_submissions(user, filters)
    queryset = queryset.defer("xml", "data")  # a list shows neither
    backwards = bool(before) and not after
    position = decode_cursor(before if backwards else after) if (after or before) else None
    if position is not None:
        moment, pk = position
        if backwards:
            # The first condition is an index range; the second only breaks ties.
            queryset = queryset.filter(
                Q(received_at__gte=moment), Q(received_at__gt=moment) | Q(pk__gt=pk)
            ).order_by("received_at", "id")
        else:
            queryset = queryset.filter(
                Q(received_at__lte=moment), Q(received_at__lt=moment) | Q(pk__lt=pk)
            ).order_by("-received_at", "-id")
    else:
        backwards = False
        queryset = queryset.order_by("-received_at", "-id")
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = SubmissionPage(rows=rows, unknown_area=unknown_area, filters=filters)
    if rows:
        first, last = rows[0], rows[-1]
        has_newer = more if backwards else position is not None
        has_older = True if backwards else more
        if has_newer:
            page.previous_cursor = encode_cursor(first.received_at, first.pk)
        if has_older:
            page.next_cursor = encode_cursor(last.received_at, last.pk)
    return page


# ------------------------------------------------------------------ one submission


@dataclass
class SubmissionView:
    """One submission as its page and the API read it: the row (with form, version, grid,
    submitter), its attachments, comments, and every version of the same logical submission
    (oldest first), each with its form version's schema."""

    submission: Submission
    attachments: list[Attachment]
    comments: list[SubmissionComment]
    versions: list[Submission]

    @property
    def current(self) -> Submission:
        return next((v for v in self.versions if v.is_current), self.versions[-1])

    def previous_of(self, version: Submission) -> Submission | None:
        index = [v.pk for v in self.versions].index(version.pk)
        return self.versions[index - 1] if index > 0 else None

    def attachments_by_name(self) -> dict[str, Attachment]:
        return {attachment.name: attachment for attachment in self.attachments}


def submission_detail(*, user: User, pk: int) -> SubmissionView | None:
    """The submission ``pk`` if the person may see it (None otherwise). Four queries."""
    submission = submissions_visible_to(user).filter(pk=pk).first()
    if submission is None:
        return None
    versions = list(
        submissions_visible_to(user)
        .filter(form_id=submission.form_id, root_instance_id=submission.root_instance_id)
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("name")),
        )
        .order_by("received_at", "id")
    )
    this = next(v for v in versions if v.pk == submission.pk)
    comments = list(
        SubmissionComment.objects.filter(submission__in=[v.pk for v in versions])
        .select_related("author")
        .order_by("created_at", "id")
    )
    return SubmissionView(
        submission=this,
        attachments=list(this.attachments.all()),
        comments=comments,
        versions=versions,
    )


def attachment_for(*, user: User, pk: int, name: str) -> Attachment | None:
    """A stored attachment of a submission the person may see (None otherwise)."""
    return (
        Attachment.objects.filter(
            submission__in=submissions_visible_to(user).filter(pk=pk).values("pk"),
            name=name,
            present=True,
        )
        .select_related("submission")
        .first()
    )


def forms_with_submissions_for(user: User) -> list[tuple[str, str]]:
    """The forms a person may filter by: (form_id, title), from the forms table (small),
    not from a scan of the submissions."""
    if getattr(user, "is_designer", False):
        return []
    return list(Form.objects.order_by("form_id").values_list("form_id", "title"))


def submitters_for(user: User) -> list[User]:
    """The collectors a person may filter by: those of the grids in their scope."""
    scope = scope_for(user)
    if getattr(user, "is_collector", False) or not scope.sees_residents:
        return []
    return list(users_in_scope(scope).filter(role=Role.COLLECTOR).order_by("username"))


@dataclass(frozen=True)
class OpenedFile:
    """An attachment's bytes opened from the media storage (local or S3), for streaming."""

    file: IO[bytes]
    content_type: str
    name: str
    is_thumbnail: bool


def attachment_open(attachment: Attachment, *, thumbnail: bool = False) -> OpenedFile:
    """The original byte for byte, or its thumbnail (a JPEG) when asked and made; until the
    background work has made it, the original stands in."""
    if thumbnail and attachment.thumbnail:
        return OpenedFile(
            file=attachment.thumbnail.open("rb"),
            content_type="image/jpeg",
            name=attachment.name,
            is_thumbnail=True,
        )
    return OpenedFile(
        file=attachment.file.open("rb"),
        content_type=attachment.content_type or "application/octet-stream",
        name=attachment.name,
        is_thumbnail=False,
    )
