"""The background worker Gridbook runs: first recover the tasks a dead worker left running
(``server.core.task_recovery``), then work as ``db_worker`` under a name that tells later
workers which machine and process it was."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from server.core.task_recovery import tasks_recover, worker_id


class Command(BaseCommand):
    help = "Recover abandoned tasks, then run the database task worker (all queues)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args: Any, batch: bool, **options: Any) -> None:
        stale = timedelta(minutes=settings.GRIDBOOK_TASK_STALE_MINUTES)
        report = tasks_recover(stale_after=stale)
        if report.retried or report.failed:
            self.stderr.write(
                f"recovered tasks of a stopped worker: retried {len(report.retried)}, "
                f"failed {len(report.failed)}"
            )
        extra = ["--batch"] if batch else []
        call_command(
            "db_worker", "--queue-name", "*", "--worker-id", worker_id(), "--no-reload", *extra
        )
