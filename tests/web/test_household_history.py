"""A household's page: its visits, needs with their steps, survey answers, photos, and the
register changes waiting for a manager — approved or rejected by a POST to the change."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from server.records.choices import ChangeState
from tests.conftest import World
from tests.web import records_support as make

pytestmark = pytest.mark.django_db


def page(client: Client, code: str) -> str:
    response = client.get(f"/households/{code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_timeline_needs_answers_and_photos(
    world: World, signed_in: Callable[..., Client]
) -> None:
    household = world.households_a1[0]
    visit = make.visit(household, by=world.bob, diary="老人身体不错")
    door = make.photo(visit.submission)
    make.need(household, by=world.bob, description="想办老年卡")
    make.satisfaction(household, by=world.bob, scores={"attitude": 5, "overall": 4})
    text = page(signed_in(world.alice), household.code)
    assert "老人身体不错" in text and "见到居民" in text
    assert "想办老年卡" in text and "登记于" in text
    assert "社区工作人员的服务态度" in text and "总体 4/5" in text
    assert f"/photos/{door.pk}/?size=thumbnail" in text
    assert f'href="/photos/{door.pk}/?download=1"' in text


def test_the_photo_is_served_after_the_scope_check(
    world: World, signed_in: Callable[..., Client]
) -> None:
    visit = make.visit(world.households_a1[0], by=world.bob)
    door = make.photo(visit.submission)
    alice = signed_in(world.alice)
    shown = alice.get(f"/photos/{door.pk}/")
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert b"".join(shown.streaming_content)[:2] == b"\xff\xd8"
    assert "attachment" in alice.get(f"/photos/{door.pk}/?download=1")["Content-Disposition"]
    assert alice.get(f"/photos/{door.pk}/?size=thumbnail").status_code == 200
    assert signed_in(world.erin).get(f"/photos/{door.pk}/").status_code == 404
    assert signed_in(world.carol).get(f"/photos/{door.pk}/").status_code == 404
    assert signed_in(world.dave).get(f"/photos/{door.pk}/").status_code == 404
    assert signed_in(world.bob).get(f"/photos/{door.pk}/").status_code == 200


def test_a_manager_approves_a_change_and_the_register_follows(
    world: World, signed_in: Callable[..., Client]
) -> None:
    household = world.households_a1[0]
    change = make.pending_change(household, by=world.bob, payload={"members_count": 5})
    alice = signed_in(world.alice)
    assert "待审核的台账变更" in page(alice, household.code)
    response = alice.post(
        f"/households/{household.code}/changes/{change.pk}/", {"decision": "approve"}, follow=True
    )
    assert "变更已通过并写入台账" in response.content.decode()
    change.refresh_from_db()
    household.refresh_from_db()
    assert change.state == ChangeState.APPLIED and household.members_count == 5
    again = alice.post(
        f"/households/{household.code}/changes/{change.pk}/", {"decision": "reject", "note": "x"}
    )
    assert again.status_code == 302
    change.refresh_from_db()
    assert change.state == ChangeState.APPLIED, "a decided change stays decided"


def test_rejecting_needs_a_reason(world: World, signed_in: Callable[..., Client]) -> None:
    household = world.households_a1[0]
    change = make.pending_change(household, by=world.bob, payload={"members_count": 9})
    alice = signed_in(world.alice)
    address = f"/households/{household.code}/changes/{change.pk}/"
    refused = alice.post(address, {"decision": "reject"}, follow=True)
    assert "请说明驳回原因" in refused.content.decode()
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING
    alice.post(address, {"decision": "reject", "note": "人数不对，下次核实"})
    change.refresh_from_db()
    household.refresh_from_db()
    assert change.state == ChangeState.REJECTED and household.members_count == 3


def test_changes_outside_the_scope_or_role_are_refused(
    world: World, signed_in: Callable[..., Client]
) -> None:
    household = world.households_a1[0]
    change = make.pending_change(household, by=world.bob, payload={"members_count": 7})
    address = f"/households/{household.code}/changes/{change.pk}/"
    assert signed_in(world.erin).post(address, {"decision": "approve"}).status_code == 404
    assert signed_in(world.bob).post(address, {"decision": "approve"}).status_code == 403
    other = world.households_b1[0]
    wrong = f"/households/{other.code}/changes/{change.pk}/"
    assert signed_in(world.admin).post(wrong, {"decision": "approve"}).status_code == 404
    change.refresh_from_db()
    assert change.state == ChangeState.PENDING


def test_a_collector_sees_the_history_but_no_decision_buttons(
    world: World, signed_in: Callable[..., Client]
) -> None:
    household = world.households_a1[0]
    make.pending_change(household, by=world.bob, payload={"members_count": 7})
    text = page(signed_in(world.bob), household.code)
    assert "待审核的台账变更" in text
    assert 'value="approve"' not in text
    assert signed_in(world.carol).get(f"/households/{household.code}/").status_code == 404
