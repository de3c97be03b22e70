"""seed_demo builds the demo street and its users, idempotently."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count

from server.accounts.models import User
from server.accounts.selectors import scope_for
from server.grids.choices import AreaLevel
from server.grids.models import Area, Household, HouseholdFlag

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_the_demo_street_is_realistic() -> None:
    seed("--password", "demo-pass-1")
    assert Area.objects.filter(level=AreaLevel.STREET).count() == 1
    assert Area.objects.filter(level=AreaLevel.COMMUNITY).count() >= 2
    grids = Area.objects.filter(level=AreaLevel.GRID)
    assert grids.count() >= 6
    per_grid = grids.annotate(n=Count("buildings__households")).values_list("n", flat=True)
    assert min(per_grid) >= 150
    total = Household.objects.count()
    shares = {
        row["flag"]: row["n"] / total
        for row in HouseholdFlag.objects.values("flag").annotate(n=Count("id"))
    }
    assert 0.02 <= shares["dibao"] <= 0.06  # 困难户 ≈5% in seed [000/篇1]
    assert 0.15 <= shares["retiree"] <= 0.35
    assert Household.objects.filter(residence_type="renter").count() / total > 0.05
    assert all(
        "单元" in label for label in Household.objects.values_list("address_label", flat=True)[:50]
    )


def test_demo_users_have_their_roles_and_scopes() -> None:
    seed("--password", "demo-pass-1")
    roles = dict(User.objects.values_list("username", "role"))
    assert roles == {
        "admin": "admin",
        "alice": "manager",
        "dave": "designer",
        "bob": "collector",
        "carol": "collector",
    }
    bob, carol = User.objects.get(username="bob"), User.objects.get(username="carol")
    bob_grids = set(scope_for(bob).grids().values_list("code", flat=True))
    carol_grids = set(scope_for(carol).grids().values_list("code", flat=True))
    assert len(bob_grids) == len(carol_grids) == 1 and bob_grids != carol_grids
    alice = User.objects.get(username="alice")
    assert scope_for(alice).households().count() == Household.objects.count()
    assert authenticate(username="bob", password="demo-pass-1") == bob


def test_random_passwords_are_printed_once_and_seeding_again_changes_nothing() -> None:
    first = seed()
    printed = {
        line.split()[0]: line.split()[-1] for line in first.splitlines() if line.startswith("  ")
    }
    assert authenticate(username="alice", password=printed["alice"]) is not None
    households = Household.objects.count()
    second = seed()
    assert Household.objects.count() == households
    assert printed["alice"] not in second
    assert authenticate(username="alice", password=printed["alice"]) is not None


def test_if_empty_leaves_an_existing_register_alone(world) -> None:
    households = Household.objects.count()
    seed("--if-empty")
    assert not Area.objects.filter(code="JY-TY").exists()
    assert Household.objects.count() == households
