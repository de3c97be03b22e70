"""Time ``rebuild_records`` on N synthetic submissions of the shipped forms.

    .venv/bin/python bench/records_rebuild.py [-n 20000] [--database-url postgres://.../SCRATCH]
        [--workers 2]

Seeds the demo street (``seed_demo``, 1,068 households in six grids) and the shipped forms into
a scratch database (a fresh SQLite file by default; with ``--database-url`` an EMPTY
PostgreSQL database you created for this, migrated and filled, never dropped), then inserts N
submissions in bulk (85% household visits with the demo's mix of results and needs, 15%
satisfaction surveys; the ingest path is measured in bench/openrosa_submissions.py) and times
a full rebuild from no records at all, then a second rebuild over existing records. Results go
into docs/performance.md ("Records").
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(database_url: str | None) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="gridbook-bench-"))
    os.environ["GRIDBOOK_DATA_DIR"] = str(scratch)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-0123456789")
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["GRIDBOOK_TASKS"] = "immediate"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(count: int) -> None:
    from datetime import date, timedelta
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.core.management import call_command

    from server.accounts.models import Role, User
    from server.grids.models import Area, Household
    from server.records import demo
    from server.records.instance_xml import instance_xml
    from server.submissions.models import Submission
    from server.xforms.models import Form

    devnull = open(os.devnull, "w")  # noqa: SIM115
    call_command("migrate", verbosity=0)
    call_command("seed_demo", password="Bench-Pass-2026", stdout=devnull)
    call_command("load_forms", "--no-validate", stdout=devnull)
    rng = random.Random(7)
    zone = ZoneInfo(settings.TIME_ZONE)
    forms = {form.form_id: form for form in Form.objects.all()}
    versions = {key: form.versions.order_by("-created_at").first() for key, form in forms.items()}
    grids = list(Area.objects.filter(level="grid").order_by("code"))
    households = {
        grid.pk: list(Household.objects.filter(building__grid=grid).select_related("building"))
        for grid in grids
    }
    collector = User.objects.get(username="bob")
    assert collector.role == Role.COLLECTOR
    start = date(2026, 1, 1)
    rows = []
    for number in range(count):
        grid = grids[number % len(grids)]
        household = rng.choice(households[grid.pk])
        when = demo._moment(start + timedelta(days=rng.randrange(320)), rng, zone)
        if number % 7 == 6:
            form_id, values = "satisfaction", demo._satisfaction_values(rng, grid, household, when)
        else:
            form_id, values = "hh_visit", demo._visit_values(rng, grid, household, when)
        instance_id = f"uuid:bench-{number:08d}"
        xml = instance_xml(
            form_id=form_id,
            version=versions[form_id].version,
            values=values,
            instance_id=instance_id,
        )
        rows.append(
            Submission(
                form=forms[form_id],
                form_version=versions[form_id],
                instance_id=instance_id,
                root_instance_id=instance_id,
                xml=xml,
                xml_md5="0" * 32,
                data=_data(values),
                submitted_by=collector,
                received_at=when + timedelta(minutes=20),
                started_at=when,
                ended_at=when + timedelta(minutes=10),
                grid=grid,
            )
        )
    Submission.objects.bulk_create(rows, batch_size=1000)


def _data(values: dict) -> dict:
    """As submissions.parsing stores it: leaves are strings, absent stays absent."""
    if isinstance(values, dict):
        return {k: _data(v) for k, v in values.items() if v is not None}
    if isinstance(values, list):
        return [_data(v) for v in values]
    return str(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=20000)
    parser.add_argument("--database-url")
    parser.add_argument("--workers", type=int, default=1, help="processes (PostgreSQL)")
    parser.add_argument(
        "--quiet", type=float, default=99, help="wait (30 min at most) for this load average"
    )
    args = parser.parse_args()
    configure(args.database_url)
    from django.db import connection

    from server.records.models import Need, Visit
    from server.records.rebuild import records_rebuild

    started = time.monotonic()
    seed(args.n)
    print(f"seeded {args.n} submissions in {time.monotonic() - started:.0f} s", flush=True)
    waited = time.monotonic()
    while os.getloadavg()[0] > args.quiet and time.monotonic() - waited < 1800:
        time.sleep(10)  # something else is running: wait for the machine to calm down
    load = os.getloadavg()
    for label in ("full rebuild (no records yet)", "rebuild again (records exist)"):
        started = time.monotonic()
        report = records_rebuild(workers=args.workers)
        seconds = time.monotonic() - started
        print(
            f"{label}: {report.submissions} submissions, {Visit.objects.count()} visits, "
            f"{Need.objects.count()} needs in {seconds:.1f} s "
            f"({report.submissions / seconds:.0f} submissions/s)"
        )
    print(
        f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{connection.vendor}; load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, "
        f"after: {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
