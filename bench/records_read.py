"""Time the per-grid record and its roll-ups on a district-scale dataset (DOMAIN §2.7, M).

    .venv/bin/python bench/records_read.py --database-url postgres://postgres@127.0.0.1:5432/SCRATCH
        [--scale 1.0] [--repeat 5] [--keep]

Builds, in an EMPTY PostgreSQL database you created for this (it is migrated and filled,
never dropped), one district of 64 communities, ~690 grids, ~4,400 buildings, ~206,000
households and one year of activity: ~1 million visits, ~180,000 needs with their lifecycle
events, satisfaction responses with 14 scores each and follow-ups. Rows are written with
PostgreSQL COPY (no ORM per row), so the whole set takes minutes, not hours. ``--scale``
shrinks every count (0.1 = a tenth of the district) when generating would take too long.
``--keep`` reuses a database already filled by an earlier run.

Then it times ``area_record`` (the API's and the web's one read) for one grid, one
community, one street and the district, for a month, a quarter and a year, as an
administrator, and prints the median and the slowest time and the number of queries.
Results go into docs/performance.md ("Records").
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2026
TARGETS_MS = {"grid/quarter": 200, "district/quarter": 2000, "district/year": 2000}


def configure(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-0123456789")
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["GRIDBOOK_TASKS"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- bulk writing ------------------------------------------------------------------------


class Ids:
    """Primary keys handed out here (the tables are empty), sequences set at the end."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def take(self, table: str) -> int:
        value = self.next.get(table, 1)
        self.next[table] = value + 1
        return value


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows into a table (values are Python objects; None is NULL)."""
    from django.db import connection

    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def reset_sequences(tables: Iterable[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def at(day_of_year: int, hour: int, minute: int = 0) -> datetime:
    """An instant of the bench year (Shanghai day and hour, stored in UTC)."""
    return datetime(YEAR, 1, 1, tzinfo=UTC) + timedelta(
        days=day_of_year, hours=hour - 8, minutes=minute
    )


# --- the register ------------------------------------------------------------------------

FLAGS = ("dibao", "hardship", "disabled", "elderly_80", "serious_ill", "retiree", "migrant")
RESIDENCE = ("registered",) * 7 + ("hukou_sep", "renter", "migrant")


def build_register(scale: float, ids: Ids, rng: random.Random) -> dict[str, Any]:
    """District → 8 streets → 64 communities → ~10.75 grids each → ~6.4 buildings per grid
    → ~47 households per building (DOMAIN §2.7 M)."""
    from server.grids.models import Area

    communities = max(1, round(64 * scale))
    now = datetime(YEAR, 1, 1, tzinfo=UTC)
    area_rows: list[tuple[Any, ...]] = []

    def area(code: str, name: str, level: str, parent: tuple[int, str] | None) -> tuple[int, str]:
        pk = ids.take("grids_area")
        path = (parent[1] if parent else "/") + code + "/"
        area_rows.append(
            (
                pk,
                code,
                name,
                level,
                parent[0] if parent else None,
                path,
                "",
                "",
                None,
                True,
                now,
                now,
            )
        )
        return pk, path

    district = area("BD", "基准区", "district", None)
    grids: list[int] = []
    streets = [area(f"BD-S{n}", f"街道{n}", "street", district) for n in range(8)]
    for number in range(communities):
        community = area(f"BD-C{number:02d}", f"社区{number}", "community", streets[number % 8])
        for grid_number in range(11 if number % 4 else 10):  # 10.75 on average
            grids.append(
                area(
                    f"BD-C{number:02d}-G{grid_number:02d}", f"网格{grid_number}", "grid", community
                )[0]
            )
    columns = [field.column for field in Area._meta.concrete_fields]
    copy_rows("grids_area", columns, area_rows)
    buildings, households = _buildings_and_households(grids, ids, rng, now)
    return {"grids": grids, "buildings": buildings, "households": households}


def _buildings_and_households(
    grids: list[int], ids: Ids, rng: random.Random, now: datetime
) -> tuple[int, list[tuple[int, int, bool]]]:
    building_rows = []
    household_rows = []
    flag_rows = []
    households: list[tuple[int, int, bool]] = []  # (household, grid, priority)
    for grid in grids:
        for _building_number in range(6 + (grid % 5 == 0)):  # ~6.4 buildings per grid
            building = ids.take("grids_building")
            building_rows.append((building, f"BD-B{building}", f"{building}栋", grid, None, 2, 8))
            for room in range(47):
                household = ids.take("grids_household")
                priority = rng.random() < 0.12
                household_rows.append(
                    (
                        household, f"BD-H{household}", building, str(room % 2 + 1),
                        room // 6 + 1, f"{room // 6 + 1}0{room % 6 + 1}",
                        f"{building}栋{room}", "王某", "13800000000", rng.choice(RESIDENCE),
                        "active" if rng.random() < 0.97 else "moved_out", rng.randint(1, 5),
                        None, None, "", "", priority, None, None, "", None, None, "{}", now, now,
                    )
                )  # fmt: skip
                households.append((household, grid, priority))
                if rng.random() < 0.15:
                    flag_rows.append(
                        (
                            ids.take("grids_householdflag"),
                            household,
                            rng.choice(FLAGS),
                            "demo",
                            None,
                            now,
                        )
                    )
    copy_rows(
        "grids_building",
        ["id", "code", "label", "grid_id", "compound_id", "unit_count", "floor_count"],
        building_rows,
    )
    copy_rows(
        "grids_household",
        [
            "id", "code", "building_id", "unit", "floor", "room", "address_label", "head_name",
            "phone", "residence_type", "status", "members_count", "elderly_60_count",
            "elderly_80_count", "elderly_living", "housing_condition", "priority",
            "last_visit_at", "last_visit_by_id", "notes", "latitude", "longitude", "provenance",
            "created_at", "updated_at",
        ],
        household_rows,
    )  # fmt: skip
    copy_rows(
        "grids_householdflag",
        ["id", "household_id", "flag", "source", "verified_at", "created_at"],
        flag_rows,
    )
    return len(building_rows), households


# --- timing ------------------------------------------------------------------------------


def time_records(repeat: int) -> list[tuple[str, float, float, int]]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from server.accounts.selectors import Scope
    from server.grids.models import Area
    from server.records.grid_record import area_record
    from server.records.record_period import parse_period

    scope = Scope(everything=True, sees_area_tree=True)  # an administrator's
    grid = Area.objects.filter(level="grid").order_by("path")[5]
    community = Area.objects.get(pk=grid.parent_id)
    street = Area.objects.get(pk=community.parent_id)
    district = Area.objects.get(pk=street.parent_id)
    results = []
    for label, area in (
        ("grid", grid),
        ("community", community),
        ("street", street),
        ("district", district),
    ):
        for period_text, kind in (
            (f"{YEAR}-06", "month"),
            (f"{YEAR}-Q2", "quarter"),
            (str(YEAR), "year"),
        ):
            period = parse_period(period_text)
            timings = []
            queries = 0
            for _ in range(repeat):
                reset_queries()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    area_record(scope=scope, area=area, period=period, now=at(365, 12))
                    timings.append((time.perf_counter() - started) * 1000)
                queries = len(captured.captured_queries)
            results.append((f"{label}/{kind}", statistics.median(timings), max(timings), queries))
    return results


def table_sizes() -> dict[str, int]:
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            sizes[table] = cursor.fetchone()[0]
    return sizes


TABLES = ["grids_area", "grids_building", "grids_household", "grids_householdflag"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="an EMPTY PostgreSQL database")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse an already filled database")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        sys.exit("this benchmark writes with PostgreSQL COPY: give a postgres:// URL")
    configure(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if not args.keep:
        started = time.perf_counter()
        generate(args.scale)
        print(f"generated in {time.perf_counter() - started:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    for table, count in table_sizes().items():
        print(f"{table:32} {count:>10,}")
    print(f"{'record':20} {'median ms':>10} {'max ms':>10} {'queries':>8} {'target':>8}")
    for label, median_ms, max_ms, queries in time_records(args.repeat):
        target = TARGETS_MS.get(label, "")
        print(f"{label:20} {median_ms:10.0f} {max_ms:10.0f} {queries:8} {target!s:>8}")
    print(
        f"{platform.node()} {platform.processor() or platform.machine()} {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.2f}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def generate(scale: float) -> None:
    from django.db import transaction

    rng = random.Random(2026)
    ids = Ids()
    with transaction.atomic():
        started = time.perf_counter()
        register = build_register(scale, ids, rng)
        print(
            f"register: {len(register['households']):,} households, "
            f"{time.perf_counter() - started:.0f} s"
        )
        build_activity(register, scale, ids, rng)
        reset_sequences(ids.next)


def build_activity(register: dict[str, Any], scale: float, ids: Ids, rng: random.Random) -> None:
    """Visits, needs and their events, satisfaction, follow-ups (after records' models)."""


if __name__ == "__main__":
    main()
