"""Register lists are remembered until a row they show changes: a warm sync costs two
queries, and every way the register changes moves the list's md5 at once (through the
services that change it, as in production), for the right collector only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from server.grids.importing import parse_register_file
from server.grids.models import Household
from server.grids.register_import import register_import
from server.grids.services import building_create, household_create, household_set_flags
from server.records.models import Need
from server.records.needs import need_transition
from server.records.rebuild import households_recompute_last_visit
from server.records.register import household_touch_last_visit
from server.xforms import register_cache
from server.xforms.register_lists import register_lists, register_lists_with_md5
from server.xforms.register_names import REGISTER_LIST_NAMES
from tests.conftest import World
from tests.records import activity

pytestmark = pytest.mark.django_db

LISTS = ["buildings.csv", "households.csv", "needs_followup.csv"]


def md5s(world: World, user_name: str = "bob") -> dict[str, str]:
    user = getattr(world, user_name)
    return {
        name: md5
        for name, (_data, md5) in register_lists_with_md5(user=user, filenames=LISTS).items()
    }


def test_a_warm_sync_reads_the_grids_and_one_fingerprint(
    world: World, django_assert_num_queries
) -> None:
    first = register_lists(user=world.bob, filenames=REGISTER_LIST_NAMES)
    with django_assert_num_queries(2):  # the collector's grids, the fingerprint
        again = register_lists(user=world.bob, filenames=REGISTER_LIST_NAMES)
    assert again == first


def test_the_cache_never_changes_what_is_served(world: World) -> None:
    warm = register_lists(user=world.bob, filenames=REGISTER_LIST_NAMES)
    register_cache.clear()
    assert register_lists(user=world.bob, filenames=REGISTER_LIST_NAMES) == warm


def _import(name: str, text: str) -> None:
    report = register_import(parsed=parse_register_file(name, text.encode()))
    assert report.rows_skipped == 0, report


def _move_out(world: World) -> None:
    household = Household.objects.get(pk=world.households_a1[0].pk)
    household.status = "moved_out"
    household.save()


def _need(world: World) -> Need:
    code = world.households_a1[0].code
    now = timezone.now()
    return activity.need(code, "repair", now - timedelta(days=2), now + timedelta(days=5), [])


CHANGES: dict[str, tuple[list[str], Callable[[World], None]]] = {
    "a household is added": (
        ["households.csv"],
        lambda w: household_create(
            code="XF-1-909", building=w.building_a1, unit="9", room="909", head_name="钱进"
        ),
    ),
    "a head's name changes by import": (
        ["households.csv"],
        lambda w: _import(
            "households.csv",
            f"household_code,building_code,head_name\n{w.households_a1[0].code},XF-1,欧阳修\n",
        ),
    ),
    "a building is renamed by import": (
        ["buildings.csv"],
        lambda w: _import(
            "buildings.csv", "building_code,building_label,grid_code\nXF-1,幸福小区一号楼,CY1\n"
        ),
    ),
    "a flag is set": (
        ["households.csv"],
        lambda w: household_set_flags(
            household=w.households_a1[0], flags=["veteran"], source="import"
        ),
    ),
    "a building is added": (
        ["buildings.csv"],
        lambda w: building_create(code="XF-9", label="幸福小区9栋", grid=w.grid_a1),
    ),
    "a visit sets the last visit": (
        ["households.csv"],
        lambda w: (
            activity.visit(w.households_a1[0].code, timezone.now()),
            household_touch_last_visit(household=w.households_a1[0]),
        ),
    ),
    "a rebuild recomputes last visits": (
        ["households.csv"],
        lambda w: (
            activity.visit(w.households_a1[1].code, timezone.now()),
            households_recompute_last_visit(),
        ),
    ),
    "a household moves out": (["households.csv"], _move_out),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_register_change_moves_the_md5_of_the_lists_it_shows_in(
    world: World, change: str
) -> None:
    before = md5s(world)
    carol_before = md5s(world, "carol")
    changed_lists, apply = CHANGES[change]
    apply(world)
    after = md5s(world)
    for name in LISTS:
        assert (after[name] != before[name]) is (name in changed_lists), name
    assert md5s(world, "carol") == carol_before  # another grid's lists do not move


def test_a_resolved_need_enters_and_a_followed_up_one_leaves_needs_followup(world: World) -> None:
    need = _need(world)
    before = md5s(world)["needs_followup.csv"]
    need = need_transition(need=need, to="resolved", actor=world.alice, note="修好了")
    resolved = md5s(world)["needs_followup.csv"]
    assert resolved != before
    assert (
        need.key.encode() in register_lists(user=world.bob, filenames=LISTS)["needs_followup.csv"]
    )
    need_transition(need=need, to="closed", actor=world.alice, note="关闭")
    assert md5s(world)["needs_followup.csv"] not in (resolved,)
