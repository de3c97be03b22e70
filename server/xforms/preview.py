"""The questions of a form version as people read them: a tree in the form's order.

Pure: it reads the field schema (``schema.py``, stored in ``FormVersion.schema``) and never
the ORM. Groups and repeats hold their questions, nested as in the form; metadata the phone
records by itself (start, end, instanceID ...) is kept apart; labels, hints, choices and
constraint messages come as ``(language, text)`` pairs, Chinese first, then English, then
any other language of the form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

METADATA_TYPES = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "username",
        "phonenumber",
        "email",
        "simserial",
        "subscriberid",
        "audit",
        "instanceID",
        "instanceName",
        "deprecatedID",
        "start-geopoint",
    }
)
NOT_ON_SCREEN = frozenset({"calculate", "hidden"})
LANGUAGE_ORDER = ("zh", "en")

Texts = list[tuple[str, str]]
_ABSOLUTE_PATH = re.compile(r"(?<![\w.$/-])(/[A-Za-z_][\w.-]*(?:/[A-Za-z_][\w.-]*)+)")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Choice:
    value: str
    labels: Texts


@dataclass(frozen=True)
class Question:
    name: str
    path: str
    type: str
    labels: Texts
    hints: Texts
    required: bool
    required_when: str | None
    relevant: str | None
    constraint: str | None
    constraint_message: Texts
    calculation: str | None
    choices: list[Choice]
    list_name: str | None
    file: str | None
    appearance: str | None
    readonly: bool

    is_group = False

    @property
    def on_screen(self) -> bool:
        """Shown to the collector (calculations and hidden values are not)."""
        return self.type not in NOT_ON_SCREEN


@dataclass
class Group:
    name: str
    path: str
    labels: Texts
    is_repeat: bool
    appearance: str | None
    relevant: str | None = None
    children: list[Group | Question] = field(default_factory=list)

    is_group = True

    @property
    def question_count(self) -> int:
        return sum(
            child.question_count if isinstance(child, Group) else 1 for child in self.children
        )


@dataclass(frozen=True)
class Preview:
    title: str
    version: str
    languages: list[str]
    items: list[Group | Question]
    metadata: list[str]

    @property
    def question_count(self) -> int:
        return sum(item.question_count if isinstance(item, Group) else 1 for item in self.items)


def ordered_languages(languages: Iterable[str]) -> list[str]:
    """Chinese first, then English, then the others in the form's own order."""
    given = list(dict.fromkeys(languages))
    first = [code for code in LANGUAGE_ORDER if code in given]
    return first + [code for code in given if code not in first]


def texts(values: Mapping[str, str] | None, languages: Sequence[str]) -> Texts:
    """``{"en": "Name", "zh": "姓名"}`` → ``[("zh", "姓名"), ("en", "Name")]``."""
    values = values or {}
    order = list(languages) + [code for code in values if code not in languages]
    return [(code, values[code]) for code in order if values.get(code)]


def form_preview(schema: Mapping[str, Any]) -> Preview:
    """The question tree of a version's schema (see the module doc)."""
    languages = ordered_languages(schema.get("languages") or ["default"])
    root = f"{schema.get('root') or '/data'}"
    meta_path = f"{root}/meta"
    named = [*schema.get("fields", []), *schema.get("groups", [])]
    names = {item["path"]: item["name"] for item in named}
    groups = {
        group["path"]: _group(group, languages, names)
        for group in schema.get("groups", [])
        if not _inside(group["path"], meta_path)
    }
    top = Group(name="", path=root, labels=[], is_repeat=False, appearance=None)
    placed: set[str] = set()
    metadata: list[str] = []
    for item in schema.get("fields", []):
        if item.get("type") in METADATA_TYPES or _inside(item["path"], meta_path):
            metadata.append(item["name"])
            continue
        parent = _place_ancestors(item["path"], root, groups, top, placed)
        parent.children.append(_question(item, languages, names))
    for path in groups:  # groups without any question stay visible
        if path not in placed:
            _place_ancestors(f"{path}/_", root, groups, top, placed)
    return Preview(
        title=str(schema.get("title", "")),
        version=str(schema.get("version", "")),
        languages=languages,
        items=top.children,
        metadata=metadata,
    )


def readable_expression(expression: str | None, names: Mapping[str, str]) -> str | None:
    """``/data/grp/age > 17`` → ``${age} > 17`` for the paths in ``names`` (path → name)."""
    if not expression:
        return None

    def name_of(match: re.Match[str]) -> str:
        path = match.group(1)
        return "${" + names[path] + "}" if path in names else path

    return _SPACES.sub(" ", _ABSOLUTE_PATH.sub(name_of, expression)).strip()


def _inside(path: str, ancestor: str) -> bool:
    return path == ancestor or path.startswith(ancestor + "/")


def _place_ancestors(
    path: str, root: str, groups: dict[str, Group], top: Group, placed: set[str]
) -> Group:
    """The innermost group holding ``path``, attaching it and the groups above it to the
    tree the first time they are met (so groups appear where their first question is)."""
    parent = top
    parts = path[len(root) + 1 :].split("/")[:-1]
    current = root
    for part in parts:
        current = f"{current}/{part}"
        group = groups.get(current)
        if group is None:
            continue
        if current not in placed:
            placed.add(current)
            parent.children.append(group)
        parent = group
    return parent


def _group(group: Mapping[str, Any], languages: Sequence[str], names: Mapping[str, str]) -> Group:
    return Group(
        name=group["name"],
        path=group["path"],
        labels=texts(group.get("labels"), languages),
        is_repeat=bool(group.get("is_repeat")),
        appearance=group.get("appearance"),
        relevant=readable_expression(group.get("relevant"), names),
    )


def _question(
    item: Mapping[str, Any], languages: Sequence[str], names: Mapping[str, str]
) -> Question:
    return Question(
        name=item["name"],
        path=item["path"],
        type=item.get("type", "text"),
        labels=texts(item.get("labels"), languages),
        hints=texts(item.get("hints"), languages),
        required=bool(item.get("required")),
        required_when=readable_expression(item.get("required_when"), names),
        relevant=readable_expression(item.get("relevant"), names),
        constraint=readable_expression(item.get("constraint"), names),
        constraint_message=texts(item.get("constraint_message"), languages),
        calculation=readable_expression(item.get("calculation"), names),
        choices=[
            Choice(
                value=str(choice.get("value", "")), labels=texts(choice.get("labels"), languages)
            )
            for choice in item.get("choices") or []
        ],
        list_name=item.get("list_name"),
        file=item.get("file"),
        appearance=item.get("appearance"),
        readonly=bool(item.get("readonly")),
    )
