"""Submission ingest through the real stack: gunicorn, Digest, multipart, Pillow, storage, DB.

Sets up a scratch database (``--database-url``, default a temporary SQLite file) with one
collector and a household-visit form, starts gunicorn on 127.0.0.1, and has ``--concurrency``
phones send ``--count`` distinct submissions, each with one JPEG of about ``--photo-kb`` KB,
the way Collect does (HEAD once, then preemptive Digest POSTs). Prints submissions/s and
latency percentiles. Loopback only; bounded in count and time.

    .venv/bin/python bench/openrosa_submissions.py --count 2000 --concurrency 16
    createdb -h 127.0.0.1 -U postgres gridbook_openrosa_bench
    .venv/bin/python bench/openrosa_submissions.py \\
        --database-url postgres://postgres@127.0.0.1:5432/gridbook_openrosa_bench
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil
import requests
from PIL import Image
from requests.auth import HTTPDigestAuth

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-Horse-7-battery"
FORM = """
| survey |
|        | type        | name       | label::Chinese (zh) | label::English (en) |
|        | start       | start      |                     |                     |
|        | end         | end        |                     |                     |
|        | begin group | grp_id     | 对象                | Household           |
|        | text        | grid       | 网格                | Grid                |
|        | text        | household  | 住户                | Household           |
|        | end group   | grp_id     |                     |                     |
|        | image       | door_photo | 门牌照片            | Door photo          |
|        | text        | note       | 备注                | Note                |
| settings |
|          | form_id  | version    | form_title | default_language |
|          | hh_visit | 2026112301 | 入户走访   | Chinese (zh)     |
"""
SETUP = f"""
from server.accounts.services import user_create
from server.grids.services import area_create
from server.xforms.services import form_publish, form_set_state, form_upload
from server.xforms.xlsform import xlsx_from_markdown
d = area_create(code="JY", name="江阳区", level="district")
s = area_create(code="TY", name="桃源街道", level="street", parent=d)
c = area_create(code="CY", name="长源社区", level="community", parent=s)
g = area_create(code="CY1", name="长源第一网格", level="grid", parent=c)
user_create(username="bob", role="collector", password={PASSWORD!r}, areas=[g])
data = xlsx_from_markdown({FORM!r})
v = form_upload(data=data, file_name="f.xlsx", user=None, validate=False).version
form_set_state(form=v.form, state="open")
form_publish(form=v.form, area=d)
"""


def photo(kilobytes: int) -> bytes:
    side = 256
    while True:
        image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=70)
        if len(buffer.getvalue()) >= kilobytes * 1024:
            return buffer.getvalue()
        side += 64


def body(jpeg: bytes) -> tuple[bytes, str]:
    instance = f"uuid:{uuid.uuid4()}"
    xml = (
        '<?xml version=\'1.0\' ?><data id="hh_visit" version="2026112301" '
        'xmlns:orx="http://openrosa.org/xforms" xmlns="http://opendatakit.org/submissions">'
        "<start>2026-11-23T09:00:01.123+08:00</start><end>2026-11-23T09:12:45.5+08:00</end>"
        "<grp_id><grid>CY1</grid><household>XF-1-101</household></grp_id>"
        "<door_photo>1763859601123.jpg</door_photo><note>楼道灯坏了</note>"
        f"<orx:meta><orx:instanceID>{instance}</orx:instanceID></orx:meta></data>"
    ).encode()
    boundary = uuid.uuid4().hex
    parts = [
        (b"xml_submission_file", b"hh_visit_2026-11-23_09-12-45.xml", b"text/xml", xml),
        (b"1763859601123.jpg", b"1763859601123.jpg", b"image/jpeg", jpeg),
    ]
    chunks = [
        b'--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
        b"Content-Type: %s\r\n\r\n%s\r\n" % (boundary.encode(), name, filename, kind, data)
        for name, filename, kind, data in parts
    ]
    return b"".join(chunks) + b"--%s--\r\n" % boundary.encode(), boundary


def run_phones(url: str, count: int, concurrency: int, jpeg: bytes) -> tuple[list[float], int]:
    latencies: list[float] = []
    failures = [0]
    remaining = [count]
    lock = threading.Lock()

    def phone() -> None:
        session = requests.Session()
        session.auth = HTTPDigestAuth("bob", PASSWORD)
        headers = {"X-OpenRosa-Version": "1.0", "User-Agent": "org.odk.collect.android/bench"}
        session.head(url, headers=headers, timeout=60)
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            data, boundary = body(jpeg)
            content_type = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
            started = time.perf_counter()
            response = session.post(url, data=data, headers=headers | content_type, timeout=60)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                failures[0] += response.status_code != 201

    threads = [threading.Thread(target=phone) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    return latencies, failures[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--photo-kb", type=int, default=300)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--port", type=int, default=18691)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="gridbook-bench-"))
    env = dict(os.environ)
    env.update(
        SECRET_KEY="bench-secret-key-0123456789-0123456789-0123456789",
        GRIDBOOK_DATA_DIR=str(scratch),
        DATABASE_URL=options.database_url or f"sqlite:///{scratch / 'bench.sqlite3'}",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        PORT=str(options.port),
        GUNICORN_WORKERS=str(options.workers),
        GUNICORN_THREADS=str(options.threads),
    )
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{options.port}",
            "--access-logfile",
            "/dev/null",
            "server.wsgi",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{options.port}/submission?deviceID=collect%3Abench"
        for _ in range(100):
            try:
                requests.head(url, timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        jpeg = photo(options.photo_kb)
        run_phones(url, options.concurrency * 2, options.concurrency, jpeg)  # warm up
        server_cpu, client_cpu = _server_cpu(server.pid), time.process_time()
        started = time.perf_counter()
        latencies, failures = run_phones(url, options.count, options.concurrency, jpeg)
        wall = time.perf_counter() - started
        server_cpu = _server_cpu(server.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
    finally:
        server.terminate()
        server.wait(30)
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    print(
        f"{len(latencies)} submissions with a {len(jpeg) // 1024} KB photo, concurrency "
        f"{options.concurrency}, gunicorn {options.workers}x{options.threads}, "
        f"{env['DATABASE_URL'].split(':')[0]}: {len(latencies) / wall:.1f}/s, "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, p90 {p(0.9):.0f} ms, "
        f"p99 {p(0.99):.0f} ms, failures {failures}; CPU per submission: server "
        f"{server_cpu / len(latencies) * 1000:.1f} ms, load generator "
        f"{client_cpu / len(latencies) * 1000:.1f} ms"
    )


def _server_cpu(pid: int) -> float:
    """CPU seconds used so far by gunicorn's master and workers."""
    master = psutil.Process(pid)
    total = 0.0
    for process in [master, *master.children(recursive=True)]:
        times = process.cpu_times()
        total += times.user + times.system
    return total


if __name__ == "__main__":
    main()
