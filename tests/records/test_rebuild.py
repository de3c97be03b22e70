"""``rebuild_records`` gives what the live path gave, after a realistic sequence: visits with
needs, an edit, staff transitions, follow-ups (one dissatisfied: a reopened need), a rejected
submission, a satisfaction survey and a needs survey."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from server.grids.models import Household
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
from server.records.needs import NEED_FIELDS, need_transition
from server.submissions.models import ReviewState
from server.submissions.review import submission_review
from tests.conftest import World
from tests.records.conftest import Phone, satisfaction, visit

pytestmark = pytest.mark.django_db

NEEDS = [
    {"category": "infrastructure", "desc": "楼道灯不亮", "urgency": "urgent"},
    {"category": "eldercare", "desc": "申请助餐", "urgency": "soon", "handling": "street"},
    {"category": "policy", "desc": "咨询医保", "handling": "on_spot", "spot_result": "已解答"},
]


def live_sequence(world: World, bob: Phone, carol: Phone) -> None:
    first = bob.send("hh_visit", visit(needs=NEEDS, flags="retiree dibao", services="policy"))
    bob.send(
        "hh_visit",
        visit(
            household="XF-1-102",
            needs=NEEDS[:1],
            start="2026-11-05T10:00:00.000+08:00",
            end="2026-11-05T10:20:00.000+08:00",
            hazards="wiring",
        ),
    )
    bob.send("hh_visit", visit(household="XF-1-201", result="nobody_home"))
    rejected = bob.send("hh_visit", visit(household="XF-1-201", needs=NEEDS[1:2]))
    submission_review(submission=rejected, by=world.alice, state=ReviewState.REJECTED)
    carol.send(
        "hh_visit", visit(grid="BH1", building="BH-1", household="BH-1-101", needs=NEEDS[:2])
    )
    # An edit: the third need dropped, the first reworded.
    bob.send(
        "hh_visit",
        visit(needs=[{**NEEDS[0], "desc": "楼道灯不亮（三楼）"}, NEEDS[1]], services="condolence"),
        deprecated_id=first.instance_id,
    )
    lamp = Need.objects.get(description="楼道灯不亮（三楼）")
    meal = Need.objects.get(description="申请助餐", grid=world.grid_a1)
    lamp = need_transition(need=lamp, to="assigned", actor=world.alice, assignee=world.bob)
    lamp = need_transition(need=lamp, to="resolved", actor=world.alice, note="已换灯")
    meal = need_transition(
        need=meal, to="escalated", actor=world.alice, handling_level="street", note="报街道"
    )
    meal = need_transition(need=meal, to="resolved", actor=world.admin, note="街道已安排")
    bob.send(
        "satisfaction",
        satisfaction(
            scores={"attitude": "5", "property": "na"},
            followup={"followup_need": lamp.key, "followup_sat": "satisfied"},
        ),
    )
    bob.send(
        "satisfaction",
        satisfaction(
            household="XF-1-102",
            role="other_worker",
            followup={"followup_need": meal.key, "followup_sat": "dissatisfied", "reopen": "yes"},
        ),
    )
    bob.send(
        "satisfaction", satisfaction(mode="phone_followup", followup={"followup_need": "_other"})
    )
    bob.send(
        "needs_survey",
        {
            "grp_id": {"grid": "CY1", "household": "XF-1-101", "survey_mode": "door"},
            "consent": "yes",
            "grp_svc": {"svc_want": "eldercare", "top1": "eldercare"},
        },
    )


def state() -> dict[str, list]:
    need_columns = ["key", "visit__root_instance_id", "household_id", "withdrawn", *NEED_FIELDS]
    return {
        "visits": sorted(
            Visit.objects.values_list(
                "root_instance_id",
                "submission_id",
                "household_id",
                "result",
                "services",
                "diary",
                "need_count",
                "photo_count",
                "visited_at",
                "visit_slot",
            )
        ),
        "items": sorted(
            VisitItem.objects.values_list(
                "visit__root_instance_id", "kind", "value", "opens_case", "cleared_at"
            ),
            key=str,
        ),
        "needs": sorted(Need.objects.values_list(*need_columns), key=str),
        "events": sorted(
            NeedEvent.objects.values_list(
                "need__key",
                "kind",
                "from_status",
                "to_status",
                "applied",
                "at",
                "source",
                "actor_id",
                "note",
            ),
            key=str,
        ),
        "followups": sorted(
            FollowUp.objects.values_list("root_instance_id", "need__key", "outcome", "reopen"),
            key=str,
        ),
        "satisfaction": sorted(
            SatisfactionResponse.objects.values_list("root_instance_id", "in_index", "overall")
        ),
        "scores": sorted(
            SatisfactionScore.objects.values_list(
                "response__root_instance_id", "dimension", "score"
            ),
            key=str,
        ),
        "surveys": sorted(NeedsSurveyResponse.objects.values_list("root_instance_id", "top1")),
        "changes": sorted(
            RegisterChange.objects.values_list("pk", "kind", "state", "household_id")
        ),
        "last_visits": sorted(
            Household.objects.values_list("code", "last_visit_at", "last_visit_by_id")
        ),
    }


def test_rebuild_after_damage_equals_live(world: World, bob: Phone, carol: Phone) -> None:
    live_sequence(world, bob, carol)
    live = state()
    # The sequence did what it says (so the comparison below compares something).
    meal = Need.objects.get(description="申请助餐", grid=world.grid_a1)
    assert meal.status == "reopened" and meal.reopen_count == 1 and meal.escalation_count == 1
    assert Need.objects.get(description="楼道灯不亮（三楼）").status == "followed_up"
    assert not Need.objects.filter(description="咨询医保", grid=world.grid_a1).exists()
    assert Visit.objects.count() == 4 and FollowUp.objects.count() == 3

    # Damage every derived table the rebuild is responsible for.
    VisitItem.objects.all().delete()
    SatisfactionScore.objects.all().delete()
    NeedEvent.objects.filter(source="field").delete()
    FollowUp.objects.all().delete()
    Visit.objects.filter(household__code="XF-1-201").delete()
    NeedsSurveyResponse.objects.all().delete()
    SatisfactionResponse.objects.filter(in_index=False).delete()
    Visit.objects.update(services=[], diary="", need_count=0)
    Need.objects.update(status="closed", followup_count=9, reopen_count=0, assignee=None)
    Household.objects.update(last_visit_at=None, last_visit_by=None)

    out = StringIO()
    call_command("rebuild_records", stdout=out)
    assert "Rebuilt" in out.getvalue() or "重建" in out.getvalue()
    assert state() == live
    call_command("rebuild_records", stdout=StringIO())  # and again: nothing moves
    assert state() == live


def test_rebuild_from_no_records_at_all_equals_live(world: World, bob: Phone, carol: Phone) -> None:
    live_sequence(world, bob, carol)
    live = state()
    for model in (Visit, SatisfactionResponse, NeedsSurveyResponse, FollowUp):
        model.objects.all().delete()  # needs lose their visit link; staff events stay
    NeedEvent.objects.filter(source="field").delete()
    Household.objects.update(last_visit_at=None, last_visit_by=None)
    call_command("rebuild_records", "--form", "hh_visit", stdout=StringIO())
    call_command(
        "rebuild_records", "--form", "satisfaction", "--form", "needs_survey", stdout=StringIO()
    )
    rebuilt = state()
    # Visit and response rows are new (new ids); everything keyed by submission is the same.
    assert rebuilt == live


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_in_two_processes_equals_live(
    world: World, bob: Phone, carol: Phone, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches projected by two processes at once (PostgreSQL), each its own transaction."""
    from django.db import connection

    from server.records import rebuild

    if connection.vendor != "postgresql":
        pytest.skip("more than one writer needs PostgreSQL (DATABASE_URL=postgres://…)")
    live_sequence(world, bob, carol)
    live = state()
    assert any(opens for *_, opens, _cleared in live["items"])  # a hazard case is compared
    VisitItem.objects.all().delete()
    SatisfactionScore.objects.all().delete()
    NeedEvent.objects.filter(source="field").delete()
    Visit.objects.update(services=[], diary="", need_count=0, visit_slot=None)
    Household.objects.update(last_visit_at=None, last_visit_by=None)
    monkeypatch.setattr(rebuild, "BATCH", 2)  # several batches for the two processes
    assert rebuild.parallel_possible()
    call_command("rebuild_records", "--workers", "2", stdout=StringIO())
    assert state() == live
