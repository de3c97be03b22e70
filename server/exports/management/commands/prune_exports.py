"""Delete expired export files and recover exports whose worker stopped. Run it from cron
every few minutes (it is cheap when there is nothing to do)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from server.exports.services import exports_prune, exports_recover


class Command(BaseCommand):
    help = "Delete expired export files; re-queue or fail exports whose worker stopped."

    def handle(self, *args: Any, **options: Any) -> None:
        requeued, failed = exports_recover()
        pruned = exports_prune()
        self.stdout.write(
            f"expired files deleted: {pruned}; stalled exports re-queued: {requeued}, "
            f"failed: {failed}"
        )
