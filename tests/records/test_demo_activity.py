"""The demo activity goes through the real ingest service and projection, and runs once."""

from __future__ import annotations

from datetime import date

import pytest

from server.records.demo import demo_activity
from server.records.models import NeedEvent, Visit
from server.submissions.models import Submission
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_demo_activity_is_real_submissions_and_runs_once(world: World, shipped_forms) -> None:
    report = demo_activity(today=date(2026, 11, 23), visit_share=1.0)
    assert not report.skipped and report.submissions == Submission.objects.count() > 0
    visits = Visit.objects.select_related("submission", "worker")
    assert visits.count() == Submission.objects.filter(form__form_id="hh_visit").count()
    # Each visit was received the day its form was filled, by its grid's collector.
    for visit in visits:
        assert (
            visit.submission.received_at.date() == visit.visited_at.date()
            or (visit.submission.received_at - visit.visited_at).total_seconds() < 3600
        )
    assert {v.worker.username for v in visits if v.grid == world.grid_a1} <= {"bob"}
    decisions = NeedEvent.objects.filter(source="web")
    assert decisions.count() == report.transitions > 0
    # Each grid's needs are decided by a manager of that grid (alice: 长源, erin: 滨河).
    for event in decisions.select_related("actor", "need__grid"):
        assert event.actor.username == (
            "alice" if event.need.grid.code.startswith("CY") else "erin"
        )
    assert all(event.actor.role == "manager" for event in decisions.select_related("actor"))
    again = demo_activity(today=date(2026, 11, 30))
    assert again.skipped and Submission.objects.count() == report.submissions
