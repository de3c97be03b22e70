"""XLSForm → XForm: the only module that imports pyxform, and it calls only ``convert()``.

``convert_form(data, file_name=...)`` takes what a designer uploaded (``.xlsx``, ``.xls``,
``.csv`` or an XForm ``.xml``), refuses what is not a form file (a zip bomb, a renamed
document, binary junk) before any parser sees it, converts spreadsheets with pyxform and
returns a ``Conversion``: the exact XForm bytes, the warnings as ``Problem``s and whether ODK
Validate checked the form. A form that does not convert raises ``ConversionFailed`` with its
problems (sheet, row and column where pyxform gives them, or where they can be found in the
sheet). Nothing here touches the database.

ODK Validate (JavaRosa, the engine inside ODK Collect) ships inside pyxform and needs Java.
``settings.GRIDBOOK_ODK_VALIDATE``: ``auto`` runs it when ``java`` is on the PATH and accepts
the form with a visible "not validated" note otherwise; ``required`` refuses forms when Java
is missing; ``off`` never runs it. An uploaded XForm (``.xml``) is checked by running the same
bundled jar directly (pyxform's ``convert()`` only reads XLSForms).

``convert_markdown(md)`` converts an XLSForm written as markdown tables (tests).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from pyxform.xls2xform import convert as pyxform_convert

from server.core.spreadsheets import SpreadsheetError, check_zip_archive, decode_csv_bytes
from server.xforms.problems import Problem, SheetRows, locate, problem_from_pyxform_text
from server.xforms.schema import XFormError, parse_xform

SPREADSHEET_TYPES = (".xlsx", ".xls", ".csv")
FORM_FILE_TYPES = (*SPREADSHEET_TYPES, ".xml")
VALIDATE_TIMEOUT_SECONDS = 100
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_VALIDATOR_GAVE_UP = {
    "XForm took to long to completely validate.": "not_validated_timeout",
    "Bad return code from ODK Validate.": "not_validated_failure",
}


@dataclass(frozen=True)
class Conversion:
    """A form that converted: the XForm bytes to store and serve as they are."""

    xml: bytes
    warnings: tuple[Problem, ...] = ()
    validated: bool = False
    file_type: str = ".xml"


class ConversionFailed(Exception):
    """The form did not convert; nothing was stored. ``problems`` say what and where."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(problem.original or problem.code for problem in problems))
        self.problems = list(problems)


class ValidatorUnavailable(Exception):
    """``GRIDBOOK_ODK_VALIDATE=required`` but Java is not installed."""


# ------------------------------------------------------------------ entry points


def file_type_of(file_name: str) -> str:
    """The lower-case extension (``.xlsx``), or "" when the name has none."""
    return PurePosixPath(file_name.replace("\\", "/")).suffix.lower()


def convert_form(data: bytes, *, file_name: str, validate: bool | None = None) -> Conversion:
    """Check and convert an uploaded form file. ``validate``: None follows the setting."""
    file_type = sniff_file_type(data, file_type_of(file_name))
    run_validator = _should_validate() if validate is None else validate
    if file_type == ".xml":
        return _check_xform(data, validate=run_validator)
    if file_type == ".csv":
        data = _csv_as_utf8(data)
    return _convert_xlsform(data, file_type=file_type, validate=run_validator)


def convert_markdown(md: str, *, validate: bool = False) -> Conversion:
    """Convert an XLSForm written as markdown tables (pyxform's test format)."""
    return _convert_xlsform(md.encode("utf-8"), file_type=".md", validate=validate)


def java_available() -> bool:
    return shutil.which("java") is not None


def _should_validate() -> bool:
    policy = settings.GRIDBOOK_ODK_VALIDATE
    if policy == "off":
        return False
    if java_available():
        return True
    if policy == "required":
        raise ValidatorUnavailable
    return False


def _skipped_note() -> Problem:
    if settings.GRIDBOOK_ODK_VALIDATE == "off":
        return Problem(code="not_validated_off")
    return Problem(code="not_validated_java")


# ------------------------------------------------------------------ what kind of file is it


def sniff_file_type(data: bytes, declared: str) -> str:
    """The form file type from the content, refusing what is not a form file.

    An ``.xlsx`` that is really an old ``.xls`` (or the other way round) is read as what it
    is; anything that is not a ZIP workbook, an OLE2 workbook, CSV text or XML is refused.
    """
    if declared not in FORM_FILE_TYPES:
        raise ConversionFailed([Problem(code="unsupported_type", value=declared or "?")])
    if data.startswith(_ZIP_MAGIC):
        _check_workbook_archive(data)
        return ".xlsx"
    if data.startswith(_OLE2_MAGIC):
        return ".xls"
    if declared in (".xlsx", ".xls"):
        raise ConversionFailed([Problem(code="not_workbook")])
    _check_text(data)
    return declared


def _check_workbook_archive(data: bytes) -> None:
    stream = io.BytesIO(data)
    try:
        check_zip_archive(stream)
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except SpreadsheetError as error:
        raise ConversionFailed([Problem(code="unreadable", value=error.reason)]) from None
    if "xl/workbook.xml" not in names:
        raise ConversionFailed([Problem(code="not_workbook")])


def _check_text(data: bytes) -> None:
    try:
        text = decode_csv_bytes(data)
    except SpreadsheetError:
        raise ConversionFailed([Problem(code="not_text")]) from None
    if "\x00" in text:
        raise ConversionFailed([Problem(code="not_text")])


def _csv_as_utf8(data: bytes) -> bytes:
    """Excel and WPS on Chinese Windows save CSV as GBK: pyxform reads UTF-8."""
    return decode_csv_bytes(data).encode("utf-8")


# ------------------------------------------------------------------ XLSForms


def _convert_xlsform(data: bytes, *, file_type: str, validate: bool) -> Conversion:
    warnings: list[str] = []
    try:
        result = pyxform_convert(
            xlsform=data, warnings=warnings, validate=validate, file_type=file_type
        )
    except Exception as error:  # noqa: BLE001 - pyxform raises many kinds; each is a form error
        problem = problem_from_pyxform_text(str(error) or type(error).__name__)
        raise ConversionFailed([locate(problem, _sheet_rows(data, file_type))]) from None
    problems = [problem_from_pyxform_text(text, default_code="warning") for text in warnings]
    gave_up = [_VALIDATOR_GAVE_UP[text] for text in warnings if text in _VALIDATOR_GAVE_UP]
    problems = [problem for problem in problems if problem.original not in _VALIDATOR_GAVE_UP]
    notes = [Problem(code=code) for code in gave_up] or ([] if validate else [_skipped_note()])
    sheets = _sheet_rows(data, file_type) if problems else {}
    return Conversion(
        xml=result.xform.encode("utf-8"),
        warnings=tuple([locate(problem, sheets) for problem in problems] + notes),
        validated=validate and not gave_up,
        file_type=file_type,
    )


def _sheet_rows(data: bytes, file_type: str) -> SheetRows:
    """The sheets as rows of header → text, to find rows pyxform's message leaves out."""
    try:
        if file_type == ".xlsx":
            return _xlsx_rows(data)
        if file_type == ".md":
            return _table_rows(_markdown_cells(data.decode("utf-8")))
        if file_type == ".csv":
            return _table_rows(csv.reader(io.StringIO(data.decode("utf-8"))))
    except (SpreadsheetError, ValueError, zipfile.BadZipFile):
        return {}
    return {}


def _xlsx_rows(data: bytes) -> SheetRows:
    from server.core.spreadsheets import read_xlsx_sheets

    sheets: dict[str, list[dict[str, str]]] = {}
    for title, rows in read_xlsx_sheets(io.BytesIO(data)):
        header: list[str] | None = None
        for row in rows:
            if header is None:
                header = row
                continue
            sheets.setdefault(title, []).append(dict(zip(header, row, strict=False)))
    return sheets


def _markdown_cells(md: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in md.splitlines()
        if line.strip().startswith("|")
    ]


def _table_rows(lines: object) -> SheetRows:
    """pyxform's one-table layout: a sheet name in the first cell, then its rows (header
    first) with an empty first cell."""
    sheets: dict[str, list[dict[str, str]]] = {}
    headers: dict[str, list[str]] = {}
    current = ""
    for cells in lines:  # type: ignore[attr-defined]
        if cells and cells[0]:
            current = cells[0]
            continue
        if not current or not cells:
            continue
        if current not in headers:
            headers[current] = list(cells[1:])
            continue
        row = dict(zip(headers[current], cells[1:], strict=False))
        sheets.setdefault(current, []).append(row)
    return sheets


# ------------------------------------------------------------------ uploaded XForms


def _check_xform(data: bytes, *, validate: bool) -> Conversion:
    try:
        parse_xform(data)
    except XFormError as error:
        raise ConversionFailed([Problem(code="not_xform", value=error.reason)]) from None
    if not validate:
        return Conversion(xml=data, warnings=(_skipped_note(),), validated=False)
    outcome = run_odk_validate(data)
    if outcome.error:
        raise ConversionFailed([Problem(code="odk_validate", value=outcome.error)])
    notes = tuple(Problem(code=code) for code in outcome.gave_up)
    return Conversion(xml=data, warnings=notes, validated=not outcome.gave_up)


@dataclass(frozen=True)
class ValidateOutcome:
    error: str = ""
    gave_up: tuple[str, ...] = field(default_factory=tuple)


def odk_validate_jar() -> Path:
    """The ODK Validate jar shipped inside the pyxform package (found, not imported)."""
    spec = importlib.util.find_spec("pyxform")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise FileNotFoundError("pyxform is not installed")
    return Path(locations[0]) / "validators" / "odk_validate" / "bin" / "ODK_Validate.jar"


def run_odk_validate(xml: bytes) -> ValidateOutcome:
    with tempfile.TemporaryDirectory(prefix="gridbook-validate-") as scratch:
        path = Path(scratch) / "form.xml"
        path.write_bytes(xml)
        command = ["java", "-Djava.awt.headless=true", "-jar", str(odk_validate_jar()), str(path)]
        try:
            completed = subprocess.run(  # noqa: S603 - fixed command, our own temporary file
                command, capture_output=True, text=True, timeout=VALIDATE_TIMEOUT_SECONDS
            )
        except subprocess.TimeoutExpired:
            return ValidateOutcome(gave_up=("not_validated_timeout",))
        except OSError:
            return ValidateOutcome(gave_up=("not_validated_java",))
    if completed.returncode == 0:
        return ValidateOutcome()
    return ValidateOutcome(error=_java_message(completed.stderr, str(path)))


def _java_message(stderr: str, path: str) -> str:
    lines = []
    for raw in stderr.splitlines():
        line = raw.strip()
        if not line or line.startswith(("at ", ">>", "Result:", "The following files")):
            continue
        if line == path or line.endswith(".java)") or line.startswith("..."):
            continue
        lines.append(_drop_exception_class(line))
    return " ".join(dict.fromkeys(lines)) or "invalid form"


def _drop_exception_class(line: str) -> str:
    head, separator, rest = line.partition(": ")
    if separator and "." in head and " " not in head and head.split(".")[-1][:1].isupper():
        return rest
    return line


def problems_as_json(problems: Sequence[Problem]) -> list[Mapping[str, object]]:
    return [problem.as_json() for problem in problems]


def xlsx_from_markdown(md: str) -> bytes:
    """An .xlsx workbook holding an XLSForm written as markdown tables (for tests, and for
    examples in documentation): each ``| sheet |`` line starts a sheet, its rows follow."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    sheet = None
    for cells in _markdown_cells(md):
        if cells and cells[0]:
            sheet = workbook.create_sheet(cells[0])
        elif sheet is not None:
            sheet.append(cells[1:])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
