"""Writing the records of a submission (its projection), one transaction per submission.

``submission_project`` is called by ``submissions.tasks.process`` after every accepted
submission, by review when a submission is rejected or un-rejected, and by
``rebuild_records``. It is idempotent: it writes the rows the *current* version of the
logical submission stands for, keyed by ``root_instance_id``, replacing whatever an earlier
version (or an earlier run) wrote.

- A version that is no longer current is skipped (its edit projects itself).
- A rejected submission, or one whose grid is unknown, projects to nothing: its visit,
  responses and follow-up are removed, its needs removed unless staff already acted on them
  (then they are kept, marked withdrawn and closed), its pending register changes withdrawn.
- Forms other than the three shipped ones are not projected.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from server.grids.models import Building, Household
from server.records import projection, register
from server.records.choices import (
    ChangeKind,
    ChangeState,
    EventKind,
    EventSource,
    HandlingLevel,
    NeedStatus,
)
from server.records.hazard_cases import hazards_refold
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

HANDLING_LEVELS = {
    "community": HandlingLevel.COMMUNITY,
    "street": HandlingLevel.STREET,
    "department": HandlingLevel.DEPARTMENT,
    "volunteer": HandlingLevel.VOLUNTEER,
}


def submission_project(*, submission: Submission) -> None:
    """Write (or remove) the records of ``submission``; see the module's docstring."""
    project = PROJECTORS.get(submission.form.kind)
    if project is None:
        return
    with transaction.atomic():
        current = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("form", "grid", "submitted_by")
            .filter(pk=submission.pk)
            .first()
        )
        if current is None or not current.is_current:
            return
        if current.review_state == ReviewState.REJECTED or current.grid is None:
            submission_unproject(submission=current)
            return
        project(current, _first_received(current))


def _first_received(submission: Submission) -> datetime:
    """When the server first heard of this logical submission (an edit keeps the original's
    time, so its events keep their place among the staff's)."""
    if submission.root_instance_id == submission.instance_id:
        return submission.received_at
    first = (
        Submission.objects.filter(
            form_id=submission.form_id, instance_id=submission.root_instance_id
        )
        .values_list("received_at", flat=True)
        .first()
    )
    return first or submission.received_at


def submission_unproject(*, submission: Submission) -> None:
    root = submission.root_instance_id
    visit = Visit.objects.filter(root_instance_id=root, submission__form=submission.form).first()
    if visit is not None:
        _retire_needs(Need.objects.filter(visit=visit), keep=set())
        household = visit.household
        visit.delete()
        if household is not None:
            register.household_touch_last_visit(household=household)
            hazards_refold([household.pk])
    for model in (SatisfactionResponse, NeedsSurveyResponse):
        model.objects.filter(root_instance_id=root, submission__form=submission.form).delete()
    _drop_followup(root, submission)
    register.changes_withdraw(submission=submission)


# ------------------------------------------------------------------ hh_visit


def _project_visit(submission: Submission, first_received: datetime) -> None:
    data = projection.visit_data(submission.data)
    grid = submission.grid
    assert grid is not None
    building = Building.objects.filter(code=data.building_code, grid=grid).first()
    household = (
        _created_household(submission)
        if data.is_new_household
        else _household(data.household_code, grid.pk)
    )
    if household is not None and building is None:
        building = household.building
    previous = Visit.objects.filter(root_instance_id=submission.root_instance_id).first()
    visit = _write_visit(submission, data, grid, building, household)
    _write_visit_items(visit, data)
    _write_needs(submission, visit, data, household, first_received)
    register.changes_propose(
        submission=submission, visit=visit, data=data, household=household, building=building
    )
    touched = {visit.household_id, previous.household_id if previous else None}
    for household_id in touched - {None}:
        register.household_touch_last_visit(household=Household(pk=household_id))
    hazards_refold(touched)


def _created_household(submission: Submission) -> Household | None:
    """The household an approved ``_new`` proposal of this logical submission created."""
    change = (
        RegisterChange.objects.filter(
            submission__form_id=submission.form_id,
            submission__root_instance_id=submission.root_instance_id,
            kind=ChangeKind.NEW_HOUSEHOLD,
            state=ChangeState.APPLIED,
        )
        .select_related("household__building")
        .first()
    )
    return change.household if change else None


def _household(code: str, grid_id: int) -> Household | None:
    if not code or code.startswith("_"):
        return None
    return (
        Household.objects.select_related("building")
        .filter(code=code, building__grid_id=grid_id)
        .first()
    )


def _write_visit(
    submission: Submission,
    data: projection.VisitData,
    grid: object,
    building: Building | None,
    household: Household | None,
) -> Visit:
    fields = visit_fields(submission, data, grid, building, household)
    visit, _ = Visit.objects.update_or_create(
        root_instance_id=submission.root_instance_id, defaults=fields
    )
    return visit


def visit_fields(
    submission: Submission,
    data: projection.VisitData,
    grid: object,
    building: Building | None,
    household: Household | None,
) -> dict[str, object]:
    """The columns of the visit a submission stands for (live path and rebuild alike)."""
    started, ended = data.started_at, data.ended_at
    visited_at = started or submission.received_at
    duration = int((ended - started).total_seconds()) if started and ended else None
    location = data.location
    return {
        "submission": submission,
        "grid": grid,
        "building": building,
        "household": household,
        "household_code": data.household_code[:48],
        "new_address": data.new_address,
        "worker": submission.submitted_by,
        "visit_type": data.visit_type,
        "result": data.result,
        "met_whom": data.met_whom,
        "visited_at": visited_at,
        "visit_slot": visit_slot(visited_at),
        "started_at": started,
        "ended_at": ended,
        "received_at": submission.received_at,
        "duration_seconds": duration if duration is not None and 0 <= duration < 86400 else None,
        "latitude": location.latitude if location else None,
        "longitude": location.longitude if location else None,
        "altitude": location.altitude if location else None,
        "gps_accuracy": location.accuracy if location else None,
        "residence_type": data.residence_type,
        "members_total": data.members_total,
        "members_changed": data.members_changed,
        "members_change_note": data.members_change_note,
        "elderly_60": data.elderly_60,
        "elderly_living": data.elderly_living,
        "special_flags": data.special_flags or [],
        "disability_types": data.disability_types,
        "unemployed_count": data.unemployed_count,
        "hardship_note": data.hardship_note,
        "housing_condition": data.housing_condition,
        "hazards": data.hazards,
        "env_issues": data.env_issues,
        "services": data.services,
        "opinions": data.opinions,
        "diary": data.diary,
        "next_visit": data.next_visit,
        "photo_names": data.photo_names,
        "photo_count": len(data.photo_names) + len(projection.need_photo_names(data)),
        "need_count": len(data.needs),
    }


def visit_slot(at: datetime) -> int:
    """(ISO weekday - 1) * 24 + hour, in the server's time zone (Visit.visit_slot)."""
    local = timezone.localtime(at)
    return (local.isoweekday() - 1) * 24 + local.hour


def visit_items(visit: Visit, data: projection.VisitData) -> list[VisitItem]:
    kinds = (
        (VisitItem.Kind.SERVICE, data.services),
        (VisitItem.Kind.HAZARD, data.hazards),
        (VisitItem.Kind.ENV, data.env_issues),
        (VisitItem.Kind.FLAG, data.special_flags or []),
        (VisitItem.Kind.DISABILITY, data.disability_types),
    )
    return [
        VisitItem(
            visit=visit, grid_id=visit.grid_id, visited_at=visit.visited_at, kind=kind, value=v[:48]
        )
        for kind, values in kinds
        for v in dict.fromkeys(values)
    ]


def _write_visit_items(visit: Visit, data: projection.VisitData) -> None:
    VisitItem.objects.filter(visit=visit).delete()
    VisitItem.objects.bulk_create(visit_items(visit, data))


def need_key(root_instance_id: str, position: int) -> str:
    return f"{root_instance_id}#{position}"


def _write_needs(
    submission: Submission,
    visit: Visit,
    data: projection.VisitData,
    household: Household | None,
    first_received: datetime,
) -> None:
    rows = {need_key(submission.root_instance_id, row.position): row for row in data.needs}
    existing = {
        need.key: need
        for need in Need.objects.filter(Q(key__in=list(rows)) | Q(visit=visit)).select_for_update()
    }
    raised_at = data.started_at or submission.received_at
    kept = []
    for key, row in rows.items():
        need = existing.get(key) or Need(key=key, status=NeedStatus.OPEN)
        _fill_need(need, row, submission, visit, household, raised_at)
        need.save()
        kept.append(need)
    _retire_needs(Need.objects.filter(pk__in=[n.pk for n in existing.values()]), keep=set(rows))
    NeedEvent.objects.filter(
        need__in=kept, kind=EventKind.RAISED, source=EventSource.FIELD
    ).delete()
    NeedEvent.objects.bulk_create(
        [raised_event(need, rows[need.key], submission, first_received) for need in kept]
    )
    needs_refold(need.pk for need in kept)


def _fill_need(
    need: Need,
    row: projection.NeedRow,
    submission: Submission,
    visit: Visit,
    household: Household | None,
    raised_at: datetime,
) -> None:
    need.visit, need.submission, need.position = visit, submission, row.position
    need.grid_id, need.household = visit.grid_id, household
    need.raised_by = submission.submitted_by
    need.category, need.description = row.category, row.description
    need.urgency, need.handling, need.photo_name = row.urgency, row.handling, row.photo_name
    need.on_spot, need.raised_at, need.withdrawn = row.on_spot, raised_at, False
    if need.pk is None:  # derived columns are set by the fold; these satisfy the constraints
        need.due_at = raised_at


def raised_event(
    need: Need, row: projection.NeedRow, submission: Submission, at: datetime
) -> NeedEvent:
    return NeedEvent(
        need=need,
        kind=EventKind.RAISED,
        to_status=NeedStatus.RESOLVED if row.on_spot else NeedStatus.OPEN,
        at=at,
        actor_id=submission.submitted_by_id,
        source=EventSource.FIELD,
        note=row.spot_result,
        handling_level=HANDLING_LEVELS.get(row.handling, HandlingLevel.GRID),
        submission=submission,
    )


def _retire_needs(needs: object, keep: set[str]) -> None:
    """Needs no longer in the submission: removed, unless staff acted on them (then kept as
    withdrawn and closed, with their history)."""
    gone = [need for need in needs if need.key not in keep]  # type: ignore[attr-defined]
    if not gone:
        return
    handled = set(
        NeedEvent.objects.filter(need__in=gone)
        .exclude(source=EventSource.FIELD)
        .values_list("need_id", flat=True)
    )
    Need.objects.filter(pk__in=[n.pk for n in gone if n.pk not in handled]).delete()
    Need.objects.filter(pk__in=handled).update(withdrawn=True, updated_at=timezone.now())
    needs_refold(handled)


# ------------------------------------------------------------------ satisfaction


def _project_satisfaction(submission: Submission, first_received: datetime) -> None:
    data = projection.satisfaction_data(submission.data)
    grid = submission.grid
    assert grid is not None
    household = _household(data.household_code, grid.pk)
    responded_at = submission.started_at or submission.received_at
    response, _ = SatisfactionResponse.objects.update_or_create(
        root_instance_id=submission.root_instance_id,
        defaults=satisfaction_fields(submission, data, household, responded_at),
    )
    SatisfactionScore.objects.filter(response=response).delete()
    SatisfactionScore.objects.bulk_create(satisfaction_scores(response, data))
    _write_followup(submission, data, household, responded_at, first_received)


def satisfaction_fields(
    submission: Submission,
    data: projection.SatisfactionData,
    household: Household | None,
    responded_at: datetime,
) -> dict[str, object]:
    grid = submission.grid
    return {
        "submission": submission,
        "grid": grid,
        "household": household,
        "anonymous": data.anonymous,
        "collector": submission.submitted_by,
        "collector_role": data.collector_role,
        "survey_mode": data.survey_mode,
        "in_index": data.in_index,
        "responded_at": responded_at,
        "resp_sex": data.resp_sex,
        "resp_age": data.resp_age,
        "years_lived": data.years_lived,
        "know_worker": data.know_worker,
        "visit_freq": data.visit_freq,
        "overall": data.overall,
        "trend": data.trend,
        "best": data.best,
        "improve": data.improve,
        "comments": data.comments,
    }


def satisfaction_scores(
    response: SatisfactionResponse, data: projection.SatisfactionData
) -> list[SatisfactionScore]:
    return [
        SatisfactionScore(
            response=response,
            dimension=dimension,
            score=value,
            grid_id=response.grid_id,
            responded_at=response.responded_at,
            in_index=response.in_index,
            collector_role=response.collector_role,
        )
        for dimension, value in data.scores.items()
    ]


def _write_followup(
    submission: Submission,
    data: projection.SatisfactionData,
    household: Household | None,
    at: datetime,
    first_received: datetime,
) -> None:
    block, grid = data.followup, submission.grid
    assert grid is not None
    if block is None:
        _drop_followup(submission.root_instance_id, submission)
        return
    need = None
    if block.need_key:
        need = Need.objects.filter(key=block.need_key, grid=submission.grid).first()
    previous_need = (
        FollowUp.objects.filter(root_instance_id=submission.root_instance_id)
        .values_list("need_id", flat=True)
        .first()
    )
    followup, _ = FollowUp.objects.update_or_create(
        root_instance_id=submission.root_instance_id,
        defaults=followup_fields(submission, block, need, household, at),
    )
    NeedEvent.objects.filter(followup=followup).delete()
    if need is not None:
        NeedEvent.objects.create(
            **followup_event_fields(followup, need, submission, first_received)
        )
    needs_refold({pk for pk in (previous_need, need.pk if need else None) if pk})


def followup_fields(
    submission: Submission,
    block: projection.FollowUpData,
    need: Need | None,
    household: Household | None,
    at: datetime,
) -> dict[str, object]:
    return {
        "submission": submission,
        "need": need,
        "need_key": block.need_key,
        "need_text": block.need_text,
        "grid": submission.grid,
        "household": household or (need.household if need else None),
        "collector": submission.submitted_by,
        "at": at,
        "resolved_status": block.resolved_status,
        "timeliness": block.timeliness,
        "outcome": block.outcome,
        "dissat_reasons": block.dissat_reasons,
        "reopen": block.reopen,
    }


def followup_event_fields(
    followup: FollowUp, need: Need, submission: Submission, at: datetime
) -> dict[str, object]:
    reasons = " ".join(followup.dissat_reasons)
    return {
        "need": need,
        "kind": EventKind.FOLLOW_UP,
        "to_status": NeedStatus.REOPENED if followup.reopen else NeedStatus.FOLLOWED_UP,
        "at": at,
        "actor_id": submission.submitted_by_id,
        "source": EventSource.FIELD,
        "note": reasons,
        "submission": submission,
        "followup": followup,
    }


def _drop_followup(root: str, submission: Submission) -> None:
    followup = FollowUp.objects.filter(
        root_instance_id=root, submission__form=submission.form
    ).first()
    if followup is None:
        return
    need_id = followup.need_id
    followup.delete()  # its events go with it
    if need_id:
        needs_refold([need_id])


# ------------------------------------------------------------------ needs_survey


def _project_needs_survey(submission: Submission, first_received: datetime) -> None:
    data = projection.needs_survey_data(submission.data)
    grid = submission.grid
    assert grid is not None
    NeedsSurveyResponse.objects.update_or_create(
        root_instance_id=submission.root_instance_id,
        defaults=needs_survey_fields(submission, data, _household(data.household_code, grid.pk)),
    )


def needs_survey_fields(
    submission: Submission, data: projection.NeedsSurveyData, household: Household | None
) -> dict[str, object]:
    return {
        "submission": submission,
        "grid": submission.grid,
        "household": household,
        "anonymous": data.anonymous,
        "collector": submission.submitted_by,
        "responded_at": submission.started_at or submission.received_at,
        "survey_mode": data.survey_mode,
        "consent": data.consent,
        "services_wanted": data.services_wanted,
        "top1": data.top[0],
        "top2": data.top[1],
        "top3": data.top[2],
        "pay_willing": data.pay_willing,
        "volunteer": data.volunteer,
        "volunteer_areas": data.volunteer_areas,
        "volunteer_hours": data.volunteer_hours,
        "callback_ok": data.callback_ok,
        "top_problem": data.top_problem,
        "suggestion": data.suggestion,
        "details": data.details,
    }


PROJECTORS: dict[str, Callable[[Submission, datetime], None]] = {
    FormKind.HOUSEHOLD_VISIT: _project_visit,
    FormKind.SATISFACTION: _project_satisfaction,
    FormKind.NEEDS_SURVEY: _project_needs_survey,
}
