"""Finding and removing orphan files: attachments and thumbnails written to the media storage
whose rows were never committed (a crash between the write and the commit, a lost race), and
files left behind by removed submissions.

Only the ``submissions/`` tree is examined, one form folder at a time (one query per form for
the keys rows refer to). A file younger than the grace period is never removed: it may belong
to a request still on its way to its commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from server.core.storage import media_storage
from server.submissions.attachments import ROOT
from server.submissions.models import Attachment


@dataclass
class PruneReport:
    examined: int = 0
    removed: list[str] = field(default_factory=list)
    kept_young: int = 0


def media_prune(*, grace: timedelta, dry_run: bool = False) -> PruneReport:
    storage = media_storage()
    cutoff = timezone.now() - grace
    report = PruneReport()
    try:
        form_folders = storage.listdir(ROOT)[0]
    except FileNotFoundError:  # nothing was ever stored
        return report
    for form_folder in form_folders:
        prefix = f"{ROOT}/{form_folder}/"
        referenced = _referenced(prefix)
        for key in _files_below(prefix.rstrip("/")):
            report.examined += 1
            if key in referenced:
                continue
            if _modified(key) > cutoff:
                report.kept_young += 1
                continue
            report.removed.append(key)
            if not dry_run:
                storage.delete(key)
    return report


def _referenced(prefix: str) -> set[str]:
    rows = Attachment.objects.filter(Q(file__startswith=prefix) | Q(thumbnail__startswith=prefix))
    keys: set[str] = set()
    for file_key, thumbnail_key in rows.values_list("file", "thumbnail").iterator():
        keys.update(key for key in (file_key, thumbnail_key) if key)
    return keys


def _files_below(folder: str) -> Iterator[str]:
    directories, files = media_storage().listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from _files_below(f"{folder}/{directory}")


def _modified(key: str) -> datetime:
    moment = media_storage().get_modified_time(key)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def photos_prune(*, older_than: timedelta, dry_run: bool = False) -> int:
    """Retention of photos (``GRIDBOOK_PHOTO_RETENTION_DAYS``): remove the files and
    thumbnails of attachments of submissions received longer ago than ``older_than``. The
    rows stay (the submission, its answers and the fact that a photo arrived, with
    ``removed_at``); the raw XML stays too, since
    records are rebuilt from it. Returns how many attachments lost their files."""
    cutoff = timezone.now() - older_than
    old = Attachment.objects.filter(submission__received_at__lt=cutoff).exclude(file="")
    storage = media_storage()
    count = 0
    for pk, file_key, thumbnail_key in old.values_list("pk", "file", "thumbnail").iterator():
        count += 1
        if dry_run:
            continue
        for key in (file_key, thumbnail_key):
            if key:
                storage.delete(key)
        Attachment.objects.filter(pk=pk).update(file="", thumbnail="", removed_at=timezone.now())
    return count
