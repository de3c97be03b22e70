"""The record pages cost the same number of queries with little or much history (no N+1):
the dashboard, a grid's record with its gallery and map, a household's history, the board."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import World
from tests.web import records_support as make

pytestmark = pytest.mark.django_db


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def history(world: World, rounds: int) -> None:
    """``rounds`` visits (each with a photo), needs and survey answers per household of CY1."""
    for household in world.households_a1:
        for number in range(rounds):
            visit = make.visit(household, by=world.bob, diary=f"第{number}次")
            make.photo(visit.submission)
            make.need(household, by=world.bob, category="housing" if number % 2 else "health")
            make.satisfaction(household, by=world.bob, scores={"attitude": 4, "overall": 5})
        make.pending_change(household, by=world.bob, payload={"members_count": rounds})


PAGES = [
    "/dashboard/",
    "/dashboard/CY/?sort=-coverage",
    "/areas/CY1/",
    "/records/CY1/",
    "/records/CY/?period=2026",
    "/households/XF-1-101/",
    "/needs/",
    "/needs/?overdue=on&category=housing",
]


@pytest.mark.parametrize("path", PAGES)
def test_queries_do_not_grow_with_history(
    world: World, signed_in: Callable[..., Client], path: str
) -> None:
    client = signed_in(world.alice)
    client.get("/")
    history(world, 1)
    few = queries(client, path)
    history(world, 6)
    assert queries(client, path) == few


def test_household_page_with_history_stays_under_a_fixed_budget(
    world: World, signed_in: Callable[..., Client]
) -> None:
    client = signed_in(world.alice)
    client.get("/")
    history(world, 3)
    # session, user, scope, household, flags; visits, photos (+ scope), needs, their events,
    # answers, their scores, follow-ups, pending changes; the breadcrumb
    assert queries(client, "/households/XF-1-101/") <= 16  # + the audit event (1)
