"""Importing a register file from the browser (administrators).

The file is parsed in the page's language, so every bad row is reported (sheet, row, column,
reason) in Chinese or English; nothing is written unless every row is good or the person
chose to import the good rows only.
"""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from server.accounts.models import Role, User
from server.core.errors import GridbookError
from server.core.spreadsheets import SpreadsheetError
from server.grids import errors
from server.grids.importing import LAYOUTS, LayoutError, RowError, parse_register_file
from server.grids.register_import import ImportReport, register_import
from server.web.access import current_user, role_required
from server.web.forms import RegisterImportForm

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
TEMPLATES = {
    "register-template.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "register-template-flat.csv": "text/csv; charset=utf-8",
}
COLUMN_ALIASES = {
    column.key: column.alias for layout in LAYOUTS.values() for column in layout.values()
}


@role_required(Role.ADMINISTRATOR)
def register_import_page(request: HttpRequest) -> HttpResponse:
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "templates": list(TEMPLATES)}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            context |= _run_import(form, current_user(request))
        if not form.is_valid() or "report" not in context:
            status = 400
    return render(request, "web/register_import.html", context, status=status)


def _run_import(form: RegisterImportForm, user: User) -> dict[str, object]:
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        limit = filesizeformat(MAX_UPLOAD_BYTES)
        return {"problem": _("The file is larger than %(limit)s.") % {"limit": limit}}
    try:
        parsed = parse_register_file(upload.name, upload.read())
    except SpreadsheetError as error:
        return {"problem": GridbookError(errors.IMPORT_UNREADABLE, reason=error.reason).message}
    except LayoutError as error:
        return {"problem": GridbookError(errors.IMPORT_UNKNOWN_LAYOUT, sheet=error.sheet).message}
    try:
        report = register_import(
            parsed=parsed,
            source=form.cleaned_data["source"],
            skip_bad=form.cleaned_data["skip_bad"],
            by=user,
            file_name=upload.name,
        )
    except GridbookError as error:
        if error.spec is not errors.IMPORT_REJECTED:
            return {"problem": error.message}
        row_errors = error.params.get("errors", [])
        return {"rejected": error.params.get("count", 0), "row_errors": _error_rows(row_errors)}
    return {
        "report": _report_rows(report),
        "row_errors": _error_rows(report.errors),
        "rows_read": report.rows_read,
        "rows_skipped": report.rows_skipped,
        "file_name": upload.name,
    }


def _error_rows(row_errors: list[RowError]) -> list[dict[str, object]]:
    return [
        {
            "sheet": error.sheet,
            "row": error.row,
            "column": error.column,
            "header": COLUMN_ALIASES.get(error.column, ""),
            "message": error.message,
        }
        for error in row_errors
    ]


def _report_rows(report: ImportReport) -> list[dict[str, object]]:
    names = {
        "areas": _("Areas"),
        "compounds": _("Compounds"),
        "buildings": _("Buildings"),
        "households": _("Households"),
        "flags": _("Special-population flags"),
    }
    return [
        {
            "name": label,
            "created": report.created[kind],
            "updated": report.updated[kind],
            "removed": report.removed[kind],
        }
        for kind, label in names.items()
    ]


@role_required(Role.ADMINISTRATOR)
def register_template(request: HttpRequest, name: str) -> HttpResponseBase:
    """The import templates kept in docs/ (fixed names; nothing from the request is a path)."""
    if name not in TEMPLATES:
        raise Http404
    path = settings.BASE_DIR / "docs" / name
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type=TEMPLATES[name]
    )
