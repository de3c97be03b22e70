"""Submissions of the shipped forms in, records out (forms/README.md field contract)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from server.grids.models import Household
from server.records.choices import ChangeKind, ChangeState, NeedStatus
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
from server.records.services import submission_project
from server.submissions.models import ReviewState
from server.submissions.review import submission_review
from server.submissions.tasks import submission_process
from tests.conftest import World
from tests.records.conftest import Phone, new_id, satisfaction, visit

pytestmark = pytest.mark.django_db

TWO_NEEDS = [
    {
        "category": "infrastructure",
        "desc": "楼道灯不亮",
        "urgency": "soon",
        "handling": "community",
    },
    {
        "category": "policy",
        "desc": "咨询高龄补贴",
        "urgency": "normal",
        "handling": "on_spot",
        "spot_result": "已当场解释申领办法",
        "photo": "1762045300000.jpg",
    },
]


def test_a_visit_with_needs_becomes_a_visit_its_needs_and_register_updates(
    bob: Phone, world: World
) -> None:
    submission = bob.send(
        "hh_visit",
        visit(
            needs=TWO_NEEDS,
            flags="retiree dibao",
            services="policy health_check",
            hazards="fire_exit gas",
            env_issues="none",
            elderly_living="empty_nest",
        ),
    )
    record = Visit.objects.get()
    household = world.households_a1[0]
    assert record.submission == submission
    assert (record.grid, record.household, record.worker) == (world.grid_a1, household, world.bob)
    assert (record.visit_type, record.result, record.met_whom) == ("routine", "met", "head")
    assert record.visited_at == datetime.fromisoformat("2026-11-02T09:00:05.120+08:00")
    assert record.duration_seconds == 876
    assert (record.latitude, record.longitude) == (Decimal("28.871234"), Decimal("105.442109"))
    assert record.gps_accuracy == 8.5
    assert record.services == ["policy", "health_check"]
    assert record.env_issues == []  # "none" is the explicit empty set
    assert record.diary == "走访王家，老人身体尚好。"
    assert (record.photo_count, record.need_count) == (2, 2)  # door photo + one need photo
    items = set(VisitItem.objects.values_list("kind", "value"))
    assert items == {
        ("service", "policy"),
        ("service", "health_check"),
        ("hazard", "fire_exit"),
        ("hazard", "gas"),
        ("flag", "retiree"),
        ("flag", "dibao"),
    }

    first, second = Need.objects.order_by("position")
    root = submission.root_instance_id
    assert (first.key, second.key) == (f"{root}#1", f"{root}#2")
    assert (first.status, first.on_spot, first.handling_level) == ("open", False, "community")
    assert first.due_at == first.raised_at + timedelta(days=7)  # 较急: 7 days
    assert (second.status, second.on_spot) == ("resolved", True)
    assert second.resolution_note == "已当场解释申领办法"
    assert second.resolved_at is not None
    assert first.household == household and first.grid == world.grid_a1
    assert NeedEvent.objects.filter(kind="raised").count() == 2

    household.refresh_from_db()
    assert household.last_visit_at == record.visited_at
    assert household.last_visit_by == world.bob
    # Default policy: details direct, flags wait for approval.
    assert household.elderly_living == "empty_nest"
    assert household.provenance["elderly_living"]["source"] == "visit"
    change = RegisterChange.objects.get(kind=ChangeKind.FLAGS)
    assert change.state == ChangeState.PENDING
    assert change.payload == {"flags": ["dibao", "retiree"]}
    assert set(household.flags.values_list("flag", flat=True)) == {"retiree"}
    assert RegisterChange.objects.get(kind=ChangeKind.DETAILS).state == ChangeState.APPLIED


def test_processing_again_and_resubmitting_change_nothing(bob: Phone) -> None:
    instance_id = new_id()
    submission = bob.send("hh_visit", visit(needs=TWO_NEEDS), instance_id=instance_id)
    before = _snapshot()
    submission_process.enqueue(submission.pk)
    submission_project(submission=submission)
    again = bob.send("hh_visit", visit(needs=TWO_NEEDS), instance_id=instance_id)
    assert again.pk == submission.pk
    assert _snapshot() == before


def _snapshot() -> dict[str, list]:
    return {
        "visits": list(Visit.objects.values_list("pk", "root_instance_id", "household_id")),
        "needs": list(Need.objects.order_by("pk").values_list("pk", "key", "status", "due_at")),
        "events": list(NeedEvent.objects.order_by("pk").values_list("need_id", "kind", "at")),
        "items": sorted(VisitItem.objects.values_list("kind", "value")),
        "changes": list(RegisterChange.objects.values_list("pk", "kind", "state")),
    }


def test_an_edit_replaces_the_projection_of_the_earlier_version(bob: Phone, world: World) -> None:
    original = bob.send("hh_visit", visit(needs=TWO_NEEDS))
    kept_need = Need.objects.get(position=1)
    edited_needs = [{**TWO_NEEDS[0], "desc": "楼道灯不亮，三楼"}]
    edit = bob.send(
        "hh_visit",
        visit(needs=edited_needs, household="XF-1-102", services="condolence"),
        deprecated_id=original.instance_id,
    )
    record = Visit.objects.get()
    assert record.submission == edit
    assert record.household == world.households_a1[1]
    assert record.services == ["condolence"]
    assert list(VisitItem.objects.filter(kind="service").values_list("value", flat=True)) == [
        "condolence"
    ]
    need = Need.objects.get()  # the second need was dropped by the edit
    assert need.pk == kept_need.pk and need.description == "楼道灯不亮，三楼"
    assert need.household == world.households_a1[1]
    assert need.events.get().submission == edit
    # The first household's last visit is gone with the visit; the second one has it now.
    first, second = (Household.objects.get(pk=h.pk) for h in world.households_a1[:2])
    assert first.last_visit_at is None
    assert second.last_visit_at == record.visited_at


def test_a_need_staff_acted_on_survives_an_edit_that_drops_it(bob: Phone, world: World) -> None:
    from server.records.needs import need_transition

    original = bob.send("hh_visit", visit(needs=TWO_NEEDS))
    first = Need.objects.get(position=1)
    need_transition(need=first, to=NeedStatus.ASSIGNED, actor=world.alice, assignee=world.bob)
    bob.send("hh_visit", visit(needs=[]), deprecated_id=original.instance_id)
    kept = Need.objects.get()
    assert kept.pk == first.pk and kept.withdrawn and kept.status == NeedStatus.CLOSED
    assert kept.events.filter(kind="assign").exists()


def test_nobody_home_is_a_visit_without_needs_or_register_changes(bob: Phone, world: World) -> None:
    bob.send("hh_visit", visit(result="nobody_home", needs=TWO_NEEDS))
    record = Visit.objects.get()
    assert record.result == "nobody_home" and record.need_count == 0
    assert not Need.objects.exists() and not RegisterChange.objects.exists()
    assert Household.objects.get(pk=world.households_a1[0].pk).last_visit_at is None


def test_moved_out_proposes_a_status_change(bob: Phone, world: World) -> None:
    bob.send("hh_visit", visit(result="moved_out"))
    change = RegisterChange.objects.get()
    assert (change.kind, change.state, change.payload) == (
        "status",
        "pending",
        {"status": "moved_out"},
    )


def test_a_new_household_waits_for_approval_then_joins_the_register(
    bob: Phone, world: World
) -> None:
    from server.records.register import register_change_approve

    bob.send(
        "hh_visit",
        visit(household="_new", new_address="幸福小区1栋2单元301", flags="migrant", members="2"),
    )
    record = Visit.objects.get()
    assert record.household is None and record.new_address == "幸福小区1栋2单元301"
    change = RegisterChange.objects.get()
    assert change.kind == ChangeKind.NEW_HOUSEHOLD and change.state == ChangeState.PENDING
    approved = register_change_approve(change=change, by=world.alice, note="核实无误")
    household = approved.household
    assert household is not None and household.building == world.building_a1
    assert household.address_label == "幸福小区1栋2单元301"
    assert (
        household.members_count == 2 and household.provenance["members_count"]["source"] == "visit"
    )
    assert set(household.flags.values_list("flag", "source")) == {("migrant", "visit")}
    record.refresh_from_db()
    household.refresh_from_db()
    assert record.household == household
    assert household.last_visit_at == record.visited_at
    # Processing again keeps the link (the _new answer resolves to the approved household).
    submission_project(submission=record.submission)
    assert Visit.objects.get().household == household
    assert RegisterChange.objects.count() == 1


def test_a_rejected_submission_counts_for_nothing_until_unrejected(
    bob: Phone, world: World
) -> None:
    submission = bob.send("hh_visit", visit(needs=TWO_NEEDS, flags="retiree dibao"))
    submission_review(submission=submission, by=world.alice, state=ReviewState.REJECTED)
    assert not Visit.objects.exists() and not Need.objects.exists()
    assert RegisterChange.objects.get(kind="flags").state == ChangeState.SUPERSEDED
    submission_review(submission=submission, by=world.alice, state=ReviewState.APPROVED)
    assert Visit.objects.count() == 1 and Need.objects.count() == 2
    assert RegisterChange.objects.get(kind="flags").state == ChangeState.PENDING


def test_other_forms_are_not_projected(bob: Phone, world: World) -> None:
    from tests.openrosa.conftest import upload_visit_form

    bob.send("hh_visit", visit())
    assert Visit.objects.count() == 1
    assert upload_visit_form  # the small test form shares hh_visit's id; others are skipped:
    from server.records.services import PROJECTORS

    assert set(PROJECTORS) == {"hh_visit", "needs_survey", "satisfaction"}


def test_satisfaction_scores_na_and_the_phone_followup_mode(bob: Phone, world: World) -> None:
    bob.send(
        "satisfaction",
        satisfaction(scores={"attitude": "5", "property": "na", "overall": "4"}),
    )
    response = SatisfactionResponse.objects.get()
    assert (response.grid, response.household, response.collector) == (
        world.grid_a1,
        world.households_a1[0],
        world.bob,
    )
    assert response.in_index and response.collector_role == "own_worker"
    assert response.overall == 4
    scores = dict(SatisfactionScore.objects.values_list("dimension", "score"))
    assert len(scores) == 14
    assert scores["attitude"] == 5 and scores["property"] is None and scores["efficiency"] == 4
    bob.send("satisfaction", satisfaction(mode="phone_followup", household="_anon"))
    call = SatisfactionResponse.objects.get(survey_mode="phone_followup")
    assert not call.in_index and call.anonymous and call.overall is None
    assert not SatisfactionScore.objects.filter(response=call).exists()


def test_followups_close_the_loop_and_dissatisfied_reopens(bob: Phone, world: World) -> None:
    from server.records.needs import need_transition

    bob.send("hh_visit", visit(needs=TWO_NEEDS))
    need = Need.objects.get(position=1)
    need = need_transition(need=need, to="resolved", actor=world.alice, note="已更换灯泡")
    bob.send(
        "satisfaction",
        satisfaction(
            followup={
                "followup_need": need.key,
                "need_resolved": "resolved",
                "need_timely": "timely",
                "followup_sat": "satisfied",
            }
        ),
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.FOLLOWED_UP
    assert (need.followup_count, need.followup_outcome) == (1, "satisfied")
    assert FollowUp.objects.get().need == need

    need = need_transition(need=need, to="closed", actor=world.alice)
    bob.send(
        "satisfaction",
        satisfaction(
            followup={
                "followup_need": need.key,
                "need_resolved": "partial",
                "need_timely": "late",
                "followup_sat": "dissatisfied",
                "dissat_reason": "unresolved slow",
                "reopen": "no",
            }
        ),
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.REOPENED  # 不满意 always reopens
    assert need.reopen_count == 1 and need.resolved_at is None
    assert need.followup_count == 2 and need.followup_outcome == "dissatisfied"


def test_a_followup_of_another_grids_need_or_of_other_stays_unlinked(
    bob: Phone, carol: Phone
) -> None:
    carol.send(
        "hh_visit", visit(grid="BH1", building="BH-1", household="BH-1-101", needs=TWO_NEEDS)
    )
    foreign = Need.objects.get(position=1)
    bob.send(
        "satisfaction",
        satisfaction(followup={"followup_need": foreign.key, "followup_sat": "satisfied"}),
    )
    bob.send(
        "satisfaction",
        satisfaction(
            followup={
                "followup_need": "_other",
                "followup_need_text": "垃圾清运",
                "followup_sat": "basically",
            }
        ),
    )
    assert list(FollowUp.objects.values_list("need_id", flat=True)) == [None, None]
    foreign.refresh_from_db()
    assert foreign.followup_count == 0


def test_needs_survey_response(bob: Phone, world: World) -> None:
    bob.send(
        "needs_survey",
        {
            "start": "2026-11-03T15:00:00.000+08:00",
            "end": "2026-11-03T15:20:00.000+08:00",
            "grp_id": {"grid": "CY1", "household": "_anon", "survey_mode": "door"},
            "consent": "yes",
            "grp_svc": {
                "svc_want": "eldercare health",
                "top1": "eldercare",
                "top2": "health",
                "top3": "",
            },
            "grp_detail": {"eldercare_items": "meal day_care"},
            "grp_pref": {"pay_willing": "low_cost"},
            "grp_part": {"volunteer": "yes", "volunteer_area": "eldercare"},
            "grp_open": {"top_problem": "停车难", "suggestion": ""},
        },
    )
    response = NeedsSurveyResponse.objects.get()
    assert response.anonymous and response.household is None
    assert response.services_wanted == ["eldercare", "health"]
    assert (response.top1, response.top2, response.top3) == ("eldercare", "health", "")
    assert response.details["eldercare_items"] == ["meal", "day_care"]
    assert response.volunteer == "yes" and response.callback_ok is None


def test_resolved_needs_reach_the_collectors_followup_list(
    bob: Phone, carol: Phone, world: World
) -> None:
    from server.records.needs import need_transition
    from server.xforms.register_lists import register_list

    bob.send("hh_visit", visit(needs=TWO_NEEDS))
    lamp = Need.objects.get(position=1)
    spot = Need.objects.get(position=2)  # resolved on the spot: awaiting 回访 too
    assert b"#1" not in register_list(user=world.bob, filename="needs_followup.csv")
    need_transition(need=lamp, to="resolved", actor=world.alice, note="已换灯泡")
    listed = register_list(user=world.bob, filename="needs_followup.csv").decode()
    lines = listed.splitlines()
    assert lines[0] == "name,label,grid,household,category,resolved_at"
    rows = {line.split(",")[0]: line for line in lines[1:]}
    assert set(rows) == {lamp.key, spot.key, "_other"}
    assert "楼道灯不亮（11月2日提出） 幸福小区1栋1单元101 王**" in rows[lamp.key]
    assert "王建国" not in listed and "13800000001" not in listed
    assert rows[lamp.key].endswith(",XF-1-101,infrastructure," + timezone.localdate().isoformat())
    carols = register_list(user=world.carol, filename="needs_followup.csv").decode()
    assert lamp.key not in carols


def test_register_changes_are_decided_once_by_managers_in_scope(bob: Phone, world: World) -> None:
    from server.core.errors import GridbookError
    from server.records.register import register_change_approve, register_change_reject

    bob.send("hh_visit", visit(flags="retiree dibao"))
    change = RegisterChange.objects.get(kind=ChangeKind.FLAGS)
    for who, code in (
        ("erin", "register_change_not_found"),
        ("bob", "register_change_not_allowed"),
    ):
        with pytest.raises(GridbookError) as raised:
            register_change_approve(change=change, by=getattr(world, who))
        assert raised.value.code == code
    rejected = register_change_reject(change=change, by=world.alice, note="低保待民政核实")
    assert (rejected.state, rejected.decided_by, rejected.note) == (
        "rejected",
        world.alice,
        "低保待民政核实",
    )
    with pytest.raises(GridbookError) as raised:
        register_change_approve(change=change, by=world.admin)
    assert raised.value.code == "register_change_decided"
    household = Household.objects.get(pk=world.households_a1[0].pk)
    assert set(household.flags.values_list("flag", flat=True)) == {"retiree"}
