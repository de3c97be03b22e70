"""The disk fills up: the media folder and the upload spool live on a real 2 MB tmpfs
(mounted for the test; root only, else skipped with the reason). The phone is told to send
again later, nothing is half-stored, and once space is freed the same submission goes
through. (The S3 case of a full volume answers like any refused write: see test_faults.)"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.submissions.models import Attachment, Submission
from server.xforms.models import FormVersion
from tests.openrosa.collect import CollectClient, Part
from tests.openrosa.conftest import visit_xml
from tests.openrosa.test_submission import message
from tests.reliability.snapshot import assert_unchanged, snapshot

pytestmark = pytest.mark.faults


@pytest.fixture
def tiny_disk() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="gb-faults-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}): needs root")
    try:
        yield folder
    finally:
        gc.collect()  # a spool file the full disk interrupted is closed (and removed) first
        if subprocess.run(["umount", str(folder)], check=False).returncode != 0:
            subprocess.run(["umount", "--lazy", str(folder)], check=False)  # still busy
        shutil.rmtree(folder, ignore_errors=True)


def fill(folder: Path, leave: int) -> Path:
    """Fill the disk but ``leave`` bytes."""
    filler = folder / "filler"
    free = shutil.disk_usage(folder).free
    with open(filler, "wb") as handle:
        handle.write(b"\0" * max(free - leave, 0))
    return filler


def big_photo() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)).save(buffer, format="JPEG")
    return buffer.getvalue()  # about 400 KB


@pytest.mark.django_db(transaction=True)
def test_a_full_media_disk_asks_to_send_again_and_stores_nothing(
    tiny_disk: Path, bob_phone: CollectClient, visit_form: FormVersion, settings
) -> None:  # type: ignore[no-untyped-def]
    media = tiny_disk / "media"
    media.mkdir()
    settings.STORAGES = {  # local files on the tiny disk, even in a run whose media is on S3
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    photo = big_photo()
    filler = fill(tiny_disk, leave=100_000)
    xml = visit_xml(visit_form, door_photo="door.jpg")
    before = snapshot()
    response = bob_phone.submit(xml, [Part("door.jpg", photo)])
    assert response.status_code == 503, message(response)
    assert response.headers["X-Gridbook-Error"] == "attachment_storage_failed"
    assert "稍后" in message(response)
    assert_unchanged(before)
    assert [p for p in media.rglob("*") if p.is_file()] == []  # no partial photo left

    filler.unlink()  # the administrator frees space; Collect sends again
    response = bob_phone.submit(xml, [Part("door.jpg", photo)])
    assert response.status_code == 201, message(response)
    assert Submission.objects.count() == 1 and Attachment.objects.get().present


@pytest.mark.django_db(transaction=True)
def test_a_full_upload_spool_asks_to_send_again(
    tiny_disk: Path, bob_phone: CollectClient, visit_form: FormVersion, settings
) -> None:  # type: ignore[no-untyped-def]
    """Parts over 2.5 MB are spooled to FILE_UPLOAD_TEMP_DIR while they arrive."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tiny_disk)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10_000
    fill(tiny_disk, leave=50_000)
    xml = visit_xml(visit_form, door_photo="door.jpg")
    before = snapshot()
    response = bob_phone.submit(xml, [Part("door.jpg", big_photo())])
    assert response.status_code == 503, response.content[:500]
    assert response.headers["X-Gridbook-Error"] == "attachment_storage_failed"
    assert_unchanged(before)
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["filler"]  # the spool file is gone
