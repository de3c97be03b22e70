"""The test world and the real parts tests run on.

The database is whatever ``DATABASE_URL`` names (SQLite by default, PostgreSQL in CI). Media
and exports go to the storages from settings: local folders (moved to a fresh temporary
directory for each test session) or, when ``S3_MEDIA_BUCKET`` is set, the real S3 server CI
starts. The world is built by the same services the product uses.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from server.accounts.models import User
from server.accounts.services import user_create
from server.grids.choices import AreaLevel, Source
from server.grids.models import Area, Building, Compound, Household
from server.grids.services import area_create, building_create, compound_create, household_create

PASSWORD = "Correct-Horse-7"


def pytest_configure(config: pytest.Config) -> None:
    """Keep test files out of the repository's media/ and exports/, and hash passwords
    quickly (the production hasher's cost would dominate the suite's run time)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    root = Path(tempfile.mkdtemp(prefix="gridbook-test-"))
    config._gridbook_tmp = root  # type: ignore[attr-defined]
    # Tests serve static files from the app folders, not from a collectstatic manifest.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    settings.STATIC_ROOT = root / "static"
    settings.STATIC_ROOT.mkdir()
    if settings.STORAGE_IS_S3:
        return
    for alias, folder in (("default", "media"), ("exports", "exports")):
        settings.STORAGES[alias]["OPTIONS"]["location"] = str(root / folder)
    settings.MEDIA_ROOT = root / "media"
    settings.EXPORTS_ROOT = root / "exports"


def pytest_unconfigure(config: pytest.Config) -> None:
    root = getattr(config, "_gridbook_tmp", None)
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class World:
    """江阳区 > 桃源街道 > 长源社区 (grids CY1, CY2) and 滨河社区 (grid BH1).

    alice manages 长源社区; erin manages 滨河社区; bob collects in CY1; carol collects in BH1
    and must see nothing of bob's; dave designs forms; admin administers everything.
    """

    district: Area
    street: Area
    community_a: Area
    community_b: Area
    grid_a1: Area
    grid_a2: Area
    grid_b1: Area
    compound_a: Compound
    building_a1: Building
    building_a2: Building
    building_b1: Building
    households_a1: list[Household]
    household_a2: Household
    households_b1: list[Household]
    admin: User
    alice: User
    erin: User
    dave: User
    bob: User
    carol: User


def build_world() -> World:
    district = area_create(code="JY", name="江阳区", level=AreaLevel.DISTRICT)
    street = area_create(code="TY", name="桃源街道", level=AreaLevel.STREET, parent=district)
    community_a = area_create(code="CY", name="长源社区", level=AreaLevel.COMMUNITY, parent=street)
    community_b = area_create(code="BH", name="滨河社区", level=AreaLevel.COMMUNITY, parent=street)
    grid_a1 = area_create(code="CY1", name="长源第一网格", level=AreaLevel.GRID, parent=community_a)
    grid_a2 = area_create(code="CY2", name="长源第二网格", level=AreaLevel.GRID, parent=community_a)
    grid_b1 = area_create(code="BH1", name="滨河第一网格", level=AreaLevel.GRID, parent=community_b)
    compound_a = compound_create(code="XF", name="幸福小区", community=community_a)
    building_a1 = building_create(
        code="XF-1", label="幸福小区1栋", grid=grid_a1, compound=compound_a
    )
    building_a2 = building_create(
        code="XF-2", label="幸福小区2栋", grid=grid_a2, compound=compound_a
    )
    building_b1 = building_create(code="BH-1", label="滨河花园1栋", grid=grid_b1)
    households_a1 = [
        household_create(
            code="XF-1-101",
            building=building_a1,
            unit="1",
            room="101",
            head_name="王建国",
            phone="13800000001",
            members_count=3,
            elderly_60_count=1,
            flags=["retiree"],
            source=Source.IMPORT_POLICE,
        ),
        household_create(
            code="XF-1-102",
            building=building_a1,
            unit="1",
            room="102",
            head_name="李秀英",
            members_count=1,
            elderly_60_count=1,
            elderly_living="alone",
            priority=True,
            flags=["dibao", "disabled"],
        ),
        household_create(
            code="XF-1-201",
            building=building_a1,
            unit="1",
            room="201",
            head_name="张伟",
            residence_type="renter",
            flags=["migrant"],
        ),
    ]
    household_a2 = household_create(
        code="XF-2-101", building=building_a2, unit="1", room="101", head_name="刘芳"
    )
    households_b1 = [
        household_create(
            code="BH-1-101",
            building=building_b1,
            unit="1",
            room="101",
            head_name="陈明",
            members_count=2,
        ),
        household_create(
            code="BH-1-102",
            building=building_b1,
            unit="1",
            room="102",
            head_name="杨静",
            flags=["elderly_80"],
        ),
    ]
    return World(
        district=district,
        street=street,
        community_a=community_a,
        community_b=community_b,
        grid_a1=grid_a1,
        grid_a2=grid_a2,
        grid_b1=grid_b1,
        compound_a=compound_a,
        building_a1=building_a1,
        building_a2=building_a2,
        building_b1=building_b1,
        households_a1=households_a1,
        household_a2=household_a2,
        households_b1=households_b1,
        admin=user_create(username="admin", role="admin", password=PASSWORD, full_name="管理员"),
        alice=user_create(
            username="alice",
            role="manager",
            password=PASSWORD,
            full_name="李爱丽",
            areas=[community_a],
        ),
        erin=user_create(
            username="erin",
            role="manager",
            password=PASSWORD,
            full_name="易琳",
            areas=[community_b],
        ),
        dave=user_create(username="dave", role="designer", password=PASSWORD, full_name="戴维"),
        bob=user_create(
            username="bob", role="collector", password=PASSWORD, full_name="鲍明", areas=[grid_a1]
        ),
        carol=user_create(
            username="carol", role="collector", password=PASSWORD, full_name="蔡琳", areas=[grid_b1]
        ),
    )


@pytest.fixture(autouse=True)
def _no_remembered_grids() -> Iterator[None]:
    """Grids found by code and generated register lists are remembered per process
    (submissions.selectors, xforms.register_cache); every test builds its own areas, so none
    may see another test's."""
    from server.submissions.selectors import forget_grids
    from server.xforms.register_cache import clear as forget_register_lists

    forget_grids()
    forget_register_lists()
    yield
    forget_grids()
    forget_register_lists()


@pytest.fixture
def world(db: None) -> World:
    return build_world()
