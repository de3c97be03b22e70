"""Retry or fail background tasks whose worker died (``server.core.task_recovery``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from server.core.task_recovery import tasks_recover


class Command(BaseCommand):
    help = "Retry or fail background tasks left running by a worker that died."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stale-minutes",
            type=int,
            default=settings.GRIDBOOK_TASK_STALE_MINUTES,
            help="A task running longer than this is abandoned (default: %(default)s).",
        )

    def handle(self, *args: Any, stale_minutes: int, **options: Any) -> None:
        report = tasks_recover(stale_after=timedelta(minutes=stale_minutes))
        self.stdout.write(f"retried {len(report.retried)}, failed {len(report.failed)}")
