"""Needs, visits, one household's timeline and register changes through the API, by role:
each reader gets only the rows of their scope; outside it a row does not exist (404)."""

from __future__ import annotations

import pytest
from django.test import Client

from server.records.models import Need, RegisterChange
from tests.conftest import World
from tests.records import activity

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows(user, url: str) -> list[dict]:
    response = client_for(user).get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_needs_by_role(world: World) -> None:
    activity.november(world)
    assert len(rows(world.admin, "/api/v1/needs/")) == 5
    assert {n["grid"] for n in rows(world.alice, "/api/v1/needs/")} == {"CY1", "CY2"}
    assert [n["grid"] for n in rows(world.erin, "/api/v1/needs/")] == ["BH1"]
    assert {n["grid"] for n in rows(world.bob, "/api/v1/needs/")} == {"CY1"}
    assert [n["grid"] for n in rows(world.carol, "/api/v1/needs/")] == ["BH1"]
    assert client_for(world.dave).get("/api/v1/needs/").status_code == 403
    assert Client().get("/api/v1/needs/").status_code == 401


def test_need_filters(world: World) -> None:
    activity.november(world)
    overdue = rows(world.alice, "/api/v1/needs/?overdue=true")
    # Now (real time) is past every due date: n2 is still open; n4 has been resolved since.
    assert [n["category"] for n in overdue] == ["repair"] and overdue[0]["overdue"] is True
    assert [n["category"] for n in rows(world.alice, "/api/v1/needs/?status=resolved")] == [
        "policy",
        "environment",
    ]
    assert [n["category"] for n in rows(world.alice, "/api/v1/needs/?period=2026-10")] == [
        "environment"
    ]
    assert len(rows(world.alice, "/api/v1/needs/?area=CY2")) == 1
    assert len(rows(world.admin, "/api/v1/needs/?category=security")) == 1
    assert rows(world.alice, "/api/v1/needs/?household=XF-1-101")[0]["address"]
    assert client_for(world.alice).get("/api/v1/needs/?area=BH").status_code == 404
    assert client_for(world.alice).get("/api/v1/needs/?status=lost").status_code == 400


def test_need_detail_shows_its_life_and_404_outside(world: World) -> None:
    needs = activity.november(world)
    n1 = needs["n1"].pk
    body = client_for(world.alice).get(f"/api/v1/needs/{n1}/").json()
    assert [e["to_status"] for e in body["events"]] == [
        "open",
        "assigned",
        "resolved",
        "followed_up",
    ]
    assert body["followups"][0]["outcome"] == "satisfied"
    assert client_for(world.bob).get(f"/api/v1/needs/{n1}/").status_code == 200
    for outsider in (world.erin, world.carol):
        answer = client_for(outsider).get(f"/api/v1/needs/{n1}/")
        assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    assert (
        client_for(world.admin).get(f"/api/v1/needs/{Need.objects.count() + 99}/").status_code
        == 404
    )


def test_visits_by_role_and_period(world: World) -> None:
    activity.november(world)
    assert len(rows(world.admin, "/api/v1/visits/")) == 7
    assert len(rows(world.bob, "/api/v1/visits/")) == 5
    assert len(rows(world.bob, "/api/v1/visits/?period=2026-11")) == 4
    assert len(rows(world.carol, "/api/v1/visits/")) == 1
    assert len(rows(world.alice, "/api/v1/visits/?household=XF-1-101")) == 2
    assert len(rows(world.alice, "/api/v1/visits/?result=nobody_home")) == 1
    assert rows(world.alice, "/api/v1/visits/?from=2026-11-20&to=2026-11-20")[0]["services"] == []
    assert client_for(world.dave).get("/api/v1/visits/").status_code == 403
    assert client_for(world.erin).get("/api/v1/visits/?area=CY1").status_code == 404


def test_household_timeline_by_role(world: World) -> None:
    activity.november(world)
    activity.response(world.grid_a1, activity.local(11, 9), "other_worker", {"attitude": 5})
    from server.records.models import SatisfactionResponse

    SatisfactionResponse.objects.filter(grid=world.grid_a1).update(
        household=activity.household("XF-1-101")
    )
    alice = client_for(world.alice).get("/api/v1/households/XF-1-101/").json()
    assert alice["head_name"] == "王建国"
    assert [v["visit_type"] for v in alice["visits"]] == ["followup", "routine"]
    assert {n["category"] for n in alice["needs"]} == {"elderly_care", "policy"}
    assert len(alice["satisfaction"]) == 5 and alice["satisfaction"][0]["scores"]
    bob = client_for(world.bob).get("/api/v1/households/XF-1-101/").json()
    assert bob["satisfaction"] is None and bob["head_name"] != "王建国"
    assert len(bob["visits"]) == 2
    for outsider in (world.erin, world.carol):
        assert client_for(outsider).get("/api/v1/households/XF-1-101/").status_code == 404
    assert client_for(world.dave).get("/api/v1/households/XF-1-101/").status_code == 403


def test_register_changes_for_managers_only(world: World) -> None:
    activity.november(world)
    change = RegisterChange.objects.get()
    assert [c["grid"] for c in rows(world.erin, "/api/v1/register-changes/")] == ["BH1"]
    assert rows(world.alice, "/api/v1/register-changes/") == []
    assert rows(world.admin, "/api/v1/register-changes/?state=pending") == []
    assert len(rows(world.admin, "/api/v1/register-changes/?state=applied")) == 1
    assert client_for(world.erin).get(f"/api/v1/register-changes/{change.pk}/").status_code == 200
    assert client_for(world.alice).get(f"/api/v1/register-changes/{change.pk}/").status_code == 404
    for role_without in (world.bob, world.carol, world.dave):
        assert client_for(role_without).get("/api/v1/register-changes/").status_code == 403


def transition(user, need_id: int, **body):
    return client_for(user).post(
        f"/api/v1/needs/{need_id}/transitions/", body, content_type="application/json"
    )


def test_a_manager_moves_a_need_through_the_api(world: World) -> None:
    n2 = activity.november(world)["n2"].pk
    assigned = transition(world.alice, n2, to="assigned", status="open", assignee="bob")
    assert assigned.status_code == 200, assigned.content
    body = assigned.json()
    assert (body["status"], body["assignee"]) == ("assigned", "bob")
    assert body["events"][-1]["via"] == "api" and body["events"][-1]["by"] == "alice"
    no_note = transition(world.alice, n2, to="resolved", status="assigned")
    assert no_note.status_code == 400 and no_note.json()["code"] == "need_note_required"
    stale = transition(world.alice, n2, to="resolved", status="open", note="修好了")
    assert stale.status_code == 409 and stale.json()["code"] == "need_changed"
    done = transition(world.alice, n2, to="resolved", status="assigned", note="修好了")
    assert done.json()["status"] == "resolved" and done.json()["resolution_note"] == "修好了"
    escalate = transition(
        world.admin, n2, to="escalated", status="resolved", handling_level="street"
    )
    assert escalate.status_code == 409


def test_need_transitions_by_role(world: World) -> None:
    n2 = activity.november(world)["n2"].pk
    assert (
        transition(world.bob, n2, to="assigned", status="open").json()["code"] == "need_field_only"
    )
    for outsider in (world.erin, world.carol):
        assert transition(outsider, n2, to="assigned", status="open").status_code == 404
    assert transition(world.dave, n2, to="assigned", status="open").status_code == 403
    assert Client().post(f"/api/v1/needs/{n2}/transitions/", {}).status_code == 401
    bad = transition(world.alice, n2, to="lost", status="open")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_input"


def test_register_change_approve_and_reject(world: World) -> None:
    activity.november(world)
    household = activity.household("XF-1-101")
    pending = [
        RegisterChange.objects.create(
            kind="flags",
            grid=world.grid_a1,
            household=household,
            payload={"flags": ["retiree", "dibao"]},
            submission=activity.submission(),
            proposed_at=activity.local(11, 20),
        )
        for _ in range(2)
    ]
    assert len(rows(world.alice, "/api/v1/register-changes/?state=pending")) == 2
    url = "/api/v1/register-changes/{}/{}/"
    assert client_for(world.erin).post(url.format(pending[0].pk, "approve")).status_code == 404
    assert client_for(world.bob).post(url.format(pending[0].pk, "approve")).status_code == 403
    approved = client_for(world.alice).post(
        url.format(pending[0].pk, "approve"), {"note": "核实"}, content_type="application/json"
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "applied" and approved.json()["decided_by"] == "alice"
    assert sorted(household.flags.values_list("flag", flat=True)) == ["dibao", "retiree"]
    again = client_for(world.alice).post(url.format(pending[0].pk, "reject"))
    assert again.status_code == 409 and again.json()["code"] == "register_change_decided"
    rejected = client_for(world.admin).post(url.format(pending[1].pk, "reject"))
    assert rejected.json()["state"] == "rejected"
