"""A month of activity in the test world, written row by row (not through the projection),
so the per-grid record can be checked against figures worked out by hand in the tests.

Times are Shanghai wall-clock (``local(11, 3, 10)`` = 2026-11-03 10:00 Asia/Shanghai)."""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

from server.grids.models import Area, Household
from server.records.models import (
    FollowUp,
    Need,
    NeedEvent,
    RegisterChange,
    SatisfactionResponse,
    SatisfactionScore,
    Visit,
    VisitItem,
)
from server.submissions.models import Submission
from server.xforms.models import Form, FormVersion
from tests.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def local(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def submission(form_id: str = "hh_visit") -> Submission:
    form, _ = Form.objects.get_or_create(form_id=form_id, defaults={"title": form_id})
    version, _ = FormVersion.objects.get_or_create(
        form=form, version="1", defaults={"title": form_id, "xml": b"<x/>", "xml_md5": "0" * 32}
    )
    number = next(_numbers)
    return Submission.objects.create(
        form=form,
        form_version=version,
        instance_id=f"uuid:{form_id}-{number}",
        root_instance_id=f"uuid:{form_id}-{number}",
        xml=b"<x/>",
        xml_md5="0" * 32,
    )


def household(code: str) -> Household:
    return Household.objects.select_related("building__grid").get(code=code)


def visit(
    code: str,
    when: datetime,
    *,
    visit_type: str = "routine",
    result: str = "met",
    seconds: int | None = None,
    photos: int = 0,
    items: dict[str, list[str]] | None = None,
) -> Visit:
    found = household(code)
    sub = submission()
    made = Visit.objects.create(
        root_instance_id=sub.root_instance_id,
        submission=sub,
        grid=found.building.grid,
        building=found.building,
        household=found,
        household_code=code,
        visit_type=visit_type,
        result=result,
        visited_at=when,
        received_at=when,
        duration_seconds=seconds,
        photo_count=photos,
    )
    for kind, values in (items or {}).items():
        for value in values:
            VisitItem.objects.create(
                visit=made, grid=made.grid, visited_at=when, kind=kind, value=value
            )
    return made


def need(
    code: str,
    category: str,
    raised: datetime,
    due: datetime,
    events: list[tuple[str, str, datetime]],
    *,
    on_spot: bool = False,
    level: str = "",
    followups: int = 0,
) -> Need:
    """``events``: (kind, to_status, at) after the raising; the need's columns are set from
    them as the records lifecycle would."""
    found = household(code)
    made = Need.objects.create(
        key=f"need-{next(_numbers)}",
        grid=found.building.grid,
        household=found,
        category=category,
        raised_at=raised,
        due_at=due,
        on_spot=on_spot,
        followup_count=followups,
    )
    NeedEvent.objects.create(need=made, kind="raised", to_status="open", at=raised, source="web")
    status, resolved_at = "open", None
    for kind, to_status, at in events:
        NeedEvent.objects.create(
            need=made,
            kind=kind,
            from_status=status,
            to_status=to_status,
            at=at,
            source="web",
            handling_level=level if kind == "escalate" else "",
        )
        status = to_status
        if to_status == "resolved":
            resolved_at = at
    Need.objects.filter(pk=made.pk).update(status=status, resolved_at=resolved_at)
    made.refresh_from_db()
    return made


def followup(grid: Area, when: datetime, outcome: str, linked: Need | None = None) -> FollowUp:
    sub = submission("satisfaction")
    return FollowUp.objects.create(
        root_instance_id=sub.root_instance_id,
        submission=sub,
        need=linked,
        grid=grid,
        at=when,
        outcome=outcome,
    )


def response(
    grid: Area, when: datetime, role: str, scores: dict[str, int | None], *, rated: bool = True
) -> SatisfactionResponse:
    sub = submission("satisfaction")
    made = SatisfactionResponse.objects.create(
        root_instance_id=sub.root_instance_id,
        submission=sub,
        grid=grid,
        collector_role=role,
        in_index=rated,
        responded_at=when,
    )
    for dimension, score in scores.items():
        SatisfactionScore.objects.create(
            response=made,
            dimension=dimension,
            score=score,
            grid=grid,
            responded_at=when,
            in_index=rated,
            collector_role=role,
        )
    return made


def november(world: World) -> dict[str, Need]:
    """The month the record tests count (see test_grid_record_activity for the sums)."""
    visit("XF-1-101", local(11, 3, 10), seconds=600, photos=2,
          items={"service": ["policy"], "hazard": ["gas"]})  # fmt: skip
    visit("XF-1-101", local(11, 20, 15), visit_type="followup", seconds=300, photos=1,
          items={"service": ["policy", "condolence"]})  # fmt: skip
    visit("XF-1-102", local(11, 5, 9), result="nobody_home", seconds=60)
    visit("XF-1-201", local(10, 31, 23, 30), seconds=1200, photos=1)  # October in Shanghai
    visit("XF-1-201", local(11, 30, 23, 59), photos=1, items={"hazard": ["none"]})
    visit("XF-2-101", local(11, 10, 10), visit_type="condolence", seconds=900, photos=3,
          items={"env": ["garbage"]})  # fmt: skip
    visit("BH-1-101", local(11, 11, 10), seconds=480, photos=1)
    needs = {
        "n1": need("XF-1-101", "elderly_care", local(11, 3, 10), local(11, 18, 10),
                   [("assign", "assigned", local(11, 4)), ("resolve", "resolved", local(11, 8, 10)),
                    ("follow_up", "followed_up", local(11, 15))], followups=1),
        "n2": need("XF-1-102", "repair", local(11, 5, 9), local(11, 6, 9), []),
        "n3": need("XF-1-101", "policy", local(11, 3, 10, 5), local(11, 18, 10),
                   [("resolve", "resolved", local(11, 3, 10, 5))], on_spot=True),
        "n4": need("XF-2-101", "environment", local(10, 20), local(11, 4),
                   [("escalate", "escalated", local(11, 2)), ("resolve", "resolved", local(12, 2))],
                   level="street"),
        "n5": need("BH-1-101", "security", local(11, 11, 10), local(11, 26, 10),
                   [("resolve", "resolved", local(11, 20, 10)),
                    ("reopen", "reopened", local(11, 25))], followups=1),
    }  # fmt: skip
    followup(world.grid_a1, local(11, 15), "satisfied", needs["n1"])
    followup(world.grid_b1, local(11, 25), "dissatisfied", needs["n5"])
    followup(world.grid_a2, local(11, 28), "basically")
    followup(world.grid_a1, local(12, 3), "satisfied")  # December: not counted
    response(world.grid_a1, local(11, 6), "other_worker",
             {"attitude": 5, "efficiency": 4, "overall": 4, "eldercare": None})  # fmt: skip
    response(world.grid_a1, local(11, 7), "own_worker", {"attitude": 2, "overall": 3})
    response(world.grid_a1, local(11, 8), "street_or_third_party", {"attitude": 4, "overall": 5})
    response(world.grid_a1, local(11, 9), "other_worker", {"attitude": 1}, rated=False)
    response(world.grid_b1, local(11, 9), "other_worker", {"attitude": 3})
    moved = household("BH-1-102")
    RegisterChange.objects.create(
        kind="status",
        state="applied",
        grid=world.grid_b1,
        household=moved,
        payload={"status": "moved_out"},
        submission=submission(),
        proposed_at=local(11, 12),
        decided_at=local(11, 13),
    )
    return needs
