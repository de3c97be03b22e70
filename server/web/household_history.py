"""What a household's page shows besides the register: its visits as a timeline (with their
photos), its needs with each step of their life, its satisfaction answers and follow-ups, and
the register changes its visits proposed that wait for a manager.

Each part is one query (plus one prefetch), whatever the household's history: a page costs
the same after ten years as after one visit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from server.accounts.models import User
from server.accounts.privacy import PersonalData
from server.grids.choices import SpecialPopulation
from server.grids.models import Household
from server.records.choices import ChangeState
from server.records.models import (
    FollowUp,
    NeedEvent,
    RegisterChange,
    SatisfactionResponse,
    SatisfactionScore,
    Visit,
)
from server.web.choice_labels import label_of
from server.web.needs_rows import NeedRow, need_rows
from server.web.photos import Photo, submission_photos

TIMELINE_LIMIT = 100
"""The newest visits shown; older ones are in the submissions and exports."""


@dataclass(frozen=True)
class VisitEntry:
    visit: Visit
    visit_type: str
    result: str
    photos: list[Photo]


@dataclass(frozen=True)
class ScoreLine:
    dimension: str
    score: int | None


@dataclass(frozen=True)
class Answer:
    response: SatisfactionResponse
    scores: list[ScoreLine]


@dataclass(frozen=True)
class ChangeLine:
    change: RegisterChange
    kind: str
    values: list[tuple[str, str]]


@dataclass
class History:
    visits: list[VisitEntry] = field(default_factory=list)
    needs: list[NeedRow] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)
    pending: list[ChangeLine] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)


def household_history(*, user: User, household: Household, personal: PersonalData) -> History:
    """``household`` must already be visible to ``user`` (``household_detail``)."""
    visits = list(
        Visit.objects.filter(household=household)
        .select_related("worker")
        .order_by("-visited_at")[:TIMELINE_LIMIT]
    )
    photos = submission_photos(user=user, submission_ids=[v.submission_id for v in visits])
    entries = [
        VisitEntry(
            visit=visit,
            visit_type=label_of("visit_type", visit.visit_type) if visit.visit_type else "",
            result=label_of("visit_result", visit.result) if visit.result else "",
            photos=photos.get(visit.submission_id, []),
        )
        for visit in visits
    ]
    needs = list(
        household.needs.filter(withdrawn=False)
        .select_related("grid", "household", "assignee")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=NeedEvent.objects.select_related("actor", "assignee").order_by("at", "pk"),
            )
        )
        .order_by("-raised_at")
    )
    answers = [
        Answer(
            response=response,
            scores=[
                ScoreLine(label_of("dimension", score.dimension), score.score)
                for score in response.scores.all()
            ],
        )
        for response in SatisfactionResponse.objects.filter(household=household)
        .select_related("collector")
        .prefetch_related(
            Prefetch("scores", queryset=SatisfactionScore.objects.order_by("dimension"))
        )
        .order_by("-responded_at")[:TIMELINE_LIMIT]
    ]
    followups = list(
        FollowUp.objects.filter(household=household)
        .select_related("collector", "need")
        .order_by("-at")[:TIMELINE_LIMIT]
    )
    pending = [
        ChangeLine(
            change=change,
            kind=label_of("change_kind", change.kind),
            values=_values(change, personal),
        )
        for change in RegisterChange.objects.filter(household=household, state=ChangeState.PENDING)
        .select_related("proposed_by")
        .order_by("proposed_at")
    ]
    return History(
        visits=entries,
        needs=need_rows(needs, personal),
        answers=answers,
        followups=followups,
        pending=pending,
        photos=[photo for entry in entries for photo in entry.photos],
    )


def _values(change: RegisterChange, personal: PersonalData) -> list[tuple[str, str]]:
    """The proposed values as (label, value) text pairs, in the payload's order: register
    fields by their label, flags by theirs, a new household's details flattened; a name or
    phone through the privacy rule."""
    payload = change.payload if isinstance(change.payload, dict) else {}
    pairs: list[tuple[str, str]] = []
    for key, value in payload.items():
        if isinstance(value, dict):
            pairs.extend(_values_of(value, personal))
        elif key == "flags" and isinstance(value, list):
            pairs.append((_("Special populations"), _flag_labels(value)))
        else:
            pairs.extend(_values_of({key: value}, personal))
    return pairs


def _values_of(values: dict[str, object], personal: PersonalData) -> list[tuple[str, str]]:
    return [
        (_field_label(str(key)), personal.field(str(key), _text(value)))
        for key, value in values.items()
    ]


def _flag_labels(codes: list[object]) -> str:
    labels = []
    for code in codes:
        try:
            labels.append(str(SpecialPopulation(str(code)).label))
        except ValueError:
            labels.append(str(code))
    return "、".join(labels) or "—"


def _field_label(name: str) -> str:
    """A register field's label ("居住人数" for members_count); other keys as they are."""
    try:
        field = Household._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return capfirst(str(getattr(field, "verbose_name", name)))


def _text(value: object) -> str:
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    if value is None:
        return "—"
    return str(value)
