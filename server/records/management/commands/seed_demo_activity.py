"""python manage.py seed_demo_activity

Three months of demo field work in the demo street (see ``server.records.demo``): visits,
needs in every status, satisfaction surveys and follow-ups, needs surveys. Idempotent: once
done, running it again changes nothing. Does nothing without the demo street (seed_demo) or
the shipped forms (load_forms).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from server.grids.demo import STREET
from server.grids.models import Area
from server.records.demo import demo_activity


class Command(BaseCommand):
    help = "Add three months of demo visits, needs and surveys to the demo street (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        if not Area.objects.filter(code=STREET[0]).exists():
            self.stdout.write(gettext("No demo street here; no demo activity was added."))
            return
        started = time.monotonic()
        try:
            report = demo_activity()
        except LookupError:
            self.stdout.write(
                gettext("The shipped forms are not loaded; no demo activity was added.")
            )
            return
        if report.skipped:
            self.stdout.write(gettext("The demo activity is already there."))
            return
        self.stdout.write(
            gettext(
                "Demo activity: %(submissions)d submissions, %(transitions)d decisions on needs "
                "(%(seconds).0f s)."
            )
            % {
                "submissions": report.submissions,
                "transitions": report.transitions,
                "seconds": time.monotonic() - started,
            }
        )
