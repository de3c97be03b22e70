"""The needs board: filters, the steps through ``need_transition`` (with and without htmx),
conflicts shown on the row, and scope (a need outside it answers 404)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from server.records.choices import EventKind, NeedStatus
from server.records.models import Need
from tests.conftest import World
from tests.web import records_support as make

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(world: World) -> dict[str, Need]:
    first, second, _third = world.households_a1
    return {
        "lamp": make.need(first, by=world.bob, category="infrastructure", description="楼道灯坏了"),
        "roof": make.need(
            second,
            by=world.bob,
            category="housing",
            description="屋顶漏水",
            raised=timezone.now() - timedelta(days=20),
        ),
        "binhe": make.need(world.households_b1[0], by=world.carol, description="滨河的诉求"),
    }


def board(client: Client, query: str = "") -> str:
    response = client.get(f"/needs/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_board_filters_by_category_overdue_area_and_text(
    world: World, needs: dict[str, Need], signed_in: Callable[..., Client]
) -> None:
    alice = signed_in(world.alice)
    assert "楼道灯坏了" in board(alice) and "屋顶漏水" in board(alice)
    assert "滨河的诉求" not in board(alice)
    housing = board(alice, "?category=housing")
    assert "屋顶漏水" in housing and "楼道灯坏了" not in housing
    overdue = board(alice, "?overdue=on")
    assert "屋顶漏水" in overdue and "楼道灯坏了" not in overdue
    assert "楼道灯坏了" in board(alice, "?q=楼道")
    assert "楼道灯坏了" not in board(alice, "?area=CY2")
    assert "滨河的诉求" not in board(alice, "?area=BH"), "an area outside the scope filters nothing"


def test_the_board_answers_htmx_with_the_list_only(
    world: World, needs: dict[str, Need], signed_in: Callable[..., Client]
) -> None:
    response = signed_in(world.alice).get(
        "/needs/?category=housing", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="needs"
    )
    text = response.content.decode()
    assert "屋顶漏水" in text and "<html" not in text


def test_assign_then_resolve_without_javascript(
    world: World, needs: dict[str, Need], signed_in: Callable[..., Client]
) -> None:
    alice = signed_in(world.alice)
    lamp = needs["lamp"]
    response = alice.post(
        f"/needs/{lamp.pk}/",
        {"to": "assigned", "seen": "open", "assignee": world.bob.pk, "note": "请王师傅看看"},
    )
    assert response.status_code == 302
    lamp.refresh_from_db()
    assert lamp.status == NeedStatus.ASSIGNED and lamp.assignee == world.bob
    response = alice.post(
        f"/needs/{lamp.pk}/",
        {"to": "resolved", "seen": "assigned", "note": "已换灯泡", "next": "/needs/?status="},
        follow=True,
    )
    lamp.refresh_from_db()
    assert lamp.status == NeedStatus.RESOLVED and lamp.resolution_note == "已换灯泡"
    assert "办结：已完成。" in response.content.decode()
    assert list(lamp.events.values_list("kind", flat=True)) == [
        EventKind.RAISED,
        EventKind.ASSIGN,
        EventKind.RESOLVE,
    ]


def test_htmx_replaces_the_row_and_a_stale_page_shows_the_conflict(
    world: World, needs: dict[str, Need], signed_in: Callable[..., Client]
) -> None:
    alice = signed_in(world.alice)
    roof = needs["roof"]
    hx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": f"need-{roof.pk}"}
    done = alice.post(
        f"/needs/{roof.pk}/", {"to": "resolved", "seen": "open", "note": "修好了"}, **hx
    )
    text = done.content.decode()
    assert text.lstrip().startswith(f'<tr id="need-{roof.pk}"') and "已完成" in text
    # erin's page still shows "open": her step is refused, not applied on top
    stale = alice.post(
        f"/needs/{roof.pk}/",
        {"to": "escalated", "seen": "open", "handling_level": "street"},
        **hx,
    )
    assert 'role="alert"' in stale.content.decode()
    assert "已办结" in stale.content.decode() or "Resolved" in stale.content.decode()
    roof.refresh_from_db()
    assert roof.status == NeedStatus.RESOLVED


def test_a_step_the_service_refuses_is_explained(
    world: World, needs: dict[str, Need], signed_in: Callable[..., Client]
) -> None:
    lamp = needs["lamp"]
    response = signed_in(world.alice).post(
        f"/needs/{lamp.pk}/", {"to": "resolved", "seen": "open", "note": ""}, follow=True
    )
    lamp.refresh_from_db()
    assert lamp.status == NeedStatus.OPEN
    assert "未完成" in response.content.decode()


def test_needs_outside_the_scope_are_404_and_other_roles_403(
    world: World, needs: dict[str, Need], signed_in: Callable[..., Client]
) -> None:
    binhe = needs["binhe"]
    step = {"to": "resolved", "seen": "open", "note": "x"}
    assert signed_in(world.alice).post(f"/needs/{binhe.pk}/", step).status_code == 404
    assert signed_in(world.bob).post(f"/needs/{needs['lamp'].pk}/", step).status_code == 403
    assert signed_in(world.bob).get("/needs/").status_code == 403
    assert signed_in(world.dave).get("/needs/").status_code == 403
    binhe.refresh_from_db()
    assert binhe.status == NeedStatus.OPEN
    assert "滨河的诉求" in board(signed_in(world.erin))
    assert "滨河的诉求" in board(signed_in(world.admin))


def test_the_board_is_english_too(
    world: World, needs: dict[str, Need], signed_in: Callable[..., Client]
) -> None:
    text = board(signed_in(world.alice, "en"))
    assert "Needs board" in text and "Infrastructure (roads, lights, old estates)" in text
