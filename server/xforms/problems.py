"""What is wrong with an uploaded form, said where it is and in the reader's language.

pyxform reports errors and warnings as English sentences, most of them starting with
``[row : N]`` and naming the sheet and the column (``On the 'survey' sheet, the 'name' value
'a' is invalid.``); ODK Validate reports JavaRosa's complaints with the question's name as
``${name}``. This pure module turns that text into a ``Problem``: a stable ``code``, where it is
(sheet, row, column) and the value concerned, keeping pyxform's original sentence. The message
is rendered in the active language when it is read, so a stored problem (a background
conversion's result) is shown to each reader in their own language.

Row numbers are the spreadsheet's own (the header is row 1), as pyxform counts them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, Promise] = {
    # errors
    "duplicate_name": _(
        "The name '{value}' is used more than once. Questions, groups and repeats need names "
        "that are unique within their group (or within the form)."
    ),
    "invalid_name": _(
        "This name is not allowed: a name starts with a letter or '_' and holds only letters, "
        "digits, '_', '-' and '.'."
    ),
    "unknown_reference": _("${{{value}}} refers to a name that is not on the survey sheet."),
    "ambiguous_reference": _(
        "${{{value}}} is ambiguous: that name is used more than once in the form."
    ),
    "bad_reference": _("A reference must be written as ${{name}}, with the name of a question."),
    "unknown_type": _("'{value}' is not a question type that XLSForm knows."),
    "unknown_list": _("The choice list '{value}' is not on the choices sheet."),
    "no_choices_sheet": _(
        "The form uses choice lists but has no choices sheet with the columns list_name, name "
        "and label."
    ),
    "no_survey_sheet": _("The file has no sheet named 'survey'."),
    "unmatched_begin": _("'begin_{kind}' of '{value}' has no matching 'end_{kind}'."),
    "unmatched_end": _("'end_{kind}' has no matching 'begin_{kind}'."),
    "duplicate_choice": _("A choice name is used twice in the same choice list."),
    "choice_without_name": _("A choice has no name."),
    "choice_without_label": _("A choice has no label."),
    "no_label": _("The question '{value}' has no label and no hint."),
    "no_name": _("A question or group has no name."),
    "no_type": _("A row has a name or a label but no type."),
    "missing_columns": _("Required columns are missing: {value}."),
    "bad_parameters": _(
        "The parameters are not valid: write them as key=value pairs separated by spaces, "
        "using only the keys this question type accepts."
    ),
    "no_calculation": _("A calculate question needs a calculation."),
    "odk_validate": _("ODK Validate (the form engine of ODK Collect) refused the form: {value}"),
    "unreadable": _("The file could not be read as an XLSForm: {value}"),
    "unsupported_type": _(
        "'{value}' files are not forms: upload an XLSForm (.xlsx, .xls or .csv) or an XForm (.xml)."
    ),
    "not_workbook": _("The file is not an Excel workbook (.xlsx or .xls)."),
    "not_text": _("The file is not text: save a CSV form as text (UTF-8 or GBK)."),
    "not_xform": _("The file is not a valid XForm: {value}"),
    "other": _("pyxform reported: {value}"),
    # warnings
    "duplicate_name_case": _(
        "The name '{value}' differs from another name only in upper or lower case; some data "
        "tools would mix them up."
    ),
    "max_pixels": _(
        "This photo question has no max-pixels parameter: add max-pixels=1280 to keep photos "
        "small on poor networks."
    ),
    "warning": _("pyxform warning: {value}"),
    "validate_warning": _("ODK Validate warning: {value}"),
    "not_validated_java": _(
        "Not checked by ODK Validate: Java is not installed on the server. The form was "
        "accepted on pyxform's checks alone."
    ),
    "not_validated_off": _(
        "Not checked by ODK Validate: validation is switched off on this server "
        "(GRIDBOOK_ODK_VALIDATE=off)."
    ),
    "not_validated_timeout": _(
        "Not checked by ODK Validate: it did not finish in time. The form was accepted on "
        "pyxform's checks alone."
    ),
    "not_validated_failure": _(
        "Not checked by ODK Validate: the validator itself failed ({value}). The form was "
        "accepted on pyxform's checks alone."
    ),
}

WHERE_SHEET_ROW_COLUMN = _("Sheet '{sheet}', row {row}, column '{column}': {message}")
WHERE_SHEET_ROW = _("Sheet '{sheet}', row {row}: {message}")
WHERE_SHEET = _("Sheet '{sheet}': {message}")


@dataclass(frozen=True)
class Problem:
    """One error or warning, with where it is. ``original`` is pyxform's own sentence;
    ``value`` is the name, type or text concerned; ``kind`` a second detail (``group`` or
    ``repeat`` for unmatched begin/end, the question named in a validator message)."""

    code: str
    value: str = ""
    kind: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    original: str = ""

    @property
    def text(self) -> str:
        """What is wrong, in the active language, without the location."""
        template = MESSAGES.get(self.code, MESSAGES["other"])
        return str(template).format(value=self.value or self.original, kind=self.kind)

    @property
    def message(self) -> str:
        """The location and what is wrong, in the active language."""
        where = {"sheet": self.sheet, "row": self.row, "column": self.column}
        if self.sheet and self.row and self.column:
            return str(WHERE_SHEET_ROW_COLUMN).format(message=self.text, **where)
        if self.sheet and self.row:
            return str(WHERE_SHEET_ROW).format(message=self.text, **where)
        if self.sheet:
            return str(WHERE_SHEET).format(message=self.text, **where)
        return self.text

    def as_record(self) -> dict[str, Any]:
        """JSON to store (no rendered text: render it for each reader)."""
        return asdict(self)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Problem:
        fields = cls.__dataclass_fields__
        return cls(**{key: value for key, value in record.items() if key in fields})

    def as_json(self) -> dict[str, Any]:
        """For an API answer; ``message`` stays lazy until it is rendered."""
        return {
            "code": self.code,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": lazy_message(self),
            "original": self.original,
        }


def _message_of(problem: Problem) -> str:
    return problem.message


lazy_message = lazy(_message_of, str)


def problems_from_records(records: Sequence[Mapping[str, Any]]) -> list[Problem]:
    return [Problem.from_record(record) for record in records if isinstance(record, Mapping)]


# ------------------------------------------------------------------ reading pyxform's text

_ROW = re.compile(r"^\s*\[row : (\d+)\]\s*")
_SHEET_COLUMN = re.compile(
    r"^On the '(?P<sheet>[^']+)' sheet, the '(?P<column>[^']+)' value"
    r"(?: '(?P<value>.*?)')? is (?:invalid|problematic)\.\s*"
)
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern, re.S))
    for code, pattern in (
        ("duplicate_name", r"must be unique within their nearest parent"),
        ("duplicate_name_case", r"case-insensitive match to another name"),
        ("invalid_name", r"Names must begin with a letter or underscore"),
        ("unknown_reference", r"Could not find the name '(?P<value>[^']*)'"),
        ("ambiguous_reference", r"The name '(?P<value>[^']*)' appears more than once"),
        ("bad_reference", r"Reference variables? (?:must start with|lists must have a comma)"),
        ("duplicate_choice", r"Choice names must be unique"),
        ("choice_without_name", r"Choices must have a name"),
        ("choice_without_label", r"Choices should have a label"),
        (
            "unmatched_begin",
            r"Unmatched 'begin_(?P<kind>\w+)'\. No matching 'end_\w+' was found for the "
            r"name '(?P<value>[^']*)'",
        ),
        ("unmatched_end", r"Unmatched 'end_(?P<kind>\w+)'"),
        ("unknown_type", r"Unknown question type '(?P<value>[^']*)'"),
        (
            "unknown_list",
            r"List name not in (?:choices|columns|external choices) sheet: ?"
            r"(?P<value>\S+)",
        ),
        ("no_choices_sheet", r"There should be a choices sheet"),
        ("no_label", r"The survey element named '(?P<value>[^']*)' has no label or hint"),
        ("no_name", r"Question or group with no name"),
        ("no_type", r"Question with no type"),
        ("missing_columns", r"required column headers were not found: (?P<value>.*?)\.\s"),
        ("bad_parameters", r"Parameters must be in the form|accepted parameter keys"),
        ("no_calculation", r"Missing calculation"),
        ("max_pixels", r"Use the max-pixels parameter"),
        ("no_survey_sheet", r"sheet named '?survey'?"),
    )
)
_VALIDATE_ERRORS = "ODK Validate Errors:"
_VALIDATE_WARNINGS = "ODK Validate Warnings:"
_VALIDATE_NOISE = re.compile(
    r"^(>> .*|The following files failed validation:|\$\{tmp\w*\}|Result: \w+|\s*)$"
)
_NAME_TOKEN = re.compile(r"\$\{([A-Za-z_][\w.-]*)\}")


def problem_from_pyxform_text(text: str, *, default_code: str = "other") -> Problem:
    """Classify one pyxform error or warning sentence."""
    text = text.strip()
    if text.startswith(_VALIDATE_ERRORS):
        return _validate_problem("odk_validate", text[len(_VALIDATE_ERRORS) :])
    if text.startswith(_VALIDATE_WARNINGS):
        return _validate_problem("validate_warning", text[len(_VALIDATE_WARNINGS) :])
    rest, row = _strip_row(text)
    rest, sheet, column, value = _strip_sheet_column(rest)
    if row is not None and sheet is None:
        sheet = "survey"  # pyxform's bare "[row : N]" sentences all come from the survey sheet
    code, found = _classify(rest, default_code)
    return Problem(
        code=code,
        value=found.get("value") or value or "",
        kind=found.get("kind") or "",
        sheet=sheet,
        row=row,
        column=column,
        original=text,
    )


def _strip_row(text: str) -> tuple[str, int | None]:
    match = _ROW.match(text)
    if not match:
        return text, None
    return text[match.end() :], int(match.group(1))


def _strip_sheet_column(text: str) -> tuple[str, str | None, str | None, str]:
    match = _SHEET_COLUMN.match(text)
    if not match:
        return text, None, None, ""
    return text[match.end() :], match["sheet"], match["column"], match["value"] or ""


def _classify(text: str, default_code: str) -> tuple[str, dict[str, str]]:
    for code, pattern in _RULES:
        match = pattern.search(text)
        if match:
            return code, {key: value for key, value in match.groupdict().items() if value}
    return default_code, {}


def _validate_problem(code: str, text: str) -> Problem:
    lines = [line.strip().lstrip(": ").strip() for line in text.strip().splitlines()]
    detail = " ".join(line for line in lines if line and not _VALIDATE_NOISE.match(line))
    names = [name for name in _NAME_TOKEN.findall(detail) if not name.startswith("tmp")]
    return Problem(code=code, value=detail, kind=names[0] if names else "", original=text.strip())


# ------------------------------------------------------------------ finding rows pyxform omits

SheetRows = Mapping[str, Sequence[Mapping[str, str]]]
"""Each sheet's data rows (header → cell text); data row i is spreadsheet row i + 2."""


def locate(problem: Problem, sheets: SheetRows) -> Problem:
    """Add the survey row pyxform did not give, where the problem names the question or type."""
    if problem.row is not None:
        return problem
    column, wanted = _what_to_find(problem)
    if not column or not wanted:
        return problem
    for index, row in enumerate(sheets.get("survey", ())):
        cell = (row.get(column) or "").strip()
        if cell == wanted or (column == "type" and cell.split(" ")[0] == wanted):
            shown = None if problem.code in ("odk_validate", "validate_warning") else column
            return _with_location(problem, "survey", index + 2, shown)
    return problem


def _what_to_find(problem: Problem) -> tuple[str, str]:
    if problem.code == "unknown_type":
        return "type", problem.value
    if problem.code == "no_label":
        return "name", problem.value
    if problem.code in ("odk_validate", "validate_warning"):
        return "name", problem.kind  # the first ${name} in JavaRosa's message
    return "", ""


def _with_location(problem: Problem, sheet: str, row: int, column: str | None) -> Problem:
    record = problem.as_record() | {"sheet": sheet, "row": row, "column": column}
    return Problem.from_record(record)
