"""Soak test: the end-of-day peak x6 (DOMAIN §2.7: 10 submissions/s, each with 1-2 photos of
about 300 KB) for a long time at the production server (gunicorn) on PostgreSQL + S3, with
its background worker. Reports errors (must be 0), latency percentiles per minute and the
server's memory (RSS of gunicorn and the worker) over time (must be flat).

It starts its own stack with the fault tests' harness (a private PostgreSQL on 55433,
SeaweedFS on 18650, gunicorn on 8600): nothing shared is touched.

    .venv/bin/python -m bench.soak --minutes 10 --rate 10      # the issue's target
    .venv/bin/python -m bench.soak --minutes 2 --rate 4        # a short run on a busy box

Not a test (not in CI); the result goes into docs/performance.md.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import SimpleNamespace

import django
import requests
from PIL import Image

from tests.faults.harness import SECRET_KEY, Gridbook, OwnPostgres, OwnS3
from tests.openrosa.collect import USER_AGENT, Part, multipart

# The submission builder lives with the tests and imports Django: configure it (this process
# only builds XML; the server under test has its own environment).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
os.environ.setdefault("SECRET_KEY", SECRET_KEY)
django.setup()
from tests.openrosa.conftest import visit_xml  # noqa: E402

FORM = SimpleNamespace(form=SimpleNamespace(form_id="hh_visit"), version="2026112301")


def photo_300kb(seed: int) -> bytes:
    rng = random.Random(seed)
    size = 560
    noise = bytes(rng.getrandbits(8) for _ in range(size * size * 3))
    buffer = io.BytesIO()
    Image.frombytes("RGB", (size, size), noise).save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


@dataclass
class Results:
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (sent at, seconds)
    errors: list[str] = field(default_factory=list)
    memory: list[tuple[float, int, int]] = field(default_factory=list)  # (t, gunicorn, worker)
    lock: threading.Lock = field(default_factory=threading.Lock)


def rss_kb(pid: int) -> int:
    """RSS of a process and its children (gunicorn's master and workers)."""
    total = 0
    pids = [pid]
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()  # noqa: SIM115
        pids += [int(child) for child in children]
    except OSError:
        pass
    for each in pids:
        try:
            for line in open(f"/proc/{each}/status"):  # noqa: SIM115
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def send_one(url: str, photos: list[bytes], results: Results, started: float) -> None:
    count = random.choice((1, 2))
    names = [f"{uuid.uuid4().hex[:12]}.jpg" for _ in range(count)]
    xml = visit_xml(FORM, door_photo=names[0], need_photos=tuple(names[1:]))  # type: ignore[arg-type]
    body, content_type = multipart(xml, [Part(n, random.choice(photos)) for n in names])
    sent = time.monotonic()
    try:
        response = requests.post(
            url,
            data=body,
            headers={
                "Content-Type": content_type,
                "X-OpenRosa-Version": "1.0",
                "User-Agent": USER_AGENT,
            },
            timeout=60,
        )
        ok = response.status_code == 201
        error = "" if ok else f"{response.status_code} {response.text[:120]}"
    except requests.RequestException as failure:
        error = repr(failure)
    with results.lock:
        results.latencies.append((sent - started, time.monotonic() - sent))
        if error:
            results.errors.append(error)


def watch_memory(
    gridbook: Gridbook, results: Results, started: float, stop: threading.Event
) -> None:
    while not stop.wait(10):
        server = rss_kb(gridbook.server.pid) if gridbook.server else 0
        worker = rss_kb(gridbook.worker.pid) if gridbook.worker else 0
        results.memory.append((time.monotonic() - started, server, worker))


def report(results: Results, minutes: float, rate: float) -> None:
    sent, errors = len(results.latencies), len(results.errors)
    print(f"\n{sent} submissions at {rate}/s for {minutes} min; errors: {errors}")
    for error in results.errors[:5]:
        print("  ", error)
    print("\nminute  sent   p50 ms  p95 ms  p99 ms  max ms")
    for minute in range(int(minutes + 0.999)):
        window = sorted(s for t, s in results.latencies if minute * 60 <= t < (minute + 1) * 60)
        if not window:
            continue
        q = statistics.quantiles(window, n=100) if len(window) > 1 else window * 99
        p50, p95, p99, top = (value * 1000 for value in (q[49], q[94], q[98], window[-1]))
        print(f"{minute + 1:>6}  {len(window):>4}  {p50:>7.0f} {p95:>7.0f} {p99:>7.0f} {top:>7.0f}")
    print("\n  time s  gunicorn RSS MB  worker RSS MB")
    for at, server, worker in results.memory:
        print(f"{at:>8.0f}  {server / 1024:>15.1f}  {worker / 1024:>13.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=10, help="submissions per second")
    options = parser.parse_args()
    postgres, s3 = OwnPostgres(), OwnS3()
    gridbook = Gridbook(postgres=postgres, s3=s3)
    results = Results()
    stop = threading.Event()
    try:
        postgres.create()
        s3.start()
        gridbook.manage("migrate", "--noinput")
        gridbook.manage("createcachetable")
        token = gridbook.python("tests.faults.seed").strip().splitlines()[-1]
        gridbook.start_server()
        gridbook.start_worker()
        photos = [photo_300kb(seed) for seed in range(8)]
        url = f"{gridbook.url}/key/{token}/submission?deviceID=collect%3Asoak"
        started = time.monotonic()
        watcher = threading.Thread(target=watch_memory, args=(gridbook, results, started, stop))
        watcher.start()
        total = int(options.minutes * 60 * options.rate)
        with ThreadPoolExecutor(max_workers=64) as pool:
            for index in range(total):
                delay = started + index / options.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(send_one, url, photos, results, started)
        stop.set()
        watcher.join()
        report(results, options.minutes, options.rate)
    finally:
        stop.set()
        gridbook.remove()
        s3.remove()
        postgres.remove()


if __name__ == "__main__":
    main()
