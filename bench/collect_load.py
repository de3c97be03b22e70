"""A load of ODK Collect phones against Gridbook's production server (gunicorn + db_worker, as
``scripts/run.sh`` starts them), for docs/performance.md.

    # once: a scratch district (206,000 households, 688 collectors, shipped forms)
    python bench/collect_load.py --data-dir /tmp/gb-bench --database-url postgres://... setup
    # ingest: 16 phones, one 300 KB photo each
    python bench/collect_load.py --data-dir /tmp/gb-bench --database-url ... ingest -c 16 --photos 1
    # the end-of-day peak: 10 submissions/s with 1-2 photos for 10 minutes
    python bench/collect_load.py ... peak --rate 10 --duration 600
    # 688 collectors fetch formList + manifest + households.csv
    python bench/collect_load.py ... reads --collectors 688 -c 64
    # 1,000,000 submissions already stored (bulk SQL), then ingest again
    python bench/collect_load.py ... stored 1000000

Each phone is one collector of the district (its own grid and households), sends HEAD then
multipart POSTs with Digest (preemptive after the first challenge, as Collect does), a
distinct instanceID each time and the shipped household-visit form's answers, including its
needs repeat; photos are realistic JPEGs (1280×960 for 300 KB, 3264×2448 for 2 MB). Bodies
are built from precomputed parts (only the XML differs), so the driver stays cheap; its own
CPU is reported. Server figures: peak RSS of gunicorn (master + workers) and of the
db_worker, and CPU seconds per submission of gunicorn, the db_worker and the PostgreSQL
backends of the bench database (read from /proc through psutil). Loopback only.
S3: export the S3_* variables (scripts/s3-test-server.sh) before running; they pass through.
"""

from __future__ import annotations

import argparse
import io
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import requests
from PIL import Image, ImageFilter
from requests.auth import HTTPDigestAuth

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from district import PASSWORD  # noqa: E402

FORM_ID, VERSION = "hh_visit", "2026112301"
BOUNDARY = "----gridbookbench7MA4YWxkTrZu0gW"
HEADERS = {
    "X-OpenRosa-Version": "1.0",
    "User-Agent": "org.odk.collect.android/v2025.2.1 (bench)",
}


# ------------------------------------------------------------------ the server


@dataclass
class Server:
    options: argparse.Namespace
    env: dict[str, str]
    gunicorn: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.options.port}"

    def start(self) -> None:
        python, o = sys.executable, self.options
        subprocess.run(
            [python, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=self.env, check=True
        )
        self.gunicorn = subprocess.Popen(
            [python, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind",
             f"127.0.0.1:{o.port}", "--access-logfile", "/dev/null", "server.wsgi"],
            cwd=ROOT, env=self.env,
        )  # fmt: skip
        if not o.no_worker:
            self.worker = subprocess.Popen(
                [python, "manage.py", "db_worker", "--queue-name", "*"],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        for _ in range(150):
            try:
                requests.get(f"{self.url}/healthz", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise SystemExit("the server did not start")

    def stop(self) -> None:
        for process in (self.gunicorn, self.worker):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (self.gunicorn, self.worker):
            if process is not None:
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()


def server_env(options: argparse.Namespace) -> dict[str, str]:
    data = Path(options.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        SECRET_KEY="bench-secret-key-0123456789-0123456789-0123456789",
        GRIDBOOK_DATA_DIR=str(data),
        DATABASE_URL=options.database_url or f"sqlite:///{data / 'bench.sqlite3'}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        PORT=str(options.port),
    )
    if options.workers:
        env["GUNICORN_WORKERS"] = str(options.workers)
    if options.threads:
        env["GUNICORN_THREADS"] = str(options.threads)
    return env


# ------------------------------------------------------------------ what the server uses


class Meter:
    """CPU seconds and peak RSS of the server's processes, sampled every ``every`` s."""

    def __init__(self, server: Server, database: str, every: float = 0.5) -> None:
        self.server, self.database, self.every = server, database, every
        self.peak_rss = {"gunicorn": 0, "db_worker": 0}
        self.samples: list[tuple[float, int, int]] = []  # (t, gunicorn RSS, worker RSS)
        self._cpu: dict[int, tuple[str, float]] = {}
        self._base: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.started = time.perf_counter()

    def _processes(self) -> list[tuple[str, psutil.Process]]:
        found: list[tuple[str, psutil.Process]] = []
        for kind, popen in (("gunicorn", self.server.gunicorn), ("db_worker", self.server.worker)):
            if popen is None:
                continue
            try:
                root = psutil.Process(popen.pid)
                found += [(kind, p) for p in [root, *root.children(recursive=True)]]
            except psutil.NoSuchProcess:
                pass
        if self.database:
            for process in psutil.process_iter(["name", "cmdline"]):
                cmdline = " ".join(process.info["cmdline"] or [])
                if cmdline.startswith("postgres: ") and f" {self.database} " in cmdline:
                    found.append(("postgres", process))
        return found

    def _read(self) -> tuple[int, int]:
        rss = {"gunicorn": 0, "db_worker": 0}
        for kind, process in self._processes():
            try:
                times = process.cpu_times()
                if kind in rss:
                    rss[kind] += process.memory_info().rss
            except psutil.Error:
                continue
            cpu = times.user + times.system
            if process.pid not in self._cpu and process.pid not in self._base:
                self._base[process.pid] = cpu if self._thread.is_alive() is False else 0.0
            self._cpu[process.pid] = (kind, cpu)
        for kind, value in rss.items():
            self.peak_rss[kind] = max(self.peak_rss[kind], value)
        return rss["gunicorn"], rss["db_worker"]

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            gunicorn, worker = self._read()
            self.samples.append((time.perf_counter() - self.started, gunicorn, worker))

    def start(self) -> None:
        self._read()  # the baseline: CPU already used by processes alive now
        self.started = time.perf_counter()
        self._thread.start()

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self._read()
        used: dict[str, float] = {"gunicorn": 0.0, "db_worker": 0.0, "postgres": 0.0}
        for pid, (kind, cpu) in self._cpu.items():
            used[kind] += cpu - self._base.get(pid, 0.0)
        return used


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# ------------------------------------------------------------------ what a phone sends


def jpeg(kilobytes: int, seed: int = 1) -> bytes:
    """A photo of about ``kilobytes`` KB with a phone photo's pixel count (smooth shapes and
    sensor-like noise), so decoding it costs what a real one costs."""
    rng = random.Random(seed)
    width, height = (1280, 960) if kilobytes <= 800 else (3264, 2448)
    small = Image.frombytes("RGB", (40, 30), bytes(rng.randrange(256) for _ in range(3600)))
    base = small.resize((width, height), Image.Resampling.BICUBIC)
    noise = Image.effect_noise((width, height), 40).convert("RGB")
    image = Image.blend(base, noise, 0.25).filter(ImageFilter.SMOOTH)
    low, high, best = 5, 98, b""
    while low <= high:  # the quality whose size is closest under the wish
        quality = (low + high) // 2
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=quality)
        if buffer.tell() <= kilobytes * 1024:
            best, low = buffer.getvalue(), quality + 1
        else:
            high = quality - 1
    return best or buffer.getvalue()


@dataclass
class Phone:
    username: str
    grid: str
    households: list[str]


def visit_xml(phone: Phone, rng: random.Random, photos: int) -> tuple[bytes, list[str]]:
    """One household visit as Collect writes it (shipped hh_visit), with ``photos`` photos."""
    instance = f"uuid:{uuid.uuid4()}"
    household = rng.choice(phone.households) if phone.households else "H-1"
    stamp = int(time.time() * 1000)
    names = [f"{stamp + i}.jpg" for i in range(photos)]
    door = f"<door_photo>{names[0]}</door_photo>" if photos >= 1 else "<door_photo/>"
    needs = "".join(
        "<needs><need_category>eldercare</need_category>"
        f"<need_desc>{text}</need_desc><need_urgency>normal</need_urgency>"
        f"<need_photo>{photo}</need_photo><need_handling>community</need_handling>"
        "<need_spot_result/></needs>"
        for text, photo in (
            ("老人行动不便，希望安排助餐上门", names[1] if photos >= 2 else ""),
            ("楼道灯坏了，晚上看不见", ""),
        )
    )
    xml = (
        "<?xml version='1.0' ?>"
        f'<data id="{FORM_ID}" version="{VERSION}" xmlns:h="http://www.w3.org/1999/xhtml" '
        'xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms" '
        'xmlns:odk="http://www.opendatakit.org/xforms">'
        "<start>2026-11-23T17:02:11.482+08:00</start><end>2026-11-23T17:14:45.030+08:00</end>"
        "<today>2026-11-23</today><deviceid>collect:Xk3pQ9wLm2Rt7vB1</deviceid>"
        f"<username>{phone.username}</username>"
        f"<grp_id><community>{phone.grid[:-2]}</community><grid>{phone.grid}</grid>"
        f"<building>{household.rsplit('-', 3)[0]}</building><household>{household}</household>"
        "</grp_id><new_address/>"
        f"<hh_label>{household}</hh_label><hh_flags>dibao elderly_alone</hh_flags>"
        "<hh_last>2026-10-20</hh_last><hh_residence>registered</hh_residence>"
        "<hh_flags_text>低保 独居老人</hh_flags_text>"
        "<hh_residence_text>户籍人口</hh_residence_text>"
        "<grp_visit><hh_card/><visit_type>routine</visit_type><visit_result>met</visit_result>"
        "<met_whom>head</met_whom><phone/></grp_visit>"
        "<grp_hh><residence_type>registered</residence_type><members_total>3</members_total>"
        "<members_changed>no</members_changed><members_change_note/><elderly_60>1</elderly_60>"
        "<elderly_living>alone</elderly_living><special_flags>dibao</special_flags>"
        "<disability_type/><unemployed_n>0</unemployed_n>"
        "<hardship_note>老人独居，医疗费用负担较重</hardship_note></grp_hh>"
        "<grp_living><housing_condition>fair</housing_condition><hazards>wiring ebike</hazards>"
        "<hazard_photo/><env_issues>lighting</env_issues></grp_living>"
        f"{door}<location>28.8718 105.4423 312.0 8.5</location>"
        f"<grp_needs><has_needs>yes</has_needs>{needs}</grp_needs><needs_count>2</needs_count>"
        "<grp_end><services_done>policy health_check</services_done>"
        "<opinions>希望增加社区活动</opinions><diary>老人精神尚好，提醒注意用电安全。</diary>"
        "<next_visit>2026-12-20</next_visit><summary/></grp_end>"
        f"<meta><instanceID>{instance}</instanceID>"
        f"<instanceName>{phone.grid}-{household}-2026-11-23</instanceName></meta></data>"
    )
    return xml.encode(), names


def multipart(xml: bytes, names: list[str], photo: bytes) -> bytes:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="xml_submission_file"; '
        'filename="hh_visit_2026-11-23_17-14-45.xml"\r\nContent-Type: text/xml\r\n\r\n'
    ).encode()
    parts = [head, xml, b"\r\n"]
    for name in names:
        parts += [
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{name}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode(),
            photo,
            b"\r\n",
        ]
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


# ------------------------------------------------------------------ sending


@dataclass
class Results:
    latencies: list[tuple[float, float, int]] = field(default_factory=list)  # (t, s, status)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, at: float, seconds: float, status: int, error: str = "") -> None:
        with self.lock:
            self.latencies.append((at, seconds, status))
            if error or status not in (200, 201, 204):
                key = error or str(status)
                self.errors[key] = self.errors.get(key, 0) + 1


def session_for(phone: Phone) -> requests.Session:
    session = requests.Session()
    session.auth = HTTPDigestAuth(phone.username, PASSWORD)
    session.headers.update(HEADERS)
    return session


def submit(session: requests.Session, url: str, body: bytes, results: Results, t0: float) -> None:
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    started = time.perf_counter()
    try:
        response = session.post(url, data=body, headers=headers, timeout=120)
        status, error = response.status_code, ""
    except requests.RequestException as failure:
        status, error = 0, type(failure).__name__
    results.add(started - t0, time.perf_counter() - started, status, error)


def photo_counts(spec: str) -> list[int]:
    """``1`` or ``1,2`` (a mix: each submission picks one)."""
    return [int(part) for part in spec.split(",")]


def run_closed(
    server: Server, phones: list[Phone], count: int, photos: list[int], photo: bytes
) -> tuple[Results, float]:
    """Each phone sends as fast as answers come back, ``count`` in all."""
    url = f"{server.url}/submission?deviceID=collect%3Abench"
    results, remaining, lock = Results(), [count], threading.Lock()
    t0 = time.perf_counter()

    def run(phone: Phone, seed: int) -> None:
        rng, session = random.Random(seed), session_for(phone)
        session.head(url, timeout=60)
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            xml, names = visit_xml(phone, rng, rng.choice(photos))
            submit(session, url, multipart(xml, names, photo), results, t0)

    threads = [threading.Thread(target=run, args=(p, i)) for i, p in enumerate(phones)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - t0


def run_open(
    server: Server, phones: list[Phone], rate: float, duration: float, photos: list[int],
    photo: bytes,
) -> tuple[Results, float]:  # fmt: skip
    """Submissions arrive at ``rate`` per second whatever the answers' speed (the evening
    peak: phones do not wait for each other); each is sent by the next free phone."""
    url = f"{server.url}/submission?deviceID=collect%3Abench"
    results, jobs = Results(), queue.Queue[float | None]()
    t0 = time.perf_counter()

    def run(phone: Phone, seed: int) -> None:
        rng, session = random.Random(seed), session_for(phone)
        session.head(url, timeout=60)
        while jobs.get() is not None:
            xml, names = visit_xml(phone, rng, rng.choice(photos))
            submit(session, url, multipart(xml, names, photo), results, t0)

    threads = [threading.Thread(target=run, args=(p, i)) for i, p in enumerate(phones)]
    for thread in threads:
        thread.start()
    t0 = time.perf_counter()
    sent = 0
    while (now := time.perf_counter() - t0) < duration:
        due = int(now * rate) + 1
        for _ in range(due - sent):
            jobs.put(now)
        sent = due
        time.sleep(max(0.0, (sent / rate) - (time.perf_counter() - t0)))
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - t0


def phones_of(env: dict[str, str], how_many: int) -> list[Phone]:
    """The first ``how_many`` collectors with their grid and a few of its households."""
    script = (
        "from server.accounts.models import User\n"
        "from server.grids.models import Household\n"
        f"for u in User.objects.filter(role='collector').order_by('username')[:{how_many}]:\n"
        "    g = u.areas.first()\n"
        "    hh = Household.objects.filter(building__grid=g).values_list('code', flat=True)\n"
        "    hh = list(hh[:20])\n"
        "    print('PHONE', u.username, g.code, ','.join(hh))\n"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    phones = []
    for line in out.splitlines():
        if not line.startswith("PHONE "):
            continue
        _, username, grid, households = line.split(" ")
        phones.append(Phone(username, grid, households.split(",") if households else []))
    if len(phones) < how_many:
        raise SystemExit(f"only {len(phones)} collectors: run setup with more --collectors")
    return phones


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def summary(
    results: Results, wall: float, cpu: dict[str, float], meter: Meter, client: float
) -> str:
    n = len(results.latencies)
    lat = [s for _, s, _ in results.latencies]
    per = lambda seconds: seconds / max(n, 1) * 1000  # noqa: E731
    total = cpu["gunicorn"] + cpu["db_worker"] + cpu["postgres"]
    return (
        f"{n} in {wall:.1f} s: {n / wall:.1f}/s, p50 {percentile(lat, 0.5):.0f} ms, "
        f"p95 {percentile(lat, 0.95):.0f} ms, p99 {percentile(lat, 0.99):.0f} ms, "
        f"max {percentile(lat, 1.0):.0f} ms, errors {sum(results.errors.values())} "
        f"{results.errors or ''}\n"
        f"  CPU ms per request: gunicorn {per(cpu['gunicorn']):.1f}, db_worker "
        f"{per(cpu['db_worker']):.1f}, postgres {per(cpu['postgres']):.1f}, total "
        f"{per(total):.1f}; driver {per(client):.1f}\n"
        f"  peak RSS: gunicorn {meter.peak_rss['gunicorn'] / 2**20:.0f} MB (all workers), "
        f"db_worker {meter.peak_rss['db_worker'] / 2**20:.0f} MB"
    )


# ------------------------------------------------------------------ modes


def mode_setup(options: argparse.Namespace, env: dict[str, str]) -> None:
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, str(ROOT / "bench" / "district.py"), "register", str(options.households),
         str(options.collectors)],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip


def mode_stored(options: argparse.Namespace, env: dict[str, str]) -> None:
    script = str(ROOT / "bench" / "district.py")
    subprocess.run(
        [sys.executable, script, "stored", str(options.count)], cwd=ROOT, env=env, check=True
    )


def measured(
    options: argparse.Namespace, env: dict[str, str], work: object
) -> tuple[Results, float, dict[str, float], Meter, float]:
    server = Server(options, env)
    database = (
        urlsplit(env["DATABASE_URL"]).path.lstrip("/") if "postgres" in env["DATABASE_URL"] else ""
    )
    server.start()
    try:
        meter = Meter(server, database)
        before = load_average()
        work_fn = work  # type: ignore[assignment]
        work_fn(server, warmup=True)  # type: ignore[operator]
        time.sleep(1)
        meter.start()
        client = time.process_time()
        results, wall = work_fn(server, warmup=False)  # type: ignore[operator]
        client = time.process_time() - client
        if not options.no_worker and options.drain:
            time.sleep(options.drain)  # the background thumbnails of this run
        cpu = meter.stop()
        print(f"load average before {before}, after {load_average()}")
    finally:
        server.stop()
    return results, wall, cpu, meter, client


def mode_ingest(options: argparse.Namespace, env: dict[str, str]) -> None:
    phones = phones_of(env, options.concurrency)
    photo = jpeg(options.photo_kb)
    photos = photo_counts(options.photos)

    def work(server: Server, warmup: bool) -> tuple[Results, float]:
        count = options.concurrency * 2 if warmup else options.count
        return run_closed(server, phones, count, photos, photo)

    results, wall, cpu, meter, client = measured(options, env, work)
    print(
        f"ingest {env['DATABASE_URL'].split(':')[0]}{' S3' if env.get('S3_MEDIA_BUCKET') else ''}"
        f", concurrency {options.concurrency}, photos {options.photos} of "
        f"{len(photo) // 1024} KB, gunicorn {env.get('GUNICORN_WORKERS', 'default')}x"
        f"{env.get('GUNICORN_THREADS', 'default')}"
    )
    print(summary(results, wall, cpu, meter, client))


def mode_peak(options: argparse.Namespace, env: dict[str, str]) -> None:
    phones = phones_of(env, options.concurrency)
    photo = jpeg(options.photo_kb)
    photos = photo_counts(options.photos)

    def work(server: Server, warmup: bool) -> tuple[Results, float]:
        if warmup:
            return run_closed(server, phones[:4], 8, photos, photo)
        return run_open(server, phones, options.rate, options.duration, photos, photo)

    results, wall, cpu, meter, client = measured(options, env, work)
    print(
        f"peak {env['DATABASE_URL'].split(':')[0]}, {options.rate}/s for {options.duration} s, "
        f"photos {options.photos} of {len(photo) // 1024} KB, up to {options.concurrency} phones"
    )
    print(summary(results, wall, cpu, meter, client))
    print(
        "| minute | sent | p50 ms | p95 ms | p99 ms | errors | gunicorn RSS MB | db_worker RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|")
    window = options.window
    for start in range(0, int(wall) + 1, window):
        inside = [(s, st) for t, s, st in results.latencies if start <= t < start + window]
        if not inside:
            continue
        rss = [(g, w) for t, g, w in meter.samples if start <= t < start + window] or [(0, 0)]
        print(
            f"| {start / 60:.1f} | {len(inside)} | {percentile([s for s, _ in inside], 0.5):.0f} | "
            f"{percentile([s for s, _ in inside], 0.95):.0f} | "
            f"{percentile([s for s, _ in inside], 0.99):.0f} | "
            f"{sum(1 for _, st in inside if st != 201)} | "
            f"{max(g for g, _ in rss) / 2**20:.0f} | {max(w for _, w in rss) / 2**20:.0f} |"
        )


def mode_reads(options: argparse.Namespace, env: dict[str, str]) -> None:
    phones = phones_of(env, options.collectors)
    by_kind: dict[str, list[float]] = {"formList": [], "manifest": [], "households.csv": []}
    sizes: dict[str, int] = {}

    def work(server: Server, warmup: bool) -> tuple[Results, float]:
        results, pending, lock = Results(), list(phones[:8] if warmup else phones), threading.Lock()
        t0 = time.perf_counter()

        def get(session: requests.Session, kind: str, url: str) -> requests.Response | None:
            started = time.perf_counter()
            try:
                response = session.get(url, timeout=120)
            except requests.RequestException as failure:
                results.add(started - t0, time.perf_counter() - started, 0, type(failure).__name__)
                return None
            seconds = time.perf_counter() - started
            results.add(started - t0, seconds, response.status_code)
            if not warmup:
                with lock:
                    by_kind[kind].append(seconds)
                    sizes[kind] = len(response.content)
            return response

        def collector() -> None:
            while True:
                with lock:
                    if not pending:
                        return
                    phone = pending.pop()
                session = session_for(phone)
                session.head(f"{server.url}/submission", timeout=60)  # the Digest challenge
                get(session, "formList", f"{server.url}/formList")
                get(session, "manifest", f"{server.url}/forms/{FORM_ID}/{VERSION}/manifest")
                get(session, "households.csv", f"{server.url}/lists/households.csv")

        threads = [threading.Thread(target=collector) for _ in range(options.concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results, time.perf_counter() - t0

    results, wall, cpu, meter, client = measured(options, env, work)
    print(
        f"reads {env['DATABASE_URL'].split(':')[0]}: {len(phones)} collectors, "
        f"{options.concurrency} at once"
    )
    print(summary(results, wall, cpu, meter, client))
    for kind, values in by_kind.items():
        print(
            f"  {kind}: {len(values)} requests, {sizes.get(kind, 0) / 1024:.1f} KB, "
            f"p50 {percentile(values, 0.5):.0f} ms, p95 {percentile(values, 0.95):.0f} ms, "
            f"p99 {percentile(values, 0.99):.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default="/tmp/gridbook-bench")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--port", type=int, default=18690)
    parser.add_argument("--workers", type=int, default=0, help="GUNICORN_WORKERS (default: its)")
    parser.add_argument("--threads", type=int, default=0, help="GUNICORN_THREADS")
    parser.add_argument("--no-worker", action="store_true", help="no db_worker (request path only)")
    parser.add_argument("--drain", type=float, default=0.0, help="s to let db_worker catch up")
    modes = parser.add_subparsers(dest="mode", required=True)
    setup = modes.add_parser("setup")
    setup.add_argument("--households", type=int, default=206_000)
    setup.add_argument("--collectors", type=int, default=688)
    stored = modes.add_parser("stored")
    stored.add_argument("count", type=int)
    for name in ("ingest", "peak"):
        sub = modes.add_parser(name)
        sub.add_argument("-c", "--concurrency", type=int, default=16 if name == "ingest" else 64)
        sub.add_argument("--photos", default="1" if name == "ingest" else "1,2")
        sub.add_argument("--photo-kb", type=int, default=300)
    modes.choices["ingest"].add_argument("-n", "--count", type=int, default=2000)
    modes.choices["peak"].add_argument("--rate", type=float, default=10.0)
    modes.choices["peak"].add_argument("--duration", type=float, default=600.0)
    modes.choices["peak"].add_argument("--window", type=int, default=30)
    reads = modes.add_parser("reads")
    reads.add_argument("--collectors", type=int, default=688)
    reads.add_argument("-c", "--concurrency", type=int, default=64)
    options = parser.parse_args()
    env = server_env(options)
    {
        "setup": mode_setup,
        "stored": mode_stored,
        "ingest": mode_ingest,
        "peak": mode_peak,
        "reads": mode_reads,
    }[options.mode](options, env)


if __name__ == "__main__":
    main()
