"""python manage.py import_register FILE [--skip-bad] [--source SOURCE] [--language en]"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext

from server.core.errors import GridbookError
from server.core.progress import ProgressBar
from server.core.spreadsheets import SpreadsheetError
from server.grids import errors
from server.grids.choices import Source
from server.grids.importing import LayoutError, parse_register_file
from server.grids.register_import import ImportReport, register_import

MAX_FILE_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = "Import areas, compounds, buildings and households from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-bad", action="store_true", help="import the good rows even if some rows are bad"
        )
        parser.add_argument(
            "--source",
            default=Source.IMPORT,
            choices=Source.values,
            help="who provided the data (recorded as provenance)",
        )
        parser.add_argument(
            "--language",
            default=None,
            choices=("zh-hans", "en"),
            help="language of the messages (default: the deployment's)",
        )

    def handle(self, *args: object, **options: object) -> None:
        # The deployment's language, not whatever a caller in the same thread left active.
        language = str(options["language"] or settings.LANGUAGE_CODE)
        with translation.override(language):
            self._import(options["file"], options)  # type: ignore[arg-type]

    def _import(self, path: Path, options: dict) -> None:
        if not path.is_file():
            raise CommandError(gettext("%(path)s is not a file") % {"path": path})
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(gettext("%(path)s is larger than 200 MB") % {"path": path})
        try:
            parsed = parse_register_file(path.name, path.read_bytes())
        except SpreadsheetError as error:
            raise CommandError(
                GridbookError(errors.IMPORT_UNREADABLE, reason=error.reason).message
            ) from None
        except LayoutError as error:
            raise CommandError(
                GridbookError(errors.IMPORT_UNKNOWN_LAYOUT, sheet=error.sheet).message
            ) from None
        try:
            report = register_import(
                parsed=parsed,
                source=options["source"],
                skip_bad=options["skip_bad"],
                progress=ProgressBar(self.stderr),
            )
        except GridbookError as error:
            self._print_errors(error.params.get("errors", []))
            raise CommandError(error.message) from None
        self._print_errors(report.errors)
        self._print_summary(report)

    def _print_errors(self, row_errors: list) -> None:
        for row_error in row_errors:
            self.stderr.write(str(row_error))

    def _print_summary(self, report: ImportReport) -> None:
        kinds = ("areas", "compounds", "buildings", "households", "flags")
        names = {
            "areas": gettext("areas"),
            "compounds": gettext("compounds"),
            "buildings": gettext("buildings"),
            "households": gettext("households"),
            "flags": gettext("flags"),
        }
        for kind in kinds:
            created, updated, removed = (
                report.created[kind],
                report.updated[kind],
                report.removed[kind],
            )
            if created or updated or removed:
                self.stdout.write(
                    gettext(
                        "%(kind)s: %(created)d created, %(updated)d updated, %(removed)d removed"
                    )
                    % {
                        "kind": names[kind],
                        "created": created,
                        "updated": updated,
                        "removed": removed,
                    }
                )
        if report.rows_skipped:
            self.stdout.write(
                gettext("%(count)d bad rows were skipped.") % {"count": report.rows_skipped}
            )
        self.stdout.write(
            self.style.SUCCESS(
                gettext("Import finished: %(rows)d rows read.") % {"rows": report.rows_read}
            )
        )
