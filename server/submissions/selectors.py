"""Reads about submissions: who may send a form, which grid a submission concerns, and the
querysets the web and API front doors list (always through the person's scope)."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from server.accounts.models import AreaAssignment, User
from server.accounts.selectors import scope_for
from server.grids.choices import AreaLevel
from server.grids.models import Area
from server.submissions.models import Attachment, Submission
from server.xforms.models import Form, FormKind, FormPublication

# Where the shipped forms keep the grid a submission concerns (forms/README.md, the field
# contract): the answer is a grid code (Area.code).
GRID_PATHS: dict[str, tuple[str, ...]] = {
    FormKind.HOUSEHOLD_VISIT: ("grp_id", "grid"),
    FormKind.NEEDS_SURVEY: ("grp_id", "grid"),
    FormKind.SATISFACTION: ("grp_id", "grid"),
}


def grid_for_submission(*, form_kind: str, data: dict[str, Any]) -> Area | None:
    """The grid a submission concerns (the answer at the contract path ``grid``), or None
    for other forms or an answer that is not an active grid's code."""
    path = GRID_PATHS.get(form_kind)
    value: Any = data
    for name in path or ():
        value = value.get(name) if isinstance(value, dict) else None
    if not path or not isinstance(value, str) or not value.strip():
        return None
    return _grid_by_code(value.strip())


# A phone's evening burst files every visit under the same grid: a grid found by its code is
# remembered in the process for REMEMBER_GRID_SECONDS (one query less per submission, the
# costliest of them to build; docs/performance.md). Unknown codes are never remembered, so a
# grid created a moment ago is found at once. Grids are never deleted once submissions name
# them (the foreign key protects them), and a renamed code still names the same grid.
REMEMBER_GRID_SECONDS = 30
_GRID_LIMIT = 10_000
_grids: dict[str, tuple[float, Area]] = {}
_grids_lock = threading.Lock()


def _grid_by_code(code: str) -> Area | None:
    now = time.monotonic()
    remembered = _grids.get(code)
    if remembered is not None and remembered[0] > now:
        return remembered[1]
    found = next(iter(Area.objects.filter(code=code, level=AreaLevel.GRID).order_by()[:1]), None)
    if found is not None:
        with _grids_lock:
            if len(_grids) >= _GRID_LIMIT:
                _grids.clear()
            _grids[code] = (now + REMEMBER_GRID_SECONDS, found)
    return found


def forget_grids() -> None:
    with _grids_lock:
        _grids.clear()


def collector_may_submit(user: User, form: Form) -> bool:
    """A collector may send a form published to an area above one of their grids, or one
    they test (one query). Whether the version still accepts is the version's question."""
    their_grid_below = AreaAssignment.objects.filter(
        user=user,
        area__level=AreaLevel.GRID,
        area__is_active=True,
        area__path__startswith=OuterRef("area__path"),
    )
    published = FormPublication.objects.filter(form=OuterRef("pk")).filter(Exists(their_grid_below))
    return Form.objects.filter(pk=form.pk).filter(Q(Exists(published)) | Q(testers=user)).exists()


def submission_by_instance(*, form: Form, instance_id: str) -> Submission | None:
    # Unique (form, instanceID): no ORDER BY (``first()`` would add one, and compiling it
    # costs more than the query on the hot path).
    found = Submission.objects.filter(form=form, instance_id=instance_id).order_by()[:1]
    return next(iter(found), None)


def missing_attachment_names(submission: Submission) -> list[str]:
    return list(
        Attachment.objects.filter(submission=submission, present=False)
        .order_by("name")
        .values_list("name", flat=True)
    )


def submissions_visible_to(user: User) -> QuerySet[Submission]:
    """Submissions a person may see: those of the grids in their scope (administrators see
    every submission, including those of forms without a grid); collectors their own."""
    scope = scope_for(user)
    queryset = Submission.objects.select_related("form", "form_version", "grid", "submitted_by")
    if scope.everything:
        return queryset
    if getattr(user, "is_collector", False):
        return queryset.filter(submitted_by=user)
    return scope.filter_by_grid(queryset, "grid")


def attachments_of(submission: Submission) -> QuerySet[Attachment]:
    return Attachment.objects.filter(submission=submission).order_by("name")
