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
