"""python manage.py load_forms [PATH ...] [--draft] [--area CODE ...] [--no-validate]

Loads XLSForms (by default the shipped ``forms/*.xlsx``) through the same pipeline as an
upload. Idempotent: a form already loaded with the same version is left as it is. A form
this command creates is opened and published to every district of the register, unless
``--draft`` (testers only) or ``--area CODE`` (only there) say otherwise; a form that
already existed keeps its state and publications (``--area`` still adds publications).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext

from server.core.errors import GridbookError
from server.grids.choices import AreaLevel
from server.grids.models import Area
from server.xforms import errors
from server.xforms.models import FormState
from server.xforms.problems import Problem, problems_from_records
from server.xforms.services import UploadResult, form_publish, form_set_state, form_upload


class Command(BaseCommand):
    help = "Load XLSForms (default: the shipped forms/*.xlsx), open and publish new ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="XLSForm or XForm files")
        parser.add_argument(
            "--draft", action="store_true", help="leave new forms as drafts (testers only)"
        )
        parser.add_argument(
            "--area",
            action="append",
            default=[],
            metavar="CODE",
            help="publish to this area (repeatable) instead of every district",
        )
        parser.add_argument(
            "--no-validate", action="store_true", help="do not run ODK Validate (faster)"
        )
        parser.add_argument("--language", default=None, choices=("zh-hans", "en"))

    def handle(self, *args: object, **options: object) -> None:
        language = str(options["language"] or translation.get_language())
        with translation.override(language):
            self._load(options)

    def _load(self, options: dict) -> None:
        paths = list(options["paths"]) or sorted((Path(settings.BASE_DIR) / "forms").glob("*.xlsx"))
        if not paths:
            raise CommandError(gettext("No form files to load."))
        areas = self._areas(options["area"])
        failures = 0
        for path in paths:
            failures += 0 if self._load_one(path, options, areas) else 1
        if failures:
            raise CommandError(
                gettext("%(count)d form file(s) were not loaded.") % {"count": failures}
            )

    def _areas(self, codes: list[str]) -> list[Area] | None:
        """The areas named by --area (None: every district)."""
        if not codes:
            return None
        found = {area.code: area for area in Area.objects.filter(code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            raise CommandError(GridbookError(errors.FORM_AREA_NOT_FOUND, code=missing[0]).message)
        return [found[code] for code in codes]

    def _load_one(self, path: Path, options: dict, areas: list[Area] | None) -> bool:
        if not path.is_file():
            self.stderr.write(gettext("%(path)s is not a file") % {"path": path})
            return False
        validate = False if options["no_validate"] else None
        try:
            result = form_upload(
                data=path.read_bytes(), file_name=path.name, user=None, validate=validate
            )
        except GridbookError as error:
            self.stderr.write(f"{path.name}: {error.message}")
            for problem in error.params.get("problems", [])[1:]:
                self.stderr.write(f"  - {problem['message']}")
            return False
        self._open_and_publish(result, options, areas)
        self._report(path, result)
        return True

    def _open_and_publish(
        self, result: UploadResult, options: dict, areas: list[Area] | None
    ) -> None:
        form = result.version.form
        if result.form_created:
            state = FormState.DRAFT if options["draft"] else FormState.OPEN
            form_set_state(form=form, state=state)
            targets = areas if areas is not None else Area.objects.filter(level=AreaLevel.DISTRICT)
            for area in targets:
                form_publish(form=form, area=area)
            if not form.publications.exists():
                self.stderr.write(
                    gettext(
                        "%(form_id)s is published nowhere: the register has no district yet. "
                        "Publish it later with --area CODE or in the web app."
                    )
                    % {"form_id": form.form_id}
                )
        elif areas:
            for area in areas:
                form_publish(form=form, area=area)

    def _report(self, path: Path, result: UploadResult) -> None:
        version = result.version
        if result.form_created:
            status = gettext("new form")
        elif result.created:
            status = gettext("new version")
        else:
            status = gettext("unchanged")
        self.stdout.write(f"{path.name}: {version.form.form_id} {version.version} ({status})")
        for problem in _warnings(version.warnings):
            self.stdout.write(f"  ! {problem.message}")


def _warnings(records: list) -> list[Problem]:
    return problems_from_records(records)
