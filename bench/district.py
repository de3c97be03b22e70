"""The district of shared/DOMAIN.md §2.7 in a scratch database, for bench/collect_load.py.

Run by the driver in a subprocess with the server's environment (``DATABASE_URL``,
``GRIDBOOK_DATA_DIR``...), never against a real installation:

- ``register``: 1 district, 10 streets, 69 communities, 690 grids, buildings of 30
  households up to ``--households`` (206,000 = DOMAIN §2.7), and ``--collectors`` collectors
  (688), one grid each, all with the password ``PASSWORD`` (hashed once, copied: hashing 688
  times would take minutes). Then the shipped forms (``load_forms``, published to the district).
- ``stored N``: N submissions already stored, copied in bulk SQL from one real submission
  (the driver sends it first) with distinct instanceIDs, with their attachment rows, so the
  tables and their unique indexes have the size of a year (1,000,000) of a district.

Bulk inserts bypass the services on purpose: they build volume, not behaviour.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-Horse-7-battery"
STREETS, COMMUNITIES_PER_STREET, GRIDS_PER_COMMUNITY = 10, 7, 10  # 700 slots, 690 used
GRIDS = 690
PER_BUILDING = 30


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
    import django

    django.setup()


def register(households: int, collectors: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from server.accounts.models import AreaAssignment, DigestCredential, User
    from server.accounts.services import user_create
    from server.grids.models import Area, Building, Household

    started = time.perf_counter()
    with transaction.atomic():
        district = Area.objects.create(code="D", name="江阳区", level="district", path="/D/")
        grids: list[Area] = []
        for s in range(STREETS):
            street = Area.objects.create(
                code=f"S{s:02d}",
                name=f"第{s + 1}街道",
                level="street",
                parent=district,
                path=f"/D/S{s:02d}/",
            )
            for c in range(COMMUNITIES_PER_STREET):
                community = Area.objects.create(
                    code=f"S{s:02d}C{c}",
                    name=f"第{s + 1}街道第{c + 1}社区",
                    level="community",
                    parent=street,
                    path=f"{street.path}S{s:02d}C{c}/",
                    community_type="urban",
                )
                for g in range(GRIDS_PER_COMMUNITY):
                    if len(grids) >= GRIDS:
                        break
                    code = f"S{s:02d}C{c}G{g}"
                    grids.append(
                        Area(
                            code=code,
                            name=f"{community.name}第{g + 1}网格",
                            level="grid",
                            parent=community,
                            path=f"{community.path}{code}/",
                        )
                    )
        grids = Area.objects.bulk_create(grids)
        per_grid = households // len(grids)
        buildings = Building.objects.bulk_create(
            [
                Building(code=f"{grid.code}-B{b:02d}", label=f"{b + 1}栋", grid=grid)
                for grid in grids
                for b in range(-(-per_grid // PER_BUILDING))
            ],
            batch_size=2000,
        )
        by_grid: dict[int, list[Building]] = {}
        for building in buildings:
            by_grid.setdefault(building.grid_id, []).append(building)
        rows: list[Household] = []
        made = 0
        for index, grid in enumerate(grids):
            wanted = per_grid + (1 if index < households - per_grid * len(grids) else 0)
            for n in range(wanted):
                building = by_grid[grid.pk][min(n // PER_BUILDING, len(by_grid[grid.pk]) - 1)]
                unit, rest = divmod(n % PER_BUILDING, 10)
                floor, room = divmod(rest, 2)
                rows.append(
                    Household(
                        code=f"{building.code}-{unit + 1}-{floor + 1}0{room + 1}-{n}",
                        building=building,
                        unit=str(unit + 1),
                        floor=floor + 1,
                        room=f"{floor + 1}0{room + 1}",
                        address_label=f"{building.label}{unit + 1}单元{floor + 1}0{room + 1}",
                        head_name=f"住户{n}",
                    )
                )
            if len(rows) >= 20000:
                Household.objects.bulk_create(rows, batch_size=5000)
                made += len(rows)
                rows = []
        Household.objects.bulk_create(rows, batch_size=5000)
        made += len(rows)
        # One collector made the real way; the others copy its password hash and Digest secret.
        first = user_create(username="c0000", role="collector", password=PASSWORD, areas=[grids[0]])
        secret = DigestCredential.objects.get(user=first)
        users = User.objects.bulk_create(
            [
                User(username=f"c{i:04d}", role="collector", password=first.password)
                for i in range(1, collectors)
            ]
        )
        DigestCredential.objects.bulk_create(
            [
                DigestCredential(
                    user=user,
                    realm=secret.realm,
                    ha1=_ha1(user, secret.realm),
                    password_fingerprint=secret.password_fingerprint,
                )
                for user in users
            ]
        )
        AreaAssignment.objects.bulk_create(
            [AreaAssignment(user=user, area=grids[i + 1]) for i, user in enumerate(users)]
        )
    call_command("load_forms", "--no-validate", verbosity=0)
    print(
        f"register: {len(grids)} grids, {len(buildings)} buildings, {made} households, "
        f"{collectors} collectors in {time.perf_counter() - started:.0f} s"
    )


def _ha1(user: object, realm: str) -> str:
    from server.accounts.services import digest_ha1

    return digest_ha1(user.username, realm, PASSWORD)  # type: ignore[attr-defined]


def stored(count: int) -> None:
    """Copy the newest submission ``count`` times (new ids and instanceIDs), attachments too."""
    from django.db import connection, transaction

    from server.submissions.models import Attachment, Submission

    started = time.perf_counter()
    template = Submission.objects.order_by("-pk").first()
    if template is None:
        raise SystemExit("stored: send one submission first")
    table, attachments = Submission._meta.db_table, Attachment._meta.db_table
    columns = [f.column for f in Submission._meta.concrete_fields if f.column not in ("id",)]
    new_values = {
        "instance_id": "'uuid:bulk-' || g",
        "root_instance_id": "'uuid:bulk-' || g",
        "supersedes_id": "NULL",
        "deprecated_id": "''",
    }
    select = ", ".join(new_values.get(c, f"t.{c}") for c in columns)
    if connection.vendor == "postgresql":
        series = "generate_series(%s, %s) AS s(g)"
    else:
        series = (
            "(WITH RECURSIVE s(g) AS (SELECT %s UNION ALL SELECT g + 1 FROM s WHERE g < %s) "
            "SELECT g FROM s) AS s"
        )
    acolumns = [f.column for f in Attachment._meta.concrete_fields if f.column != "id"]
    aselect = ", ".join("n.id" if c == "submission_id" else f"a.{c}" for c in acolumns)
    base = Submission.objects.filter(instance_id__startswith="uuid:bulk-").count()
    done, batch = 0, 100_000
    while done < count:
        upto = min(count, done + batch)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} "
                f"FROM {table} t, {series} WHERE t.id = %s",
                [base + done + 1, base + upto, template.pk],
            )
            after = template.pk if done == 0 else _bulk_id(table, base + done)
            cursor.execute(
                f"INSERT INTO {attachments} ({', '.join(acolumns)}) SELECT {aselect} "
                f"FROM {table} n JOIN {attachments} a ON a.submission_id = %s "
                f"WHERE n.instance_id LIKE 'uuid:bulk-%%' AND n.id > %s",
                [template.pk, after],
            )
        done = upto
        print(f"stored: {done} submissions ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}; ANALYZE {attachments}")
        else:
            cursor.execute("ANALYZE")


def _bulk_id(table: str, done: int) -> int:
    """The id of the ``done``-th bulk row (the attachments of later rows are still to copy)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE instance_id = %s", [f"uuid:bulk-{done}"])
        return int(cursor.fetchone()[0])


if __name__ == "__main__":
    _django()
    if sys.argv[1] == "register":
        register(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == "stored":
        stored(int(sys.argv[2]))
    else:
        raise SystemExit(__doc__)
