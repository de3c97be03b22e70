"""Recomputing every projection from the stored submissions (``rebuild_records``), in bulk.

Current submissions of the shipped forms are read oldest first, a batch per transaction; each
batch is projected with the same pure reading (``projection``) and the same column builders
as the live path (``services.visit_fields``, ``raised_event``, ...), but written with a few
bulk statements per batch instead of a dozen per submission. Then every need is refolded from
its events and every household's last visit recomputed in SQL.

Kept as they are: events staff made on the web or through the API (they are not derived from
submissions) and register changes (decisions about the register, proposed when a submission
arrived; a rebuild does not propose them again). A rejected submission, or one whose grid is
unknown, goes through the live ``submission_project`` (which removes its records).
``tests/records/test_rebuild.py`` proves the result equals the live path's.
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Now

from server.grids.models import Building, Household
from server.records import projection, services
from server.records.choices import ChangeKind, ChangeState, EventKind, EventSource, NeedStatus
from server.records.hazard_cases import hazards_refold_all
from server.records.models import (
    FollowUp,
    Need,
    NeedEvent,
    NeedsSurveyResponse,
    RegisterChange,
    SatisfactionResponse,
    SatisfactionScore,
    Visit,
    VisitItem,
)
from server.records.needs import needs_refold
from server.submissions.models import ReviewState, Submission
from server.xforms.models import FormKind

BATCH = 1000
Progress = Callable[[int, int], None]


@dataclass
class RebuildReport:
    submissions: int = 0
    needs: int = 0
    households: int = 0


def records_rebuild(
    *, form_ids: list[str] | None = None, progress: Progress | None = None, workers: int = 1
) -> RebuildReport:
    """``workers`` > 1 projects the batches in that many processes at once, on PostgreSQL
    only (SQLite has one writer) and not inside a transaction (each process has its own
    connection and commits its own batches). Batches are independent: each holds whole
    logical submissions, and what spans them (needs' status, last visits, hazard cases) is
    recomputed at the end, once every batch is in."""
    report = RebuildReport()
    queryset = Submission.objects.filter(form__kind__in=list(services.PROJECTORS), is_current=True)
    if form_ids:
        queryset = queryset.filter(form__form_id__in=form_ids)
    ids = list(queryset.order_by("received_at", "pk").values_list("pk", flat=True))
    batches = [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
    for done in _project(batches, workers):
        report.submissions += done
        if progress:
            progress(report.submissions, len(ids))
    with transaction.atomic():
        need_ids = list(Need.objects.values_list("pk", flat=True))
        needs_refold(need_ids)
        report.needs = len(need_ids)
        report.households = households_recompute_last_visit()
        hazards_refold_all()
    return report


def parallel_possible() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _project(batches: list[list[int]], workers: int) -> Iterator[int]:
    """Project every batch (one transaction each); yield the submissions done, batch by
    batch. A failing batch stops the rebuild with its error; batches already done stay
    committed, as they would one process at a time, and a new rebuild redoes them all."""
    if workers <= 1 or len(batches) < 2 or not parallel_possible():
        for batch in batches:
            yield _project_batch(batch)
        return
    # Forked children must not share the parent's connection: close it, each child opens
    # its own on first use.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(min(workers, len(batches))) as pool:
        yield from pool.imap_unordered(_project_batch_in_child, batches)
        pool.close()
        pool.join()


def _project_batch(batch: list[int]) -> int:
    with transaction.atomic():
        _rebuild_batch(batch)
    return len(batch)


def _project_batch_in_child(batch: list[int]) -> int:
    """In a pool process: one batch, then the connection closed (a pool process may be
    ended at any time after its last task; the server then sees a clean goodbye)."""
    try:
        return _project_batch(batch)
    finally:
        connection.close()


def _rebuild_batch(ids: list[int]) -> None:
    submissions = list(
        Submission.objects.filter(pk__in=ids)
        .select_related("form", "grid", "submitted_by")
        .order_by("received_at", "pk")
    )
    by_kind: dict[str, list[Submission]] = defaultdict(list)
    for submission in submissions:
        if submission.review_state == ReviewState.REJECTED or submission.grid is None:
            services.submission_project(submission=submission)
        else:
            by_kind[submission.form.kind].append(submission)
    first = _first_received(submissions)
    if by_kind[FormKind.HOUSEHOLD_VISIT]:
        _visits(by_kind[FormKind.HOUSEHOLD_VISIT], first)
    if by_kind[FormKind.SATISFACTION]:
        _satisfaction(by_kind[FormKind.SATISFACTION], first)
    if by_kind[FormKind.NEEDS_SURVEY]:
        _needs_surveys(by_kind[FormKind.NEEDS_SURVEY])


def _first_received(submissions: list[Submission]) -> dict[str, datetime]:
    first = {
        s.root_instance_id: s.received_at
        for s in submissions
        if s.instance_id == s.root_instance_id
    }
    edited = {s.root_instance_id for s in submissions} - set(first)
    if edited:
        first.update(
            Submission.objects.filter(instance_id__in=edited).values_list(
                "instance_id", "received_at"
            )
        )
    return first


class _Lookup:
    """Buildings, households and approved new households of a batch, fetched once."""

    def __init__(self, submissions: list[Submission], codes: dict[int, tuple[str, str]]) -> None:
        building_codes = {building for building, _ in codes.values() if building}
        household_codes = {household for _, household in codes.values() if household}
        self.buildings: dict[tuple[str, int | None], Building] = {
            (b.code, b.grid_id): b for b in Building.objects.filter(code__in=building_codes)
        }
        self.households: dict[tuple[str, int | None], Household] = {
            (h.code, h.building.grid_id): h
            for h in Household.objects.filter(code__in=household_codes).select_related("building")
        }
        roots = [s.root_instance_id for s in submissions]
        self.created = {
            change.submission.root_instance_id: change.household
            for change in RegisterChange.objects.filter(
                submission__root_instance_id__in=roots,
                kind=ChangeKind.NEW_HOUSEHOLD,
                state=ChangeState.APPLIED,
            ).select_related("submission", "household__building")
        }

    def household(self, submission: Submission, code: str) -> Household | None:
        if code == projection.NEW_HOUSEHOLD:
            return self.created.get(submission.root_instance_id)
        if not code or code.startswith("_"):
            return None
        return self.households.get((code, submission.grid_id))

    def building(self, code: str, grid_id: int | None) -> Building | None:
        return self.buildings.get((code, grid_id))


# ------------------------------------------------------------------ visits


def _visits(submissions: list[Submission], first: dict[str, datetime]) -> None:
    parsed = {s.pk: projection.visit_data(s.data) for s in submissions}
    lookup = _Lookup(
        submissions, {pk: (d.building_code, d.household_code) for pk, d in parsed.items()}
    )
    existing = {
        v.root_instance_id: v
        for v in Visit.objects.filter(
            root_instance_id__in=[s.root_instance_id for s in submissions]
        )
    }
    visits = []
    for submission in submissions:
        data = parsed[submission.pk]
        household = lookup.household(submission, data.household_code)
        building = lookup.building(data.building_code, submission.grid_id)
        if household is not None and building is None:
            building = household.building
        visit = existing.get(submission.root_instance_id) or Visit(
            root_instance_id=submission.root_instance_id
        )
        for name, value in services.visit_fields(
            submission, data, submission.grid, building, household
        ).items():
            setattr(visit, name, value)
        visits.append(visit)
    _save(Visit, visits, exclude={"id", "root_instance_id"})
    VisitItem.objects.filter(visit__in=visits).delete()
    VisitItem.objects.bulk_create(
        [
            item
            for v, s in zip(visits, submissions, strict=True)
            for item in services.visit_items(v, parsed[s.pk])
        ],
        batch_size=2000,
    )
    _visit_needs(submissions, visits, parsed, first)


def _save(model: Any, rows: list[Any], exclude: set[str], unique: str = "root_instance_id") -> None:
    """Upsert ``rows`` by their unique column (``INSERT … ON CONFLICT DO UPDATE``, one statement
    per 500 rows, where Django's ``bulk_update`` builds a CASE per column and row), then give
    each row its id."""
    if not rows:
        return
    fields = [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in exclude and f.name != unique and not f.primary_key
    ]
    for row in rows:
        row.pk = None
    model.objects.bulk_create(
        rows, batch_size=500, update_conflicts=True, unique_fields=[unique], update_fields=fields
    )
    keys = [getattr(row, unique) for row in rows]
    ids = dict(model.objects.filter(**{f"{unique}__in": keys}).values_list(unique, "pk"))
    for row in rows:
        row.pk = ids[getattr(row, unique)]


def _visit_needs(
    submissions: list[Submission],
    visits: list[Visit],
    parsed: dict[int, projection.VisitData],
    first: dict[str, datetime],
) -> None:
    rows: dict[str, tuple[projection.NeedRow, Submission, Visit]] = {}
    for submission, visit in zip(submissions, visits, strict=True):
        for row in parsed[submission.pk].needs:
            rows[services.need_key(submission.root_instance_id, row.position)] = (
                row,
                submission,
                visit,
            )
    existing = {
        need.key: need for need in Need.objects.filter(Q(key__in=list(rows)) | Q(visit__in=visits))
    }
    kept = []
    for key, (row, submission, visit) in rows.items():
        need = existing.get(key) or Need(key=key, status=NeedStatus.OPEN)
        data = parsed[submission.pk]
        services._fill_need(
            need, row, submission, visit, visit.household, data.started_at or submission.received_at
        )
        kept.append(need)
    _save(Need, kept, exclude={"id", *_DERIVED}, unique="key")
    services._retire_needs(
        Need.objects.filter(pk__in=[n.pk for k, n in existing.items() if k not in rows]),
        keep=set(rows),
    )
    NeedEvent.objects.filter(
        need__in=kept, kind=EventKind.RAISED, source=EventSource.FIELD
    ).delete()
    NeedEvent.objects.bulk_create(
        [
            services.raised_event(
                need,
                rows[need.key][0],
                rows[need.key][1],
                first[rows[need.key][1].root_instance_id],
            )
            for need in kept
        ],
        batch_size=1000,
    )


# Columns of a need set by the fold (refolded at the end), not by the projection.
_DERIVED = {
    "status",
    "handling_level",
    "department",
    "assignee",
    "assigned_at",
    "resolved_at",
    "resolution_note",
    "closed_at",
    "escalation_count",
    "reopen_count",
    "followup_count",
    "last_followup_at",
    "followup_outcome",
}


# ------------------------------------------------------------------ satisfaction


def _satisfaction(submissions: list[Submission], first: dict[str, datetime]) -> None:
    parsed = {s.pk: projection.satisfaction_data(s.data) for s in submissions}
    lookup = _Lookup(submissions, {pk: ("", d.household_code) for pk, d in parsed.items()})
    roots = [s.root_instance_id for s in submissions]
    existing = {
        r.root_instance_id: r
        for r in SatisfactionResponse.objects.filter(root_instance_id__in=roots)
    }
    responses = []
    for submission in submissions:
        response = existing.get(submission.root_instance_id) or SatisfactionResponse(
            root_instance_id=submission.root_instance_id
        )
        household = lookup.household(submission, parsed[submission.pk].household_code)
        fields = services.satisfaction_fields(
            submission,
            parsed[submission.pk],
            household,
            submission.started_at or submission.received_at,
        )
        for name, value in fields.items():
            setattr(response, name, value)
        responses.append(response)
    _save(SatisfactionResponse, responses, exclude={"id", "root_instance_id"})
    SatisfactionScore.objects.filter(response__in=responses).delete()
    SatisfactionScore.objects.bulk_create(
        [
            score
            for response, submission in zip(responses, submissions, strict=True)
            for score in services.satisfaction_scores(response, parsed[submission.pk])
        ],
        batch_size=2000,
    )
    _followups(submissions, parsed, lookup, first)


def _followups(
    submissions: list[Submission],
    parsed: dict[int, projection.SatisfactionData],
    lookup: _Lookup,
    first: dict[str, datetime],
) -> None:
    with_block = [s for s in submissions if parsed[s.pk].followup is not None]
    without = [s.root_instance_id for s in submissions if parsed[s.pk].followup is None]
    FollowUp.objects.filter(root_instance_id__in=without).delete()
    keys = {parsed[s.pk].followup.need_key for s in with_block} - {""}  # type: ignore[union-attr]
    needs: dict[tuple[str, int | None], Need] = {
        (n.key, n.grid_id): n for n in Need.objects.filter(key__in=keys).select_related("household")
    }
    existing = {
        f.root_instance_id: f
        for f in FollowUp.objects.filter(
            root_instance_id__in=[s.root_instance_id for s in with_block]
        )
    }
    followups, linked = [], []
    for submission in with_block:
        block = parsed[submission.pk].followup
        assert block is not None
        need = needs.get((block.need_key, submission.grid_id)) if block.need_key else None
        household = lookup.household(submission, parsed[submission.pk].household_code)
        followup = existing.get(submission.root_instance_id) or FollowUp(
            root_instance_id=submission.root_instance_id
        )
        at = submission.started_at or submission.received_at
        for name, value in services.followup_fields(submission, block, need, household, at).items():
            setattr(followup, name, value)
        followups.append(followup)
        linked.append((followup, need, submission))
    _save(FollowUp, followups, exclude={"id", "root_instance_id"})
    NeedEvent.objects.filter(followup__in=followups).delete()
    NeedEvent.objects.bulk_create(
        [
            NeedEvent(
                **services.followup_event_fields(
                    followup, need, submission, first[submission.root_instance_id]
                )
            )
            for followup, need, submission in linked
            if need is not None
        ]
    )
    # (every need is refolded at the end of the rebuild)


# ------------------------------------------------------------------ needs surveys


def _needs_surveys(submissions: list[Submission]) -> None:
    parsed = {s.pk: projection.needs_survey_data(s.data) for s in submissions}
    lookup = _Lookup(submissions, {pk: ("", d.household_code) for pk, d in parsed.items()})
    existing = {
        r.root_instance_id: r
        for r in NeedsSurveyResponse.objects.filter(
            root_instance_id__in=[s.root_instance_id for s in submissions]
        )
    }
    responses = []
    for submission in submissions:
        data = parsed[submission.pk]
        response = existing.get(submission.root_instance_id) or NeedsSurveyResponse(
            root_instance_id=submission.root_instance_id
        )
        household = lookup.household(submission, data.household_code)
        for name, value in services.needs_survey_fields(submission, data, household).items():
            setattr(response, name, value)
        responses.append(response)
    _save(NeedsSurveyResponse, responses, exclude={"id", "root_instance_id"})


# ------------------------------------------------------------------ households


def households_recompute_last_visit(household_ids: Iterable[int] | None = None) -> int:
    """Every household's last visit from its visits where someone was met, in SQL."""
    latest = Visit.objects.filter(household=OuterRef("pk"), result="met").order_by(
        "-visited_at", "-pk"
    )
    households = Household.objects.filter(
        Q(last_visit_at__isnull=False) | Q(pk__in=Visit.objects.values("household_id"))
    )
    if household_ids is not None:
        households = households.filter(pk__in=list(household_ids))
    return households.update(
        last_visit_at=Subquery(latest.values("visited_at")[:1]),
        last_visit_by=Subquery(latest.values("worker_id")[:1]),
        updated_at=Now(),
    )
