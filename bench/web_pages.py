"""Time every web page on the demo street, signed in as each role.

    .venv/bin/python bench/web_pages.py [-n 30] [--database-url postgres://.../SCRATCH_DB]

Seeds the demo (``seed_demo``) plus one grid of 320 households (the size of a real grid,
DOMAIN §1.2) into a scratch database — a fresh SQLite file by default; with
``--database-url`` an EMPTY PostgreSQL database you created for this (it is migrated and
filled, never dropped) — then requests each page N times through Django's test client (the
whole stack: middleware, sessions, templates; no network) and prints the median and the
slowest time and the number of queries. Results go into docs/performance.md ("Web pages").
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 300


def configure(database_url: str | None) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="gridbook-bench-"))
    os.environ["GRIDBOOK_DATA_DIR"] = str(scratch)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-0123456789")
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["GRIDBOOK_TASKS"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    # Pages link static files by name; the manifest needs collectstatic, which a bench skips.
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }


def seed() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", password="Bench-Pass-2026", stdout=open(os.devnull, "w"))  # noqa: SIM115
    add_full_grid()
    call_command("load_forms", "--no-validate", stdout=open(os.devnull, "w"))  # noqa: SIM115
    add_full_grid_collector()
    add_activity()


def add_full_grid(households: int = 320) -> None:
    """One more grid in 长源社区 with a real grid's 320 households, 6 floors × 3 rooms × 2
    units per building, a tenth of them flagged."""
    from server.grids.choices import Source
    from server.grids.importing import AREAS, BUILDINGS, HOUSEHOLDS, ParsedFile, Row
    from server.grids.register_import import register_import

    parsed = ParsedFile()

    def add(layout: str, **values: object) -> None:
        rows = parsed.rows[layout]
        rows.append(Row(layout=layout, sheet="bench", number=len(rows) + 2, values=values))

    add(AREAS, code="BENCH-G300", name="基准网格", level="grid", parent_code="JY-TY-CY")
    for number in range(households):
        building, rest = divmod(number, 36)
        unit, rest = divmod(rest, 18)
        floor, room = divmod(rest, 3)
        code = f"BENCH-B{building:02d}"
        if number % 36 == 0:
            add(
                BUILDINGS,
                building_code=code,
                building_label=f"基准{building}栋",
                grid_code="BENCH-G300",
            )
        flags = frozenset({"dibao", "retiree"}) if number % 10 == 0 else frozenset()
        add(
            HOUSEHOLDS,
            household_code=f"{code}-{unit + 1}-{floor + 1}{room + 1:02d}",
            building_code=code,
            unit=str(unit + 1),
            floor=floor + 1,
            room=f"{floor + 1}{room + 1:02d}",
            head_name="赵六",
            phone="13800000000",
            priority=number % 7 == 0,
            flags=flags,
        )
    register_import(parsed=parsed, source=Source.DEMO)


def add_full_grid_collector() -> None:
    """A collector of the 320-household grid: the largest register lists a designer checks."""
    from server.accounts.services import user_create
    from server.grids.models import Area

    grid = Area.objects.get(code="BENCH-G300")
    user_create(username="bench", role="collector", password="Bench-Pass-2026", areas=[grid])


def add_activity() -> None:
    """Months of demo field work (records' ``seed_demo_activity``: visits with photos and
    GPS, needs in every status, surveys and follow-ups), so the record pages have data."""
    from django.core.management import call_command, get_commands

    if "seed_demo_activity" not in get_commands():
        print("(no seed_demo_activity command here: the record pages are measured empty)")
        return
    call_command("seed_demo_activity", stdout=open(os.devnull, "w"))  # noqa: SIM115


def pages() -> dict[str, list[str]]:
    from server.grids.models import Household

    own = Household.objects.filter(building__grid__code="JY-TY-CY-G01").order_by("code").first()
    big = Household.objects.filter(building__grid__code="BENCH-G300").order_by("code").last()
    assert own and big
    busy = _busiest_household() or own.code
    today = time.localtime()
    this_year = str(today.tm_year)
    last_month = f"{today.tm_year - (today.tm_mon == 1)}-{(today.tm_mon - 2) % 12 + 1:02d}"
    return {
        "admin": [
            "/",
            "/people/",
            "/people/new/",
            "/person/bob/",
            "/register/",
            "/areas/JY-TY/",
            "/import/register/",
            "/forms/",
            "/forms/hh_visit/",
            "/dashboard/",
            "/dashboard/JY-TY/?period=" + this_year,
            "/needs/",
            "/needs/?status=",
        ],
        "alice": [
            "/",
            "/register/",
            "/areas/JY-TY-CY/",
            "/areas/JY-TY-CY-G01/",
            "/areas/BENCH-G300/",
            "/areas/BENCH-G300/?page=7",
            "/areas/BENCH-G300/?flag=dibao",
            "/areas/BENCH-G300/?q=B05",
            f"/households/{own.code}/",
            f"/households/{big.code}/",
            f"/households/{busy}/",
            "/forms/",
            "/forms/hh_visit/",
            "/dashboard/",
            "/dashboard/JY-TY-CY/?sort=-coverage",
            "/dashboard/JY-TY-CY/?period=" + this_year,
            "/areas/JY-TY-CY-G01/?period=" + last_month,
            "/needs/",
            "/needs/?overdue=on",
            "/needs/?status=&area=JY-TY-CY-G01",
        ],
        "bob": [
            "/",
            "/register/",
            "/areas/JY-TY-CY-G01/",
            f"/households/{own.code}/",
            "/onboarding/",
        ],
        "dave": [
            "/",
            "/forms/",
            "/forms/hh_visit/",
            "/forms/hh_visit/upload/",
            "/forms/hh_visit/preview/",
            "/forms/needs_survey/preview/",
            "/forms/hh_visit/lists/?collector=bob",
            "/forms/hh_visit/lists/?collector=bench",
        ],
    }


def _busiest_household() -> str | None:
    """The household with the most visits (the longest history page)."""
    from django.db.models import Count

    from server.records.models import Visit

    row = (
        Visit.objects.exclude(household=None)
        .values("household__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return row["household__code"] if row else None


def measure(repeat: int) -> list[tuple[str, str, int, float, float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from server.accounts.models import User

    results = []
    for username, paths in pages().items():
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(User.objects.get(username=username))
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                status = client.get(path).status_code  # warm: templates, session
            queries = len(captured)  # now: the log is reset by the next request
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            results.append((username, path, status, statistics.median(times), max(times), queries))
    return results


def report(results: list[tuple[str, str, int, float, float, int]], repeat: int) -> int:
    from django.db import connection

    print(
        f"# Web pages, {time.strftime('%Y-%m-%d')}, {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{connection.vendor}), {repeat} requests each"
    )
    print("| role | page | status | median ms | max ms | queries |")
    print("|---|---|---|---|---|---|")
    slow = 0
    for username, path, status, median, worst, queries in results:
        slow += median > BUDGET_MS or status != 200
        print(f"| {username} | `{path}` | {status} | {median:.1f} | {worst:.1f} | {queries} |")
    print(f"\nPages failing or over the {BUDGET_MS} ms budget (median): {slow}")
    return 1 if slow else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--database-url", help="an EMPTY scratch database (default: SQLite)")
    options = parser.parse_args()
    configure(options.database_url)
    seed()
    return report(measure(options.repeat), options.repeat)


if __name__ == "__main__":
    sys.exit(main())
