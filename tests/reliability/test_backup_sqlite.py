"""Backup and restore of the embedded default (SQLite + local media) as docs/operations.md
says: SQLite's online backup API while the database is open, a copy of media/; then wipe
both, restore, and find every submission and photo. (PostgreSQL + S3: tests/faults.)"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def job(data: Path, phase: str) -> str:
    keep = {
        k: v for k, v in os.environ.items() if not k.startswith(("S3_", "GRIDBOOK_", "DATABASE"))
    }
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "server.settings",
        "SECRET_KEY": "backup-test-secret-key-0123456789-0123456789-0123",
        "GRIDBOOK_DATA_DIR": str(data),
        "GRIDBOOK_TASKS": "immediate",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.reliability.sqlite_backup_job", phase],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_sqlite_online_backup_wipe_restore(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    job(data, "prepare")
    before = json.loads(job(data, "check"))
    assert len(before) == 3 and all(stored == read for stored, read in before.values())

    backup = tmp_path / "backup"
    backup.mkdir()
    # What `sqlite3 gridbook.sqlite3 ".backup backup.sqlite3"` does: a consistent copy, online.
    with (
        sqlite3.connect(data / "gridbook.sqlite3") as source,
        sqlite3.connect(backup / "gridbook.sqlite3") as target,
    ):
        source.backup(target)
    shutil.copytree(data / "media", backup / "media")

    for path in data.iterdir():  # the disk is lost
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    shutil.copy(backup / "gridbook.sqlite3", data / "gridbook.sqlite3")
    shutil.copytree(backup / "media", data / "media")
    assert json.loads(job(data, "check")) == before
