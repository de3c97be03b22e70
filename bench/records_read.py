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
            head = "楼栋长" if rng.random() < 0.7 else ""
            building_rows.append(
                (building, f"BD-B{building}", f"{building}栋", grid, None, 2, 8, head, now)
            )
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
        [
            "id",
            "code",
            "label",
            "grid_id",
            "compound_id",
            "unit_count",
            "floor_count",
            "head_name",
            "head_phone",
            "updated_at",
        ],
        [(*row[:8], "", row[8]) for row in building_rows],
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


TABLES = [
    "grids_area",
    "grids_building",
    "grids_household",
    "grids_householdflag",
    "submissions_submission",
    "records_visit",
    "records_visititem",
    "records_need",
    "records_needevent",
    "records_followup",
    "records_satisfactionresponse",
    "records_satisfactionscore",
    "records_needssurveyresponse",
    "grids_flagchange",
]


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
        print(f"{label:20} {median_ms:10.0f} {max_ms:10.0f} {queries:8} {target!s:>8}", flush=True)
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
    """A year of work: each active household visited once a quarter and priority ones
    monthly (~1,500 visits per grid, DOMAIN §2.7), 25 % nobody home, ~1.2 photos per
    visit; 12 % of visits raise 1–2 needs whose lifecycle events follow (assigned,
    resolved, followed up; some escalated, some reopened); 25 satisfaction responses per
    grid per quarter with 14 scores; a follow-up for most resolved needs."""
    forms = _forms()
    started = time.perf_counter()
    visits = _visits(register, ids, rng, forms["hh_visit"])
    print(f"visits: {visits['count']:,} in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    needs = _needs(visits["raising"], ids, rng, forms["satisfaction"])
    print(f"needs: {needs:,} in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    responses = _satisfaction(register["grids"], ids, rng, forms["satisfaction"])
    print(f"satisfaction responses: {responses:,} in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    surveys = _needs_surveys(register["grids"], ids, rng, forms["needs_survey"])
    changes = _flag_changes(register["households"], ids, rng)
    print(
        f"needs surveys: {surveys:,}, flag changes: {changes:,} "
        f"in {time.perf_counter() - started:.0f} s"
    )


class Table:
    """COPY rows of one model given only the columns that vary; the rest take the field's
    default (or NULL / empty)."""

    def __init__(self, model: Any, columns: Sequence[str]) -> None:
        import json

        self.table = model._meta.db_table
        fields = list(model._meta.concrete_fields)
        self.columns = [field.column for field in fields]
        template: list[Any] = []
        for field in fields:
            value = field.get_default() if field.has_default() else None
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = datetime(YEAR, 12, 31, tzinfo=UTC)
            if value is None and not field.null:
                value = "" if field.get_internal_type() in ("CharField", "TextField") else None
            if isinstance(value, list | dict):
                value = json.dumps(value)
            template.append(value)
        self.template = template
        self.positions = [self.columns.index(column) for column in columns]
        self.rows: list[list[Any]] = []

    def add(self, *values: Any) -> None:
        row = list(self.template)
        for position, value in zip(self.positions, values, strict=True):
            row[position] = value
        self.rows.append(row)
        if len(self.rows) >= 50_000:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            copy_rows(self.table, self.columns, self.rows)
            self.rows = []


def _forms() -> dict[str, tuple[int, int]]:
    from server.xforms.models import Form, FormVersion

    found = {}
    for form_id in ("hh_visit", "satisfaction", "needs_survey"):
        form = Form.objects.create(form_id=f"bench_{form_id}", title=form_id)
        version = FormVersion.objects.create(
            form=form, version="1", title=form_id, xml=b"<x/>", xml_md5="0" * 32
        )
        found[form_id] = (form.pk, version.pk)
    return found


def _submissions() -> Table:
    from server.submissions.models import Submission

    return Table(
        Submission,
        ["id", "form_id", "form_version_id", "instance_id", "root_instance_id", "xml",
         "xml_md5", "received_at", "grid_id", "processed_at"],
    )  # fmt: skip


def _submission(table: Table, ids: Ids, form: tuple[int, int], grid: int, when: datetime) -> str:
    pk = ids.take("submissions_submission")
    instance = f"uuid:bench-{pk}"
    table.add(pk, form[0], form[1], instance, instance, b"<x/>", "0" * 32, when, grid, when)
    return instance


VISIT_TYPES = ("routine",) * 8 + ("followup", "special_policy", "condolence", "info_check")
SERVICES = ("policy", "condolence", "paperwork", "social_security", "health_followup")
HAZARDS = ("gas", "wiring", "corridor_clutter", "fire_exit")


def _visits(
    register: dict[str, Any], ids: Ids, rng: random.Random, form: tuple[int, int]
) -> dict[str, Any]:
    from server.records.hazard_cases import hazards_refold_all
    from server.records.models import Visit, VisitItem
    from server.records.services import visit_slot

    submissions = _submissions()
    visits = Table(
        Visit,
        ["id", "root_instance_id", "submission_id", "grid_id", "household_id", "household_code",
         "visit_type", "result", "visited_at", "received_at", "duration_seconds", "photo_count",
         "need_count", "visit_slot"],
    )  # fmt: skip
    items = Table(VisitItem, ["id", "visit_id", "grid_id", "visited_at", "kind", "value"])
    raising: list[tuple[int, int, int, datetime]] = []
    last_visit: dict[int, datetime] = {}
    count = 0
    for household, grid, priority in register["households"]:
        days = sorted(rng.sample(range(365), 12 if priority else 4))
        for day in days:
            when = at(day, rng.randint(8, 20), rng.randint(0, 59))
            instance = _submission(submissions, ids, form, grid, when)
            visit = ids.take("records_visit")
            result = "nobody_home" if rng.random() < 0.25 else "met"
            needs = (
                (1 if rng.random() < 0.7 else 2) if result == "met" and rng.random() < 0.12 else 0
            )
            visits.add(
                visit, instance, ids.next["submissions_submission"] - 1, grid, household,
                f"BD-H{household}", rng.choice(VISIT_TYPES), result, when, when,
                rng.randint(120, 1500), 1 + (rng.random() < 0.2), needs, visit_slot(when),
            )  # fmt: skip
            if result == "met":
                items.add(
                    ids.take("records_visititem"),
                    visit,
                    grid,
                    when,
                    "service",
                    rng.choice(SERVICES),
                )
            if result == "met" and rng.random() < 0.05:
                hazard = rng.choice(HAZARDS)
                items.add(ids.take("records_visititem"), visit, grid, when, "hazard", hazard)
            for _ in range(needs):
                raising.append((visit, grid, household, when))
            last_visit[household] = when
            count += 1
    submissions.flush()
    visits.flush()
    items.flush()
    _set_last_visits(last_visit)
    hazards_refold_all()
    return {"count": count, "raising": raising}


def _set_last_visits(last_visit: dict[int, datetime]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_last (id integer, at timestamptz)")
        copy_rows("bench_last", ["id", "at"], list(last_visit.items()))
        cursor.execute(
            "UPDATE grids_household h SET last_visit_at = b.at FROM bench_last b WHERE h.id = b.id"
        )


CATEGORIES = ("elderly_care", "repair", "environment", "security", "policy", "employment")
DUE_DAYS = {"urgent": 1, "soon": 7, "normal": 15}


def _needs(
    raising: list[tuple[int, int, int, datetime]],
    ids: Ids,
    rng: random.Random,
    form: tuple[int, int],
) -> int:
    from server.records.models import FollowUp, Need, NeedEvent

    needs = Table(
        Need,
        ["id", "key", "visit_id", "position", "grid_id", "household_id", "category", "urgency",
         "on_spot", "raised_at", "status", "handling_level", "due_at", "resolved_at",
         "escalation_count", "reopen_count", "followup_count", "last_followup_at",
         "followup_outcome", "updated_at"],
    )  # fmt: skip
    events = Table(
        NeedEvent,
        ["id", "need_id", "kind", "from_status", "to_status", "at", "source", "handling_level"],
    )
    submissions = _submissions()
    followups = Table(
        FollowUp,
        ["id", "root_instance_id", "submission_id", "need_id", "grid_id", "household_id", "at",
         "outcome", "reopen"],
    )  # fmt: skip
    end = at(365, 0)
    for position, (visit, grid, household, raised) in enumerate(raising):
        need = ids.take("records_need")
        urgency = rng.choice(("urgent", "soon", "normal", "normal"))
        due = raised + timedelta(days=DUE_DAYS[urgency])
        steps = _lifecycle(rng, raised, end)
        status, level, resolved, followed, outcome, reopened = _fold(steps)
        needs.add(
            need, f"bench-{visit}#{position}", visit, 1, grid, household, rng.choice(CATEGORIES),
            urgency, steps[0][0] == "resolve" and steps[0][2] == raised, raised, status, level,
            due, resolved, int(level != ""), reopened, int(followed is not None), followed,
            outcome, raised,
        )  # fmt: skip
        previous = "open"
        events.add(ids.take("records_needevent"), need, "raised", "", "open", raised, "system", "")
        for kind, to_status, when, event_level in steps:
            events.add(
                ids.take("records_needevent"),
                need,
                kind,
                previous,
                to_status,
                when,
                "web",
                event_level,
            )
            previous = to_status
        if followed is not None:
            instance = _submission(submissions, ids, form, grid, followed)
            followups.add(
                ids.take("records_followup"), instance, ids.next["submissions_submission"] - 1,
                need, grid, household, followed, outcome, outcome == "dissatisfied",
            )  # fmt: skip
    for table in (needs, events, submissions, followups):
        table.flush()
    return len(raising)


def _lifecycle(
    rng: random.Random, raised: datetime, end: datetime
) -> list[tuple[str, str, datetime, str]]:
    """Steps after raising: on the spot (20 %), else assigned, maybe escalated, resolved
    after 0–30 days, followed up a few days later; some never finish within the year."""
    if rng.random() < 0.2:
        steps = [("resolve", "resolved", raised, "")]
    else:
        when = raised + timedelta(hours=rng.randint(2, 48))
        steps = [("assign", "assigned", when, "")]
        if rng.random() < 0.15:
            when += timedelta(days=rng.randint(1, 5))
            steps.append(
                ("escalate", "escalated", when, rng.choice(("street", "district_platform")))
            )
        when += timedelta(days=rng.randint(0, 30), hours=rng.randint(1, 20))
        if rng.random() < 0.1 or when >= end:
            return steps
        steps.append(("resolve", "resolved", when, ""))
    when = steps[-1][2] + timedelta(days=rng.randint(2, 10))
    if rng.random() < 0.8 and when < end:
        outcome = rng.choice(("satisfied",) * 7 + ("basically",) * 2 + ("dissatisfied",))
        steps.append(
            ("follow_up", "followed_up" if outcome != "dissatisfied" else "reopened", when, outcome)
        )
    return steps


def _fold(
    steps: list[tuple[str, str, datetime, str]],
) -> tuple[str, str, datetime | None, datetime | None, str, int]:
    status, level, resolved, followed, outcome, reopened = "open", "", None, None, "", 0
    for kind, to_status, when, extra in steps:
        status = to_status
        if kind == "escalate":
            level = extra
        if kind == "resolve":
            resolved = when
        if kind == "follow_up":
            followed, outcome = when, extra
            reopened += to_status == "reopened"
    return status, level, resolved, followed, outcome, reopened


ROLES = ("own_worker", "other_worker", "street_or_third_party", "resident_self")


def _satisfaction(grids: list[int], ids: Ids, rng: random.Random, form: tuple[int, int]) -> int:
    from server.records.choices import SATISFACTION_DIMENSIONS
    from server.records.models import SatisfactionResponse, SatisfactionScore

    submissions = _submissions()
    responses = Table(
        SatisfactionResponse,
        ["id", "root_instance_id", "submission_id", "grid_id", "collector_role", "in_index",
         "responded_at", "overall"],
    )  # fmt: skip
    scores = Table(
        SatisfactionScore,
        ["id", "response_id", "dimension", "score", "grid_id", "responded_at", "in_index",
         "collector_role"],
    )  # fmt: skip
    count = 0
    for grid in grids:
        for quarter_number in range(4):
            for _ in range(25):
                when = at(quarter_number * 91 + rng.randint(0, 89), rng.randint(9, 19))
                instance = _submission(submissions, ids, form, grid, when)
                response = ids.take("records_satisfactionresponse")
                role = rng.choice(ROLES)
                overall = rng.choice((3, 4, 4, 5, 5))
                responses.add(
                    response,
                    instance,
                    ids.next["submissions_submission"] - 1,
                    grid,
                    role,
                    True,
                    when,
                    overall,
                )
                for dimension in SATISFACTION_DIMENSIONS:
                    score = (
                        overall if dimension == "overall" else rng.choice((None, 2, 3, 4, 4, 5, 5))
                    )
                    scores.add(
                        ids.take("records_satisfactionscore"),
                        response,
                        dimension,
                        score,
                        grid,
                        when,
                        True,
                        role,
                    )
                count += 1
    for table in (submissions, responses, scores):
        table.flush()
    return count


SURVEY_SERVICES = ("eldercare", "health", "employment", "childcare", "property", "culture")
PAY = ("free_only", "low_cost", "market", "depends")
VOLUNTEER = ("yes", "maybe", "no", "already")


def _needs_surveys(grids: list[int], ids: Ids, rng: random.Random, form: tuple[int, int]) -> int:
    """One needs survey a year, in May: 30 questionnaires per grid, 10 % declined."""
    from server.records.models import NeedsSurveyResponse

    submissions = _submissions()
    responses = Table(
        NeedsSurveyResponse,
        ["id", "root_instance_id", "submission_id", "grid_id", "anonymous", "responded_at",
         "consent", "top1", "top2", "top3", "pay_willing", "volunteer"],
    )  # fmt: skip
    count = 0
    for grid in grids:
        for _ in range(30):
            when = at(120 + rng.randint(0, 30), rng.randint(9, 19))
            instance = _submission(submissions, ids, form, grid, when)
            consent = rng.random() < 0.9
            top = rng.sample(SURVEY_SERVICES, 3) if consent else ["", "", ""]
            responses.add(
                ids.take("records_needssurveyresponse"), instance,
                ids.next["submissions_submission"] - 1, grid, True, when, consent, *top,
                rng.choice(PAY) if consent else "", rng.choice(VOLUNTEER) if consent else "",
            )  # fmt: skip
            count += 1
    submissions.flush()
    responses.flush()
    return count


def _flag_changes(households: list[tuple[int, int, bool]], ids: Ids, rng: random.Random) -> int:
    """About 2 % of households gain or lose a flag in the year (the register's history)."""
    from server.grids.models import FlagChange

    changes = Table(FlagChange, ["id", "household_id", "grid_id", "flag", "added", "source", "at"])
    count = 0
    for household, grid, _priority in households:
        if rng.random() < 0.02:
            changes.add(
                ids.take("grids_flagchange"), household, grid, rng.choice(FLAGS),
                rng.random() < 0.6, "visit", at(rng.randint(0, 364), rng.randint(8, 20)),
            )  # fmt: skip
            count += 1
    changes.flush()
    return count


if __name__ == "__main__":
    main()
