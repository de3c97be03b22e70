"""python manage.py prune [--dry-run]: apply the retention settings (run it daily, e.g. from
cron or a systemd timer; docs/operations.md):

- audit events older than GRIDBOOK_AUDIT_RETENTION_DAYS (at least 180: China's
  Cybersecurity Law asks for six months of logs);
- photo files of submissions older than GRIDBOOK_PHOTO_RETENTION_DAYS (0: kept for ever);
- orphan submission files (a crash between writing a file and committing its row) older
  than a day (``prune_media``).

Exports (records/exports issues) add their own retention here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from server.accounts.audit import audit_prune
from server.submissions.pruning import media_prune, photos_prune


class Command(BaseCommand):
    help = "Remove what the retention settings say is no longer kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, remove nothing")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        audit_days = settings.GRIDBOOK_AUDIT_RETENTION_DAYS
        if dry_run:
            from django.utils import timezone

            from server.accounts.models import AuditEvent

            cutoff = timezone.now() - timedelta(days=audit_days)
            audit = AuditEvent.objects.filter(at__lt=cutoff).count()
        else:
            audit = audit_prune(older_than=timedelta(days=audit_days))
        photo_days = settings.GRIDBOOK_PHOTO_RETENTION_DAYS
        photos = (
            photos_prune(older_than=timedelta(days=photo_days), dry_run=dry_run)
            if photo_days
            else 0
        )
        orphans = media_prune(grace=timedelta(days=1), dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"{verb}: {audit} audit events (older than {audit_days} days), "
            f"{photos} photos ({f'older than {photo_days} days' if photo_days else 'kept'}), "
            f"{len(orphans.removed)} orphan files"
        )
