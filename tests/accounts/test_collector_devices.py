"""Each collector's phones, with when each last fetched forms and sent a submission, recorded
with at most one write per device per minute (per kind of activity) on the hot path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.accounts.collector_devices import (
    Activity,
    collector_device_seen,
    collector_devices,
    forget_recent_writes,
)
from server.accounts.models import CollectorDevice
from tests.conftest import World

PHONE = "collect:Xk3pQ9wLm2Rt7vB1"
AGENT = "org.odk.collect.android/v2026.3.3 Dalvik/2.1.0"


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    forget_recent_writes()
    yield
    forget_recent_writes()


def seen(world: World, activity: Activity = Activity.SUBMISSION, device: str = PHONE) -> int:
    with CaptureQueriesContext(connection) as queries:
        collector_device_seen(user=world.bob, device_id=device, user_agent=AGENT, activity=activity)
    return len(queries)


def test_a_new_phone_is_recorded_with_its_first_activity(world: World) -> None:
    seen(world, Activity.FORM_LIST)
    device = CollectorDevice.objects.get()
    assert (device.user, device.device_id, device.user_agent) == (world.bob, PHONE, AGENT)
    assert device.first_seen_at == device.last_seen_at == device.last_form_list_at
    assert device.last_submission_at is None


def test_within_a_minute_the_same_process_does_not_touch_the_database(world: World) -> None:
    seen(world)
    assert seen(world) == 0


def test_another_process_within_the_minute_writes_nothing(world: World) -> None:
    seen(world)
    before = CollectorDevice.objects.get().last_submission_at
    forget_recent_writes()  # as if another gunicorn process
    seen(world)
    assert CollectorDevice.objects.get().last_submission_at == before


def test_after_a_minute_the_time_moves_on(world: World) -> None:
    seen(world)
    an_hour_ago = CollectorDevice.objects.get().last_submission_at - timedelta(hours=1)
    CollectorDevice.objects.update(last_submission_at=an_hour_ago, last_seen_at=an_hour_ago)
    forget_recent_writes()
    seen(world)
    assert CollectorDevice.objects.get().last_submission_at > an_hour_ago


def test_fetching_forms_and_sending_are_recorded_apart(world: World) -> None:
    seen(world, Activity.SUBMISSION)
    seen(world, Activity.FORM_LIST)
    device = CollectorDevice.objects.get()
    assert device.last_submission_at is not None and device.last_form_list_at is not None


def test_each_phone_of_a_collector_is_listed(world: World) -> None:
    seen(world, device=PHONE)
    seen(world, device="collect:second0000000001")
    assert [device.device_id for device in collector_devices(world.bob)] != []
    assert {device.device_id for device in collector_devices(world.bob)} == {
        PHONE,
        "collect:second0000000001",
    }
    assert list(collector_devices(world.carol)) == []
