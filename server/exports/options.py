"""What an export contains and how it looks: its options and filters (pure).

Both are stored on the job as JSON (``ExportJob.options``/``filters``) so a job can be run
again, audited, or shown later exactly as asked. ``from_json`` checks every value and raises
``ValueError`` with the offending key; services turn it into a catalog error.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

LANGUAGES = ("zh", "en", "names")
DEPARTMENTS = ("police", "family_planning", "labour", "civil_affairs", "disabled")
REVIEW_STATES = ("received", "has_issues", "approved", "rejected")
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
MAX_ANSWER_FILTERS = 10


@dataclass(frozen=True)
class ExportOptions:
    language: str = "zh"  # headers (and choice labels): zh, en, or names (codes)
    choice_labels: bool = True  # choice labels (in ``language``) instead of codes
    split_multiple: bool = False  # select_multiple as one 0/1 column per choice
    group_paths: bool = False  # headers carry their group path (grp_id-grid)
    include_media: bool = False  # CSV ZIP: the photos inside it, under media/
    departments: tuple[str, ...] = DEPARTMENTS  # special-population lists
    overdue_days: int | None = None  # households: only those not visited in N days

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["departments"] = list(self.departments)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ExportOptions:
        data = dict(data or {})
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(sorted(unknown)[0])
        language = data.get("language", "zh")
        if language not in LANGUAGES:
            raise ValueError("language")
        departments = tuple(data.get("departments") or DEPARTMENTS)
        if any(department not in DEPARTMENTS for department in departments):
            raise ValueError("departments")
        overdue = data.get("overdue_days")
        if overdue in ("", None):
            overdue = None
        else:
            overdue = _int(overdue, "overdue_days", minimum=1, maximum=3650)
        return cls(
            language=language,
            choice_labels=_bool(data.get("choice_labels", True), "choice_labels"),
            split_multiple=_bool(data.get("split_multiple", False), "split_multiple"),
            group_paths=_bool(data.get("group_paths", False), "group_paths"),
            include_media=_bool(data.get("include_media", False), "include_media"),
            departments=tuple(d for d in DEPARTMENTS if d in departments),
            overdue_days=overdue,
        )


@dataclass(frozen=True)
class ExportFilters:
    """Which rows: always intersected with the requester's scope by the selectors."""

    date_from: date | None = None  # submissions received on or after (local date)
    date_to: date | None = None  # ... on or before (inclusive)
    area: str = ""  # any node of the area tree (code)
    version: str = ""  # one form version
    review_states: tuple[str, ...] = ()
    submitter: str = ""  # username
    answers: dict[str, str] = field(default_factory=dict)  # field name → value (code)
    flags: tuple[str, ...] = ()  # households: special-population flags (any of)

    def to_json(self) -> dict[str, Any]:
        return {
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "area": self.area,
            "version": self.version,
            "review_states": list(self.review_states),
            "submitter": self.submitter,
            "answers": dict(self.answers),
            "flags": list(self.flags),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ExportFilters:
        data = dict(data or {})
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(sorted(unknown)[0])
        date_from = _date(data.get("date_from"), "date_from")
        date_to = _date(data.get("date_to"), "date_to")
        if date_from and date_to and date_from > date_to:
            raise ValueError("date_to")
        states = tuple(data.get("review_states") or ())
        if any(state not in REVIEW_STATES for state in states):
            raise ValueError("review_states")
        answers = data.get("answers") or {}
        if not isinstance(answers, dict) or len(answers) > MAX_ANSWER_FILTERS:
            raise ValueError("answers")
        for name, value in answers.items():
            if not _FIELD.match(str(name)) or not isinstance(value, str) or len(value) > 200:
                raise ValueError("answers")
        return cls(
            date_from=date_from,
            date_to=date_to,
            area=_code(data.get("area"), "area"),
            version=_code(data.get("version"), "version"),
            review_states=states,
            submitter=_code(data.get("submitter"), "submitter"),
            answers={str(name): value.strip() for name, value in answers.items() if value.strip()},
            flags=tuple(_code(flag, "flags") for flag in data.get("flags") or ()),
        )


def _bool(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "1", "on", 1):
        return True
    if value in ("false", "0", "off", "", 0, None):
        return False
    raise ValueError(key)


def _int(value: Any, key: str, *, minimum: int, maximum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(key) from None
    if not minimum <= number <= maximum:
        raise ValueError(key)
    return number


def _date(value: Any, key: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(key) from None


def _code(value: Any, key: str) -> str:
    text = str(value or "").strip()
    if text and not _CODE.match(text):
        raise ValueError(key)
    return text
