"""Recomputing every projection from the stored submissions (``rebuild_records``).

The same ``submission_project`` as the live path runs for every current submission of the
shipped forms, oldest first, a batch per transaction; then every need is refolded from its
events and every visited household's last visit recomputed. Events made by staff on the web or
through the API are kept (they are not derived from submissions); register changes already
proposed are kept as decided (a rebuild does not re-decide the register). Rows whose
submission no longer counts (rejected, superseded and left behind) are removed by the same
function, so the result equals what the live path produced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from server.grids.models import Household
from server.records.models import Need, Visit
from server.records.needs import needs_refold
from server.records.register import household_touch_last_visit
from server.records.services import PROJECTORS, submission_project
from server.submissions.models import Submission

BATCH = 500
Progress = Callable[[int, int], None]


@dataclass
class RebuildReport:
    submissions: int = 0
    needs: int = 0
    households: int = 0


def records_rebuild(
    *, form_ids: list[str] | None = None, progress: Progress | None = None
) -> RebuildReport:
    report = RebuildReport()
    queryset = Submission.objects.filter(form__kind__in=list(PROJECTORS)).order_by(
        "received_at", "pk"
    )
    if form_ids:
        queryset = queryset.filter(form__form_id__in=form_ids)
    ids = list(queryset.filter(is_current=True).values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with transaction.atomic():
            for submission in (
                Submission.objects.filter(pk__in=batch)
                .select_related("form", "grid", "submitted_by")
                .order_by("received_at", "pk")
            ):
                submission_project(submission=submission)
        report.submissions += len(batch)
        if progress:
            progress(report.submissions, len(ids))
    _remove_left_behind()
    need_ids = list(Need.objects.values_list("pk", flat=True))
    with transaction.atomic():
        needs_refold(need_ids)
    report.needs = len(need_ids)
    household_ids = set(Visit.objects.values_list("household_id", flat=True)) - {None}
    household_ids |= set(
        Household.objects.filter(last_visit_at__isnull=False).values_list("pk", flat=True)
    )
    with transaction.atomic():
        for household_id in sorted(household_ids):
            household_touch_last_visit(household=Household(pk=household_id))
    report.households = len(household_ids)
    return report


def _remove_left_behind() -> None:
    """Visits still pointing at a version that is no longer current (its edit failed to
    project before) are projected again through their current version."""
    stale = Visit.objects.filter(submission__is_current=False).values_list(
        "root_instance_id", flat=True
    )
    for root in list(stale):
        current = (
            Submission.objects.filter(root_instance_id=root, is_current=True)
            .select_related("form", "grid", "submitted_by")
            .first()
        )
        if current is not None:
            submission_project(submission=current)
