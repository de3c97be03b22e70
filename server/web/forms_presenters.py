"""How the forms pages say things: state badges and actions, question types, languages,
and conversion problems as table rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from server.xforms.models import FormState
from server.xforms.problems import Problem
from server.xforms.services import allowed_states

NOT_VALIDATED = "not_validated_"
STATE_BADGES = {
    FormState.DRAFT: "warn",
    FormState.OPEN: "ok",
    FormState.CLOSING: "care",
    FormState.CLOSED: "plain",
}
STATE_MEANINGS: dict[str, Promise] = {
    FormState.DRAFT: _("Only its testers' phones get it."),
    FormState.OPEN: _("The collectors of the areas it is published to get it."),
    FormState.CLOSING: _("Phones no longer get it; submissions are still accepted."),
    FormState.CLOSED: _("No more submissions are accepted."),
}


@dataclass(frozen=True)
class StateAction:
    state: str
    label: str | Promise
    meaning: str | Promise
    danger: bool = False


def state_actions(current: str) -> list[StateAction]:
    """The buttons a form's page offers: the states its life allows next."""
    return [_action(current, state) for state in allowed_states(current)]


def _action(current: str, state: str) -> StateAction:
    if state == FormState.OPEN:
        label = _("Open") if current == FormState.DRAFT else _("Reopen")
        return StateAction(state, label, STATE_MEANINGS[state])
    if state == FormState.CLOSING:
        return StateAction(state, _("Stop offering (closing)"), STATE_MEANINGS[state])
    return StateAction(state, _("Close"), STATE_MEANINGS[state], danger=True)


TYPE_LABELS: dict[str, Promise] = {
    "text": _("Text"),
    "integer": _("Whole number"),
    "decimal": _("Decimal number"),
    "date": _("Date"),
    "time": _("Time"),
    "datetime": _("Date and time"),
    "geopoint": _("Location"),
    "geotrace": _("Line on a map"),
    "geoshape": _("Area on a map"),
    "barcode": _("Barcode"),
    "select_one": _("Single choice"),
    "select_multiple": _("Multiple choice"),
    "select_one_from_file": _("Single choice from a list file"),
    "select_multiple_from_file": _("Multiple choice from a list file"),
    "rank": _("Ranking"),
    "range": _("Range"),
    "acknowledge": _("Acknowledgement"),
    "image": _("Photo"),
    "audio": _("Audio"),
    "video": _("Video"),
    "file": _("File"),
    "note": _("Note"),
    "calculate": _("Calculation (not shown)"),
    "hidden": _("Hidden value"),
}
LANGUAGE_NAMES: dict[str, Promise] = {"zh": _("Chinese"), "en": _("English")}
MEDIA_TYPES: dict[str, Promise] = {
    "images": _("Image"),
    "audio": _("Audio"),
    "video": _("Video"),
    "file": _("File"),
    "file-csv": _("CSV list"),
}


def type_label(field_type: str) -> str | Promise:
    return TYPE_LABELS.get(field_type, field_type)


def language_name(code: str) -> str | Promise:
    return LANGUAGE_NAMES.get(code, code)


@dataclass(frozen=True)
class ProblemRow:
    """A conversion problem as the error table shows it: 工作表 / 行 / 列 / 问题."""

    sheet: str
    row: int | None
    column: str
    message: str


def split_warnings(problems: Iterable[Problem]) -> tuple[list[ProblemRow], list[str]]:
    """A version's warnings to list, and why ODK Validate did not check it (if it did not)."""
    found = list(problems)
    notes = [problem.text for problem in found if problem.code.startswith(NOT_VALIDATED)]
    others = [problem for problem in found if not problem.code.startswith(NOT_VALIDATED)]
    return problem_rows(others), notes


def problem_rows(problems: Iterable[Problem]) -> list[ProblemRow]:
    """Rendered in the active language (call inside the request)."""
    return [
        ProblemRow(
            sheet=problem.sheet or "",
            row=problem.row,
            column=problem.column or "",
            message=problem.text,
        )
        for problem in problems
    ]
