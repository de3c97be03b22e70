"""python manage.py rebuild_records [--form FORM_ID ...] [--workers N]

Recomputes visits, needs, follow-ups, satisfaction and needs-survey responses from the stored
submissions (see ``server.records.rebuild``). Safe to run at any time; staff decisions on needs
and on register changes are kept.
"""

from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext

from server.records.rebuild import records_rebuild


class Command(BaseCommand):
    help = "Recompute every record (visits, needs, follow-ups, satisfaction) from the submissions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--form",
            action="append",
            default=[],
            metavar="FORM_ID",
            help="only this form (hh_visit, needs_survey, satisfaction); repeatable",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="processes projecting batches at once (PostgreSQL; SQLite uses one); "
            "default: the CPUs, at most 4",
        )

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        verbosity = int(str(options["verbosity"]))

        def progress(done: int, total: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"  {done}/{total}")

        report = records_rebuild(
            form_ids=list(options["form"]) or None,  # type: ignore[call-overload]
            progress=progress,
            workers=int(str(options["workers"])),
        )
        self.stdout.write(
            gettext(
                "Rebuilt the records of %(submissions)d submissions (%(needs)d needs, "
                "%(households)d households) in %(seconds).1f s."
            )
            % {
                "submissions": report.submissions,
                "needs": report.needs,
                "households": report.households,
                "seconds": time.monotonic() - started,
            }
        )
