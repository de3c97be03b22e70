"""Export benchmark on the DOMAIN §2.7 profile: N household-visit submissions of the shipped
``hh_visit`` form (with their needs repeat), exported as CSV ZIP and as XLSX by the real job
code (``export_run``), each in a fresh process whose peak RSS is reported.

The data is bulk-loaded with PostgreSQL COPY (realistic answers: 25% nobody home, ~12% of
visits raise 1–2 needs, special-population flags, GPS, diary text) into 64 communities × 11
grids with one collector each. The stored XML is a short stand-in: exports never read it.
With ``--photos N`` the first N visits get a ~300 KB door photo in media storage, for
``--formats media_zip``.

    createdb -h 127.0.0.1 -U postgres gb_exports
    .venv/bin/python bench/exports.py \\
        --database-url postgres://postgres@127.0.0.1:5432/gb_exports --count 200000
    # again with the data kept: --count 200000 --formats xlsx   (only loads what is missing)
    # the per-grid record report of a year, on bench/records_read.py's district:
    .venv/bin/python bench/exports.py --database-url postgres://…/gb_records --no-load \\
        --formats record_report
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMUNITIES, GRIDS_PER_COMMUNITY = 64, 11
REPORT_YEAR = 2026


def environment(database_url: str, data_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789",
        "GRIDBOOK_DATA_DIR": data_dir,
        "GRIDBOOK_TASKS": "immediate",
        "GRIDBOOK_ODK_VALIDATE": "off",
        "DJANGO_SETTINGS_MODULE": "server.settings",
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# ---------------------------------------------------------------- loading (child process)


def load(count: int, photos: int = 0) -> None:
    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    world = _world()
    _submissions(world, count)
    if photos:
        _photos(photos)


def _photos(count: int) -> None:
    """A door photo of ~300 KB (a real JPEG of noise, which does not compress) for the
    first ``count`` submissions that name one, written through the media storage (local
    disk or S3) under its own key, with its attachment row: what the media ZIP reads."""
    import hashlib
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from server.core.storage import media_storage
    from server.submissions.models import Attachment, Submission

    have = Attachment.objects.count()
    if have >= count:
        print(f"{have} photos already stored", flush=True)
        return
    noise = Image.frombytes("RGB", (640, 480), random.Random(7).randbytes(640 * 480 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "JPEG", quality=92)
    jpeg = buffer.getvalue()
    storage = media_storage()
    started = time.monotonic()
    rows = []
    submissions = (
        Submission.objects.exclude(data__door_photo="")
        .order_by("pk")
        .values_list("pk", "instance_id", "data__door_photo")[have:count]
    )
    for pk, instance, name in submissions.iterator(chunk_size=2000):
        key = storage.save(f"submissions/bench/{instance[5:]}/{name}", ContentFile(jpeg))
        rows.append(
            Attachment(
                submission_id=pk, name=name, field_path="/data/door_photo", present=True,
                file=key, md5=hashlib.md5(jpeg).hexdigest(), size=len(jpeg),
                content_type="image/jpeg", is_image=True, width=640, height=480,
            )
        )  # fmt: skip
        if len(rows) >= 2000:
            Attachment.objects.bulk_create(rows)
            rows = []
    Attachment.objects.bulk_create(rows)
    total = Attachment.objects.count()
    print(
        f"stored {total - have} photos of {len(jpeg) / 1000:.0f} KB "
        f"({(total - have) * len(jpeg) / 1e9:.1f} GB) in {time.monotonic() - started:.0f} s",
        flush=True,
    )


def _world() -> dict:
    from server.accounts.models import User
    from server.accounts.services import user_create
    from server.grids.models import Area
    from server.grids.services import area_create
    from server.xforms.models import Form
    from server.xforms.services import form_publish, form_set_state, form_upload

    if not Area.objects.filter(code="JY").exists():
        district = area_create(code="JY", name="江阳区", level="district")
        street = area_create(code="TY", name="桃源街道", level="street", parent=district)
        for c in range(COMMUNITIES):
            community = area_create(
                code=f"C{c:02d}", name=f"第{c + 1}社区", level="community", parent=street
            )
            for g in range(GRIDS_PER_COMMUNITY):
                grid = area_create(
                    code=f"C{c:02d}G{g:02d}",
                    name=f"第{c + 1}社区第{g + 1}网格",
                    level="grid",
                    parent=community,
                )
                user_create(
                    username=f"w{c:02d}{g:02d}",
                    role="collector",
                    password="Bench-Horse-7-battery",
                    full_name=f"网格员{c:02d}{g:02d}",
                    areas=[grid],
                )
        user_create(username="admin", role="admin", password="Bench-Horse-7-battery")
    if not Form.objects.filter(form_id="hh_visit").exists():
        data = (ROOT / "forms" / "household_visit.xlsx").read_bytes()
        admin = User.objects.get(username="admin")
        result = form_upload(
            data=data, file_name="household_visit.xlsx", user=admin, validate=False
        )
        form_set_state(form=result.version.form, state="open")
        form_publish(form=result.version.form, area=Area.objects.get(code="JY"))
    version = Form.objects.get(form_id="hh_visit").current_version
    grids = list(
        Area.objects.filter(level="grid").order_by("code").values_list("id", "code", "parent__code")
    )
    workers = dict(User.objects.filter(role="collector").values_list("assignments__area_id", "id"))
    return {"version": version, "grids": grids, "workers": workers}


VISIT_TYPES = ["routine"] * 7 + ["followup", "special_policy", "condolence", "info_check"]
RESULTS = ["met"] * 70 + ["nobody_home"] * 25 + ["refused", "moved_out", "vacant"] * 2
FLAGS = [
    "dibao",
    "dibao_edge",
    "hardship",
    "unemployed",
    "disabled",
    "elderly_80",
    "serious_ill",
    "migrant",
    "retiree",
]
NEEDS = [
    "eldercare",
    "employment",
    "assistance",
    "social_insurance",
    "health",
    "housing",
    "environment",
    "security",
    "dispute",
    "property_mgmt",
]
TEXTS = [
    "楼道灯坏了，晚上老人上下楼不方便",
    "希望社区组织上门体检",
    "孩子上学需要开居住证明",
    "隔壁装修噪音太大",
    "申请低保需要哪些材料",
    "家里水管老化漏水",
]


def _answers(rng: random.Random, grid: str, community: str, n: int, start: str, end: str) -> dict:
    household = f"{grid}-{rng.randint(1, 40):02d}-{rng.randint(1, 6)}{rng.randint(1, 2):02d}"
    result = rng.choice(RESULTS)
    data: dict = {
        "start": start,
        "end": end,
        "today": start[:10],
        "deviceid": f"collect:{grid}{n % 7:04d}Xk3pQ9wL",
        "username": "",
        "grp_id": {
            "community": community,
            "grid": grid,
            "building": household[:-4],
            "household": household,
        },
        "new_address": "",
        "hh_label": f"{household[:-4]}栋{household[-3:]}室",
        "hh_flags": "",
        "hh_last": "2026-08-12",
        "grp_visit": {
            "visit_type": rng.choice(VISIT_TYPES),
            "visit_result": result,
            "met_whom": "head" if result == "met" else "",
            "phone": "",
        },
        "door_photo": "" if result == "refused" else f"{1763859601123 + n}.jpg",
        "location": f"{30.5 + rng.random() / 10:.6f} {104.0 + rng.random() / 10:.6f} 500 "
        f"{rng.randint(3, 30)}",
        "grp_end": {"services_done": "", "opinions": "", "diary": "", "next_visit": "2026-12-20"},
        "meta": {"instanceID": "", "instanceName": f"{grid}-{household}-{start[:10]}"},
    }
    if result == "met":
        flags = " ".join(sorted(rng.sample(FLAGS, rng.choice([0, 0, 0, 1, 1, 2])))) or "none"
        data["grp_hh"] = {
            "residence_type": rng.choice(["registered", "registered", "renter", "hukou_sep"]),
            "members_total": str(rng.randint(1, 6)),
            "members_changed": "no",
            "elderly_60": str(rng.randint(0, 2)),
            "elderly_living": "with_family",
            "special_flags": flags,
            "disability_type": "",
            "unemployed_n": "",
            "hardship_note": "",
        }
        data["grp_living"] = {
            "housing_condition": rng.choice(["good", "fair", "poor"]),
            "hazards": rng.choice(["none"] * 9 + ["gas wiring"]),
            "hazard_photo": "",
            "env_issues": "none",
        }
        count = rng.choice([1, 1, 2]) if rng.random() < 0.12 else 0
        data["grp_needs"] = {
            "has_needs": "yes" if count else "no",
            "needs": [
                {
                    "need_category": rng.choice(NEEDS),
                    "need_desc": rng.choice(TEXTS),
                    "need_urgency": "normal",
                    "need_photo": "",
                    "need_handling": "community",
                    "need_spot_result": "",
                }
                for _ in range(count)
            ],
        }
        data["needs_count"] = str(count)
        data["grp_end"].update(
            {
                "services_done": "policy info_update",
                "opinions": rng.choice(["", "", "希望多组织社区活动"]),
                "diary": rng.choice(TEXTS),
            }
        )
    return data


def _submissions(world: dict, count: int) -> None:
    from django.db import connection

    from server.submissions.models import Submission

    have = Submission.objects.count()
    if have >= count:
        print(f"{have} submissions already loaded", flush=True)
        return
    version = world["version"]
    rng = random.Random(have)
    columns = (
        "form_id",
        "form_version_id",
        "instance_id",
        "root_instance_id",
        "deprecated_id",
        "is_current",
        "instance_name",
        "xml",
        "xml_md5",
        "data",
        "encrypted",
        "submitted_by_id",
        "device_id",
        "user_agent",
        "received_at",
        "started_at",
        "ended_at",
        "grid_id",
        "attachments_expected",
        "attachments_present",
        "review_state",
    )
    started = time.monotonic()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY submissions_submission ({', '.join(columns)}) FROM STDIN") as copy:
            for n in range(have, count):
                grid_id, grid, community = world["grids"][n % len(world["grids"])]
                day = 1 + (n * 7919) % 365
                month, mday = 1 + (day - 1) // 31 % 12, 1 + (day - 1) % 28
                moment = f"2026-{month:02d}-{mday:02d}T{8 + n % 10:02d}:{n % 60:02d}:00+08:00"
                end = moment.replace(f":{n % 60:02d}:00", f":{n % 60:02d}:40")
                data = _answers(rng, grid, community, n, moment, end)
                instance = f"uuid:00000000-0000-4000-8000-{n:012d}"
                data["meta"]["instanceID"] = instance
                copy.write_row(
                    (
                        version.form_id,
                        version.pk,
                        instance,
                        instance,
                        "",
                        True,
                        data["meta"]["instanceName"],
                        b"<data/>",
                        "0" * 32,
                        json.dumps(data, ensure_ascii=False),
                        False,
                        world["workers"][grid_id],
                        data["deviceid"],
                        "org.odk.collect.android/v2025.2.3",
                        moment,
                        moment,
                        end,
                        grid_id,
                        1,
                        0,
                        "received",
                    )
                )
                if n % 100_000 == 0 and n:
                    print(f"  loaded {n}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE submissions_submission")
    print(f"loaded {count - have} submissions in {time.monotonic() - started:.0f} s", flush=True)


# ---------------------------------------------------------------- one export (child process)


def run_one(export_format: str) -> None:
    django_setup()
    import resource

    from server.accounts.models import User
    from server.exports.services import export_request

    admin = User.objects.filter(username="admin").first() or User.objects.create(
        username="admin", role="admin", is_staff=True, is_superuser=True
    )
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    started = time.monotonic()
    # GRIDBOOK_TASKS=immediate: the job runs inside the request, after its commit
    if export_format == "record_report":
        # The per-grid record report of a year for the whole district (records tables: run it
        # on bench/records_read.py's database, with --no-load).
        job = export_request(
            user=admin,
            kind="record_report",
            format="xlsx",
            filters={"date_from": f"{REPORT_YEAR}-01-01", "date_to": f"{REPORT_YEAR}-12-31"},
        )
    else:
        job = export_request(
            user=admin,
            kind="submissions",
            format=export_format,
            form_id="hh_visit",
            options={"language": "zh"},
        )
    elapsed = time.monotonic() - started
    job.refresh_from_db()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    assert job is not None and job.state == "done", (job and job.state, job and job.error_detail)
    print(
        json.dumps(
            {
                "format": export_format,
                "seconds": round(elapsed, 1),
                "cpu_seconds": round(cpu, 1),
                "peak_rss_mb": round(peak),
                "rows": job.rows_done,
                "size_mb": round((job.file_size or 0) / 1e6, 1),
            }
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database to fill")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument(
        "--formats",
        default="csv_zip,xlsx",
        help="csv_zip, xlsx, media_zip, geojson, record_report",
    )
    parser.add_argument("--no-load", action="store_true", help="export what the database holds")
    parser.add_argument(
        "--photos", type=int, default=0, help="door photos (~300 KB each) for the media ZIP"
    )
    parser.add_argument("--child", choices=["load", "run"], help=argparse.SUPPRESS)
    parser.add_argument("--format", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "load":
        return load(args.count, args.photos)
    if args.child == "run":
        return run_one(args.format)
    with tempfile.TemporaryDirectory(prefix="gridbook-bench-") as data_dir:
        env = environment(args.database_url, data_dir)
        me = [
            sys.executable,
            __file__,
            "--database-url",
            args.database_url,
            "--count",
            str(args.count),
            "--photos",
            str(args.photos),
        ]
        if not args.no_load:
            subprocess.run([*me, "--child", "load"], env=env, check=True)
        print(f"load average: {os.getloadavg()[0]:.2f}", flush=True)
        for export_format in args.formats.split(","):
            subprocess.run([*me, "--child", "run", "--format", export_format], env=env, check=True)
            print(f"load average: {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
