"""Backup and restore as docs/operations.md describes it, on the fault tests' own PostgreSQL
and S3: back up (pg_dump -Fc, and every object of the media prefix), wipe both, restore
(pg_restore, objects copied back), start Gridbook again, and find every submission and
every photo, byte for byte; a phone resending one of them is told it already arrived."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.faults.conftest import Stack
from tests.faults.harness import PG_BIN
from tests.faults.test_faults import headers, post, stored, submission

pytestmark = pytest.mark.faults


def pg(stack: Stack, tool: str, *args: str) -> None:
    command = [
        str(PG_BIN / tool),
        "-h",
        "127.0.0.1",
        "-p",
        str(stack.postgres.port),
        "-U",
        "postgres",
        *args,
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@pytest.fixture
def backup_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="gb-faults-backup-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_backup_wipe_restore_finds_every_submission_and_photo(
    stack: Stack, backup_folder: Path
) -> None:
    sent = [submission() for _ in range(3)]
    for _, body, content_type, _photo in sent:
        assert post(stack, body, content_type).status_code == 201
    s3, bucket = stack.s3.client(), stack.s3.env["S3_MEDIA_BUCKET"]
    folder = backup_folder

    # Back up: the database, then the files (docs/operations.md, "PostgreSQL + S3").
    pg(stack, "pg_dump", "-Fc", "-d", "gridbook", "-f", str(folder / "gridbook.dump"))
    keys = stack.s3.object_keys("faults-media/")
    for key in keys:
        target = folder / "media" / key
        target.parent.mkdir(parents=True, exist_ok=True)
        s3.download_file(bucket, key, str(target))
    count = stack.postgres.query("SELECT count(*) FROM submissions_submission")[0][0]

    # Disaster: the database and the bucket's files are gone.
    stack.gridbook.stop()
    pg(stack, "dropdb", "gridbook")
    pg(stack, "createdb", "gridbook")
    for key in keys:
        s3.delete_object(Bucket=bucket, Key=key)
    assert stack.s3.object_keys("faults-media/") == []

    # Restore: the database first, then the files; start Gridbook.
    pg(stack, "pg_restore", "-d", "gridbook", "--no-owner", str(folder / "gridbook.dump"))
    for key in keys:
        s3.upload_file(str(folder / "media" / key), bucket, key)
    stack.gridbook.start_server()

    assert stack.postgres.query("SELECT count(*) FROM submissions_submission")[0][0] == count
    rows = stack.postgres.query(
        "SELECT a.file, a.md5 FROM submissions_attachment a WHERE a.present"
    )
    for file_key, md5 in rows:
        data = s3.get_object(Bucket=bucket, Key=f"faults-media/{file_key}")["Body"].read()
        assert hashlib.md5(data).hexdigest() == md5
    for instance_id, body, content_type, photo in sent:
        (row,) = stored(stack, instance_id)
        data = s3.get_object(Bucket=bucket, Key=f"faults-media/{row[2]}")["Body"].read()
        assert data == photo
        again = requests.post(
            f"{stack.gridbook.url}/key/{stack.token}/submission",
            data=body,
            headers=headers(content_type, len(body)),
            timeout=60,
        )
        assert again.status_code == 201 and "已经收到过" in again.text
        assert len(stored(stack, instance_id)) == 1
