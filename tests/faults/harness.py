"""The fault tests' own real components: a PostgreSQL 15 cluster on port 55433, a SeaweedFS
S3 server on ports 18650–18654, the Gridbook production server (gunicorn) on port 8600 and
its background worker, all on loopback, in temporary folders, started and stopped by the
tests. The shared cluster on 5432 and other people's S3 servers are never touched.

PostgreSQL refuses to run as root: when the tests run as root (CI), its commands run as the
``postgres`` system user through ``runuser``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT = 55433
S3_PORT_BASE = 18650
SERVER_PORT = 8600
SECRET_KEY = "fault-tests-secret-key-0123456789-0123456789-0123456789"


class Unavailable(Exception):
    """A component cannot run on this machine (the reason says why)."""


def _as_postgres(command: list[str]) -> list[str]:
    if os.getuid() != 0:
        return command
    if shutil.which("runuser") is None:
        raise Unavailable("running as root without runuser: PostgreSQL refuses root")
    return ["runuser", "-u", "postgres", "--", *command]


@dataclass
class OwnPostgres:
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="gb-faults-pg-")))
    port: int = PG_PORT

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/gridbook"

    def create(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise Unavailable(f"no PostgreSQL 15 binaries in {PG_BIN}")
        if os.getuid() == 0:
            shutil.chown(self.folder, "postgres")
        self._run([str(PG_BIN / "initdb"), "-D", str(self.folder / "data"), "-A", "trust",
                   "-U", "postgres", "--no-locale", "-E", "UTF8", "--no-sync"])  # fmt: skip
        self.start()
        self._run([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                   "-U", "postgres", "gridbook"])  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-l",
                   str(self.folder / "log"), "-w", "-o", options, "start"])  # fmt: skip

    def stop(self, mode: str = "immediate") -> None:
        """``immediate``: as if the machine lost power (connections cut, crash recovery at
        the next start); ``fast``: an orderly shutdown that still cuts every session."""
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode,
                   "-w", "stop"], check=False)  # fmt: skip

    def remove(self) -> None:
        self.stop("fast")
        shutil.rmtree(self.folder, ignore_errors=True)

    def query(self, sql: str, *params: object) -> list[tuple]:  # type: ignore[type-arg]
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=gridbook") as c:
            return c.execute(sql, params).fetchall()  # type: ignore[arg-type]

    def _run(self, command: list[str], check: bool = True) -> None:
        result = subprocess.run(_as_postgres(command), capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {result.stdout}{result.stderr}")


@dataclass
class OwnS3:
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="gb-faults-s3-")))
    env: dict[str, str] = field(default_factory=dict)

    def start(self) -> None:
        result = subprocess.run(
            ["bash", str(ROOT / "scripts" / "s3-test-server.sh"), "start", str(self.folder),
             str(S3_PORT_BASE)],
            capture_output=True, text=True, timeout=120, cwd=ROOT,
            env={**os.environ, "S3_TEST_PREFIX": "faults"},
        )  # fmt: skip
        if result.returncode != 0:
            raise Unavailable(f"SeaweedFS did not start: {result.stderr[-500:]}")
        for line in result.stdout.splitlines():
            if line.startswith("export "):
                name, _, value = line[len("export ") :].partition("=")
                self.env[name] = value

    def stop(self) -> None:
        subprocess.run(["bash", str(ROOT / "scripts" / "s3-test-server.sh"), "stop",
                        str(self.folder)], capture_output=True, timeout=60)  # fmt: skip

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def client(self):  # type: ignore[no-untyped-def]
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.env["S3_ENDPOINT_URL"],
            aws_access_key_id=self.env["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["S3_SECRET_ACCESS_KEY"],
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}),
        )

    def object_keys(self, below: str = "faults-media/submissions/") -> list[str]:
        pages = (
            self.client()
            .get_paginator("list_objects_v2")
            .paginate(Bucket=self.env["S3_MEDIA_BUCKET"], Prefix=below)
        )
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


@dataclass
class Gridbook:
    """gunicorn as in production (gunicorn.conf.py), one process, bound to loopback."""

    postgres: OwnPostgres
    s3: OwnS3
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="gb-faults-app-")))
    server: subprocess.Popen | None = None  # type: ignore[type-arg]
    worker: subprocess.Popen | None = None  # type: ignore[type-arg]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{SERVER_PORT}"

    def environment(self) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "GRIDBOOK_"))}
        return {
            **keep,
            **self.s3.env,
            "DATABASE_URL": self.postgres.url,
            "SECRET_KEY": SECRET_KEY,
            "DEBUG": "false",
            "GRIDBOOK_DATA_DIR": str(self.folder),
            "GRIDBOOK_TASKS": "database",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PORT": str(SERVER_PORT),
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "4",
            "GUNICORN_TIMEOUT": "60",
            "DJANGO_SETTINGS_MODULE": "server.settings",
            "PYTHONPATH": str(ROOT),
        }

    def manage(self, *args: str, timeout: int = 300) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.environment(),
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)}: {result.stdout}{result.stderr}")
        return result.stdout

    def python(self, module: str, timeout: int = 300) -> str:
        result = subprocess.run(
            [sys.executable, "-m", module], cwd=ROOT, env=self.environment(),
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"{module}: {result.stdout}{result.stderr}")
        return result.stdout

    def start_server(self) -> None:
        log = open(self.folder / "gunicorn.log", "ab")  # noqa: SIM115 - kept for the process
        self.server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{SERVER_PORT}", "server.wsgi"],
            cwd=ROOT, env=self.environment(), stdout=log, stderr=log,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=10).status_code in (200, 503):
                    return
            except requests.RequestException:  # not listening yet, or still importing
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not start: {self.log()[-2000:]}")

    def start_worker(self) -> subprocess.Popen:  # type: ignore[type-arg]
        log = open(self.folder / "worker.log", "ab")  # noqa: SIM115
        self.worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker"], cwd=ROOT, env=self.environment(),
            stdout=log, stderr=log,
        )  # fmt: skip
        return self.worker

    def kill_worker(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.send_signal(signal.SIGKILL)
            self.worker.wait(timeout=10)

    def stop(self) -> None:
        self.kill_worker()
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()

    def log(self, name: str = "gunicorn") -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
