"""python manage.py prune_media [--grace-hours 24] [--dry-run]

Removes attachment and thumbnail files that no submission row refers to and that are older
than the grace period (see server/submissions/pruning.py). Safe to run at any time, e.g. daily.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext

from server.submissions.pruning import media_prune


class Command(BaseCommand):
    help = "Remove orphan submission files (no row refers to them) older than a grace period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--grace-hours", type=float, default=24.0)
        parser.add_argument("--dry-run", action="store_true", help="list, remove nothing")

    def handle(self, *args: object, **options: object) -> None:
        grace = timedelta(hours=float(options["grace_hours"]))  # type: ignore[arg-type]
        report = media_prune(grace=grace, dry_run=bool(options["dry_run"]))
        for key in report.removed:
            self.stdout.write(key)
        self.stdout.write(
            gettext(
                "%(examined)d files examined, %(removed)d orphans removed, %(young)d kept "
                "(younger than the grace period)."
            )
            % {
                "examined": report.examined,
                "removed": len(report.removed),
                "young": report.kept_young,
            }
        )
