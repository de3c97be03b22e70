"""The shipped forms end to end: submissions in through the real ingest and projection,
the per-grid record out, every number recomputed here from what the phone sent."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, datetime

import pytest

from server.accounts.selectors import scope_for
from server.records.grid_record import area_record
from server.records.models import Need
from server.records.needs import need_transition
from server.records.projection import DIMENSION_GROUPS
from server.records.record_period import custom_range, today
from tests.conftest import World
from tests.records.conftest import Phone, satisfaction, visit

pytestmark = pytest.mark.django_db

SENT = [
    {"household": "XF-1-101", "start": "2026-11-02T09:00:00+08:00", "end": "2026-11-02T09:10:00+08:00",
     "needs": [{"category": "housing", "urgency": "soon", "handling": "community"}],
     "services": "policy"},
    {"household": "XF-1-102", "result": "nobody_home",
     "start": "2026-11-03T10:00:00+08:00", "end": "2026-11-03T10:02:00+08:00"},
    {"household": "XF-1-201", "start": "2026-11-04T15:00:00+08:00", "end": "2026-11-04T15:20:00+08:00",
     "needs": [{"category": "assistance", "handling": "on_spot", "spot_result": "已解释"},
               {"category": "housing", "urgency": "urgent", "handling": "community"}],
     "services": "policy health_check", "hazards": "gas"},
    {"household": "XF-1-101", "visit_type": "followup", "services": "condolence",
     "start": "2026-11-06T16:00:00+08:00", "end": "2026-11-06T16:05:00+08:00"},
]  # fmt: skip
RATINGS = [
    ("other_worker", {"attitude": "5", "efficiency": "3", "property": "na"}),
    ("street_or_third_party", {"attitude": "4", "overall": "5"}),
    ("own_worker", {"attitude": "2"}),
]


def minutes(sent: dict) -> int:
    start, end = (datetime.fromisoformat(sent[key]) for key in ("start", "end"))
    return int((end - start).total_seconds() // 60)


def test_shipped_forms_in_the_record_out(bob: Phone, world: World) -> None:
    for sent in SENT:
        bob.send("hh_visit", visit(**sent))
    for role, scores in RATINGS:
        bob.send("satisfaction", satisfaction(role=role, scores=scores))
    first = Need.objects.get(category="housing", position=1, household__code="XF-1-101")
    first = need_transition(need=first, to="resolved", actor=world.alice, note="已修好")
    bob.send(
        "satisfaction",
        satisfaction(
            mode="phone_followup",
            followup={"followup_need": first.key, "need_resolved": "resolved",
                      "need_timely": "timely", "followup_sat": "basically"},
        ),
    )  # fmt: skip

    # The visits are dated November 2026; the manager's resolution is dated now.
    period = custom_range(date(2026, 11, 1), max(today(), date(2026, 11, 30)))
    record = area_record(scope=scope_for(world.alice), area=world.grid_a1, period=period).as_json()

    visits = record["visits"]
    met = [s for s in SENT if s.get("result", "met") == "met"]
    assert visits["total"] == len(SENT)
    assert visits["by_result"] == dict(Counter(s.get("result", "met") for s in SENT))
    assert visits["by_type"] == dict(Counter(s.get("visit_type", "routine") for s in SENT))
    households = {s["household"] for s in SENT}
    assert visits["households_visited"] == len(households)
    assert visits["coverage"] == round(100 * len(households) / 3, 1)  # CY1 holds 3 households
    assert visits["median_minutes"] == statistics.median(minutes(s) for s in SENT)
    services = Counter(v for s in met for v in s["services"].split())
    assert visits["services"] == dict(services)
    assert visits["hazards"] == {"gas": 1}

    needs = record["needs"]
    raised = [n for s in SENT for n in s.get("needs", [])]
    assert needs["raised"] == len(raised)
    assert needs["by_category"] == dict(Counter(n["category"] for n in raised))
    on_spot = sum(n["handling"] == "on_spot" for n in raised)
    assert (needs["resolved"], needs["resolved_on_spot"]) == (on_spot + 1, on_spot)
    assert sum(needs["by_status_at_end"].values()) == len(raised)
    assert needs["by_status_at_end"]["open"] == len(raised) - on_spot - 1

    followup = record["followup"]
    assert followup["results"] == {"basically": 1}
    assert (followup["followed_up"], followup["rate"]) == (1, round(100 / (on_spot + 1), 1))
    assert (followup["satisfaction_rate"], followup["strict_rate"]) == (100.0, 0.0)

    satisfaction_block = record["satisfaction"]
    rated = [scores for role, scores in RATINGS if role != "own_worker"]
    assert satisfaction_block["responses"] == len(rated)
    assert satisfaction_block["own_worker_responses"] == 1
    for dimension in DIMENSION_GROUPS:
        answers = [int(s.get(dimension, "4")) for s in rated if s.get(dimension, "4") != "na"]
        summary = satisfaction_block["dimensions"][dimension]
        assert summary["n"] == len(answers), dimension
        assert summary["mean"] == round(statistics.mean(answers), 2), dimension
        assert summary["small_n"] is True
    assert satisfaction_block["own_worker_dimensions"]["attitude"]["mean"] == 2

    erin = area_record(scope=scope_for(world.erin), area=world.community_b, period=period).as_json()
    assert erin["visits"]["total"] == 0 and erin["needs"]["raised"] == 0
