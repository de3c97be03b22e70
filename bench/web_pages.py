"""Time every web page on the demo street, signed in as each role.

    .venv/bin/python bench/web_pages.py [-n 30] [--database-url postgres://.../SCRATCH_DB]

Seeds the demo (``seed_demo``) plus one grid of 320 households (the size of a real grid,
DOMAIN §1.2) and a year of submissions (``--submissions N``, default 110 000: 300 a day for
the street, over 365 days and its 7 grids) into a scratch database — a fresh SQLite file
by default; with
``--database-url`` an EMPTY PostgreSQL database you created for this (it is migrated and
filled, never dropped) — then requests each page N times through Django's test client (the
whole stack: middleware, sessions, templates; no network) and prints the median and the
slowest time and the number of queries. Results go into docs/performance.md ("Web pages").
"""

from __future__ import annotations

import argparse
import os
import platform
import random
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


def seed(submissions: int) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", password="Bench-Pass-2026", stdout=open(os.devnull, "w"))  # noqa: SIM115
    add_full_grid()
    call_command("load_forms", "--no-validate", stdout=open(os.devnull, "w"))  # noqa: SIM115
    add_full_grid_collector()
    add_activity()
    add_submissions(submissions)
    analyze()


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would have them on a server that has been
    running (right after a bulk load the planner knows nothing of a million rows)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def add_submissions(count: int, batch: int = 5000) -> None:
    """``count`` household visits spread evenly over the last 365 days and the grids, each by
    the grid's collector, a quarter with a door photo, a tenth approved."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from server.accounts.collector_tokens import collector_token_issue
    from server.accounts.models import User
    from server.grids.models import Area, Household
    from server.submissions.models import Attachment, Submission
    from server.xforms.models import Form

    rng = random.Random(7)
    form = Form.objects.select_related("current_version").get(form_id="hh_visit")
    version = form.current_version
    grids = list(Area.objects.filter(level="grid").order_by("code"))
    households = {
        grid.pk: list(
            Household.objects.filter(building__grid=grid).values_list("code", flat=True)[:400]
        )
        for grid in grids
    }
    collectors = list(User.objects.filter(role="collector").order_by("username"))
    grid_collector = {
        area.pk: user
        for user in collectors
        for area in user.areas.all()  # type: ignore[attr-defined]
    }
    collector_token_issue(user=User.objects.get(username="bob"))
    now = timezone.now()
    step = timedelta(days=365) / max(count, 1)
    made = 0
    while made < count:
        rows, photos = [], []
        for number in range(made, min(count, made + batch)):
            grid = grids[number % len(grids)]
            code = rng.choice(households[grid.pk] or ["-"])
            instance = f"uuid:bench-{number:08d}"
            photo = number % 4 == 0
            data = _visit_data(rng, grid.code, code, instance, with_photo=photo)
            rows.append(
                Submission(
                    form=form,
                    form_version=version,
                    instance_id=instance,
                    root_instance_id=instance,
                    instance_name=f"{grid.code}-{code}",
                    xml=b"<data/>",
                    xml_md5="0" * 32,
                    data=data,
                    submitted_by=grid_collector.get(grid.pk)
                    or collectors[number % len(collectors)],
                    device_id="collect:bench",
                    grid=grid,
                    received_at=now - step * (count - number),
                    attachments_expected=int(photo),
                    attachments_present=int(photo),
                    review_state="approved" if number % 10 == 0 else "received",
                )
            )
        created = Submission.objects.bulk_create(rows, batch_size=1000)
        for row in created:
            if row.attachments_expected:
                photos.append(
                    Attachment(
                        submission=row,
                        name="door.jpg",
                        field_path="/data/door_photo",
                        present=True,
                        file=f"submissions/bench/{row.instance_id[5:]}/door.jpg",
                        size=250_000,
                        md5="0" * 32,
                        content_type="image/jpeg",
                        is_image=True,
                    )
                )
        Attachment.objects.bulk_create(photos, batch_size=1000)
        made += len(rows)


def _visit_data(
    rng: random.Random, grid: str, household: str, instance: str, *, with_photo: bool
) -> dict[str, object]:
    """A household visit as the shipped form stores it (forms/README.md, field contract)."""
    return {
        "start": "2026-11-23T09:00:01.123+08:00",
        "end": "2026-11-23T09:12:45.500+08:00",
        "today": "2026-11-23",
        "deviceid": "collect:bench",
        "username": "bench",
        "grp_id": {"community": grid.rsplit("-", 1)[0], "grid": grid, "household": household},
        "grp_visit": {
            "visit_type": rng.choice(["routine", "followup", "special"]),
            "visit_result": rng.choice(["met", "met", "met", "nobody_home"]),
            "met_whom": "head",
        },
        "grp_hh": {
            "members_total": str(rng.randint(1, 6)),
            "special_flags": rng.choice(["none", "retiree", "dibao retiree"]),
            "elderly_living": "with_family",
        },
        "grp_living": {"housing_condition": "good", "hazards": "none", "env_issues": "none"},
        "door_photo": "door.jpg" if with_photo else "",
        "grp_needs": {"has_needs": "no"},
        "grp_end": {"services_done": "policy_info", "opinions": "", "diary": "楼道整洁"},
        "meta": {"instanceID": instance, "instanceName": f"{grid}-{household}"},
    }


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
    from server.submissions.browse import encode_cursor
    from server.submissions.models import Submission

    bobs = (
        Submission.objects.filter(submitted_by__username="bob", attachments_expected=1)
        .order_by("-received_at")
        .first()
    )
    total = Submission.objects.count()
    middle = Submission.objects.order_by("-received_at", "-id")[total // 2] if total else None
    deep = f"?after={encode_cursor(middle.received_at, middle.pk)}" if middle else ""
    submission = f"/submissions/{bobs.pk}/" if bobs else "/submissions/"
    api_detail = f"/api/v1/submissions/{bobs.pk}/" if bobs else "/api/v1/submissions/"
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
            "/submissions/",
            f"/submissions/{deep}",
            "/submissions/?state=approved",
            "/submissions/?q=BENCH-B05",
            "/submissions/?q=nothing-matches",
            submission,
            "/person/bob/collect-sheet/",
            "/person/bob/qr.png",
            "/api/v1/submissions/",
            api_detail,
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
            "/submissions/",
            "/submissions/?area=JY-TY-CY-G02",
            "/submissions/?submitter=carol",
            "/submissions/?date_from=2026-06-01&date_to=2026-06-30",
            "/submissions/?form=hh_visit&state=approved&area=JY-TY-BH",
            submission,
            "/api/v1/submissions/?area=JY-TY-CY",
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
            "/submissions/",
            submission,
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
    parser.add_argument(
        "--submissions", type=int, default=110_000, help="submissions to seed (a year)"
    )
    parser.add_argument(
        "--no-seed", action="store_true", help="measure a database this script seeded before"
    )
    options = parser.parse_args()
    configure(options.database_url)
    start = time.perf_counter()
    if options.no_seed:
        analyze()
    else:
        seed(options.submissions)
    print(f"(seeded in {time.perf_counter() - start:.0f} s)", file=sys.stderr)
    return report(measure(options.repeat), options.repeat)


if __name__ == "__main__":
    sys.exit(main())
