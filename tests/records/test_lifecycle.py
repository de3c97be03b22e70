"""A need's lifecycle (DOMAIN §2.3): allowed transitions, who may make them, the history, and
two managers deciding at once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from server.core.errors import GridbookError
from server.records import lifecycle
from server.records.choices import EventKind, EventSource, NeedStatus
from server.records.models import Need, NeedEvent
from server.records.needs import need_transition, needs_refold
from tests.conftest import World


def make_need(world: World, *, urgency: str = "urgent", grid=None) -> Need:
    raised = timezone.now() - timedelta(hours=2)
    need = Need.objects.create(
        key=f"walk-in-{Need.objects.count() + 1}",
        source="walk_in",
        grid=grid or world.grid_a1,
        household=world.households_a1[0],
        category="infrastructure",
        description="路灯不亮",
        urgency=urgency,
        raised_at=raised,
        due_at=raised,
    )
    NeedEvent.objects.create(
        need=need, kind=EventKind.RAISED, to_status="open", at=raised, source=EventSource.SYSTEM
    )
    needs_refold([need.pk])
    need.refresh_from_db()
    return need


@pytest.mark.django_db
def test_the_whole_road_is_kept_in_the_history(world: World) -> None:
    need = make_need(world)
    assert need.status == "open" and need.due_at == need.raised_at + timedelta(days=1)
    need = need_transition(need=need, to="assigned", actor=world.alice, assignee=world.bob)
    assert (need.assignee, need.assigned_at is not None) == (world.bob, True)
    need = need_transition(need=need, to="in_progress", actor=world.alice)
    need = need_transition(
        need=need,
        to="escalated",
        actor=world.alice,
        handling_level="department",
        department="市容/城管",
        note="需城管维修",
    )
    assert (need.handling_level, need.department, need.escalation_count) == (
        "department",
        "市容/城管",
        1,
    )
    need = need_transition(need=need, to="resolved", actor=world.admin, note="城管已修复")
    assert need.resolved_at is not None and need.resolution_note == "城管已修复"
    need = need_transition(need=need, to="closed", actor=world.alice)
    need = need_transition(need=need, to="reopened", actor=world.alice, note="又坏了")
    assert need.reopen_count == 1 and need.resolved_at is None and need.closed_at is None
    assert need.due_at > timezone.now()
    steps = list(
        need.events.order_by("at", "pk").values_list("from_status", "to_status", "actor__username")
    )
    assert steps == [
        ("", "open", None),
        ("open", "assigned", "alice"),
        ("assigned", "in_progress", "alice"),
        ("in_progress", "escalated", "alice"),
        ("escalated", "resolved", "admin"),
        ("resolved", "closed", "alice"),
        ("closed", "reopened", "alice"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "to"),
    [((), "followed_up"), ((), "reopened"), (("resolved",), "in_progress"), ((), "open")],
)
def test_transitions_outside_the_table_are_refused(world: World, path, to) -> None:
    need = make_need(world)
    for step in path:
        need = need_transition(need=need, to=step, actor=world.alice, note="ok")
    with pytest.raises(GridbookError) as raised:
        need_transition(need=need, to=to, actor=world.alice)
    assert raised.value.code == "need_transition_not_allowed"
    assert raised.value.status == 409


@pytest.mark.django_db
def test_every_status_has_its_row_in_the_table() -> None:
    assert set(lifecycle.TRANSITIONS) == set(NeedStatus.values)
    assert not lifecycle.allowed("open", "followed_up")  # only a follow-up gets there
    assert lifecycle.allowed("followed_up", "reopened")


@pytest.mark.django_db
def test_rules_for_resolving_escalating_and_assigning(world: World) -> None:
    need = make_need(world)
    for kwargs, code in [
        ({"to": "resolved"}, "need_note_required"),
        ({"to": "escalated"}, "need_level_required"),
        ({"to": "escalated", "handling_level": "department"}, "need_department_required"),
        ({"to": "assigned"}, "need_assignee_invalid"),
        ({"to": "assigned", "assignee": world.carol}, "need_assignee_invalid"),  # other grid
        ({"to": "assigned", "assignee": world.dave}, "need_assignee_invalid"),  # designer
    ]:
        with pytest.raises(GridbookError) as raised:
            need_transition(need=need, actor=world.alice, **kwargs)
        assert raised.value.code == code, kwargs
    assert Need.objects.get(pk=need.pk).status == "open"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("erin", "need_not_found", 404),  # a manager of another community
        ("dave", "need_not_found", 404),
        ("bob", "need_field_only", 403),  # collectors act through the phone forms
        ("carol", "need_field_only", 403),
    ],
)
def test_only_managers_in_scope_and_administrators_act(
    world: World, who: str, code: str, status: int
) -> None:
    need = make_need(world)
    with pytest.raises(GridbookError) as raised:
        need_transition(need=need, to="in_progress", actor=getattr(world, who))
    assert (raised.value.code, raised.value.status) == (code, status)
    assert not need.events.exclude(kind="raised").exists()


@pytest.mark.django_db
def test_a_stale_decision_is_refused(world: World) -> None:
    seen_by_alice = make_need(world)
    seen_by_admin = Need.objects.get(pk=seen_by_alice.pk)
    need_transition(need=seen_by_admin, to="resolved", actor=world.admin, note="已处理")
    with pytest.raises(GridbookError) as raised:
        need_transition(need=seen_by_alice, to="assigned", actor=world.alice, assignee=world.bob)
    assert raised.value.code == "need_changed" and raised.value.status == 409


@pytest.mark.django_db(transaction=True)
def test_two_managers_at_once_one_wins(world: World) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (DATABASE_URL=postgres://…)")
    need = make_need(world)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide(name: str, **kwargs) -> None:
        mine = Need.objects.get(pk=need.pk)  # each read the need as "open"
        barrier.wait()
        try:
            need_transition(need=mine, **kwargs)
            outcomes[name] = "ok"
        except GridbookError as error:
            outcomes[name] = error.code
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=decide,
            args=("alice",),
            kwargs={"to": "assigned", "actor": world.alice, "assignee": world.bob},
        ),
        threading.Thread(
            target=decide,
            args=("admin",),
            kwargs={"to": "resolved", "actor": world.admin, "note": "已处理"},
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["need_changed", "ok"], outcomes
    need.refresh_from_db()
    winner = next(name for name, outcome in outcomes.items() if outcome == "ok")
    assert need.status == {"alice": "assigned", "admin": "resolved"}[winner]
    assert need.events.count() == 2  # raised + the winner's
