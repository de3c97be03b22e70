"""The record's field blocks (DOMAIN §2.6), from the shipped forms through ingest and
projection: visits by weekday and hour, hazards still open or cleared, special-population
flags given and taken, building heads, and the needs survey. Every expected number is
worked out here from what the phones sent, not read back from the server."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

import pytest

from server.accounts.selectors import scope_for
from server.grids.choices import Source
from server.grids.services import household_set_flags
from server.records.grid_record import area_record
from server.records.models import RegisterChange
from server.records.record_period import custom_range, today
from server.records.register import register_change_approve
from tests.conftest import World
from tests.records.conftest import Phone, visit

pytestmark = pytest.mark.django_db

NOVEMBER = custom_range(date(2026, 11, 1), max(today(), date(2026, 11, 30)))

SENT = [  # CY1, Shanghai times; hazards only on visits where someone was met
    {"household": "XF-1-101", "start": "2026-11-02T09:05:00+08:00", "hazards": "gas wiring"},
    {"household": "XF-1-201", "start": "2026-11-04T19:30:00+08:00", "hazards": "gas"},
    {"household": "XF-1-101", "start": "2026-11-05T19:10:00+08:00", "hazards": "wiring"},
    {"household": "XF-1-201", "start": "2026-11-07T10:00:00+08:00", "result": "nobody_home"},
    {"household": "XF-1-102", "start": "2026-11-08T15:45:00+08:00"},
]


def send_visits(bob: Phone) -> None:
    for sent in SENT:
        start = sent["start"]
        bob.send(
            "hh_visit",
            visit(
                household=sent["household"],
                result=sent.get("result", "met"),
                start=start,
                end=start.replace(":00+08:00", ":09+08:00"),
                hazards=sent.get("hazards", "none"),
                flags="retiree" if sent["household"] == "XF-1-101" else "",
            ),
        )


def record(world: World, area: Any, period=NOVEMBER, user: str = "alice") -> dict[str, Any]:
    reader = getattr(world, user)
    return area_record(scope=scope_for(reader), area=area, period=period).as_json()


def test_visits_by_weekday_and_hour(bob: Phone, world: World) -> None:
    send_visits(bob)
    starts = [datetime.fromisoformat(sent["start"]) for sent in SENT]
    hours = Counter(start.hour for start in starts)
    weekdays = Counter(start.isoweekday() for start in starts)
    for area in (world.grid_a1, world.community_a):
        visits = record(world, area)["visits"]
        assert visits["by_hour"] == [hours.get(hour, 0) for hour in range(24)]
        assert visits["by_weekday"] == [weekdays.get(day, 0) for day in range(1, 8)]
    # Asked for the community, the histogram is the community's, not each grid's.
    community = record(world, world.community_a)
    assert all(child["visits"]["by_hour"] is None for child in community["children"])
    # A collector of another grid sees none of them.
    assert record(world, world.community_b, user="erin")["visits"]["by_hour"] is None


def test_hazards_still_open_or_cleared(bob: Phone, world: World) -> None:
    send_visits(bob)
    # Over November: 101 named gas and wiring, then wiring alone (gas cleared); 201 named
    # gas and the next visit found nobody home, which clears nothing.
    visits = record(world, world.grid_a1)["visits"]
    assert visits["hazards"] == {"gas": 2, "wiring": 2}  # visits naming each
    assert visits["hazards_open"] == {"gas": 1, "wiring": 1}  # households
    assert visits["hazards_cleared"] == {"gas": 1}
    # Read at the end of November 4: 101's latest visit still named gas.
    early = record(world, world.grid_a1, custom_range(date(2026, 11, 1), date(2026, 11, 4)))
    assert early["visits"]["hazards_open"] == {"gas": 2, "wiring": 1}
    assert early["visits"]["hazards_cleared"] == {}
    assert record(world, world.community_a)["visits"]["hazards_open"] == {"gas": 1, "wiring": 1}


def test_hazard_cases_do_not_depend_on_the_order_phones_sync(bob: Phone, world: World) -> None:
    """A phone that syncs a week late: the cases are refolded from the visits' own times."""
    SENT.reverse()
    try:
        send_visits(bob)
    finally:
        SENT.reverse()
    visits = record(world, world.grid_a1)["visits"]
    assert visits["hazards_open"] == {"gas": 1, "wiring": 1}
    assert visits["hazards_cleared"] == {"gas": 1}


def test_special_population_flags_given_and_taken(bob: Phone, world: World) -> None:
    before = {
        household.code: set(household.flags.values_list("flag", flat=True))
        for household in world.households_a1
    }
    send_visits(bob)
    # Flag changes from the field wait for a manager (the default); approve them all.
    for change in RegisterChange.objects.filter(kind="flags", state="pending"):
        register_change_approve(change=change, by=world.alice)
    # A manager takes 102's disability flag away by hand (source "manual" did not assert
    # it, so nothing changes), then the source that did assert it does.
    household_set_flags(household=world.households_a1[1], flags=[], source=Source.MANUAL)
    after = {
        household.code: set(household.flags.values_list("flag", flat=True))
        for household in world.households_a1
    }
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    for code in before:
        added.update(after[code] - before[code])
        removed.update(before[code] - after[code])
    # The world was built this period too: its households' first flags count as given.
    initial = Counter(flag for flags in before.values() for flag in flags)
    register = record(world, world.grid_a1)["register"]
    assert register["special_populations_added"] == dict(initial + added)
    assert register["special_populations_removed"] == dict(removed)
    assert removed  # the approved field changes did take flags away
    assert register["special_populations"] == dict(
        Counter(flag for flags in after.values() for flag in flags)
    )
    # None of it in the other community.
    other = record(world, world.community_b, user="erin")["register"]
    assert "dibao" not in other["special_populations_removed"]


def test_building_heads(world: World) -> None:
    world.building_a1.head_name = "赵楼长"
    world.building_a1.save()
    assert record(world, world.grid_a1)["building_heads"] == 1
    assert record(world, world.grid_a2)["building_heads"] == 0
    assert record(world, world.district, user="admin")["building_heads"] == 1


SURVEYS = [
    {"household": "XF-1-101", "consent": "yes", "top": ("eldercare", "health", "culture"),
     "pay": "low_cost", "volunteer": "yes"},
    {"household": "_anon", "consent": "yes", "top": ("health", "eldercare", ""),
     "pay": "free_only", "volunteer": "already"},
    {"household": "XF-1-201", "consent": "yes", "top": ("health", "none", ""),
     "pay": "low_cost", "volunteer": "no"},
    {"household": "XF-1-102", "consent": "no"},
]  # fmt: skip


def survey(sent: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "start": "2026-11-10T15:00:00.000+08:00",
        "end": "2026-11-10T15:20:00.000+08:00",
        "grp_id": {"grid": "CY1", "household": sent["household"], "survey_mode": "door"},
        "consent": sent["consent"],
    }
    if sent["consent"] == "yes":
        top1, top2, top3 = sent["top"]
        values["grp_svc"] = {"svc_want": " ".join(t for t in sent["top"] if t and t != "none")
                             or "none", "top1": top1, "top2": top2, "top3": top3}  # fmt: skip
        values["grp_pref"] = {"pay_willing": sent["pay"]}
        values["grp_part"] = {"volunteer": sent["volunteer"]}
        values["grp_open"] = {"top_problem": "", "suggestion": ""}
    return values


def test_needs_survey_results(bob: Phone, world: World) -> None:
    for sent in SURVEYS:
        bob.send("needs_survey", survey(sent))
    answered = [sent for sent in SURVEYS if sent["consent"] == "yes"]
    points: Counter[str] = Counter()
    for sent in answered:
        for weight, service in zip((3, 2, 1), sent["top"], strict=True):
            if service and service != "none":
                points[service] += weight
    block = record(world, world.community_a)["needs_survey"]
    assert (block["responses"], block["declined"]) == (len(answered), 1)
    assert block["top_services"] == [
        {"service": service, "points": n}
        for service, n in sorted(points.items(), key=lambda item: (-item[1], item[0]))
    ]
    assert block["top_services"][0] == {"service": "health", "points": 3 + 3 + 2}
    assert block["pay_willing"] == dict(Counter(sent["pay"] for sent in answered))
    assert block["volunteer"] == dict(Counter(sent["volunteer"] for sent in answered))
    assert block["volunteer_pool"] == sum(
        sent["volunteer"] in ("yes", "already") for sent in answered
    )
    assert record(world, world.community_b, user="erin")["needs_survey"]["responses"] == 0
