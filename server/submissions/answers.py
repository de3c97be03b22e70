"""A submission's answers as people read them: labelled in one language, in the form's order.

Pure: the stored data (``Submission.data``, nested like the instance, see ``parsing.py``) and
the form version's field schema (``xforms.schema``) in, a tree of plain objects out; no ORM,
no HTTP. Groups hold their answers, a repeat holds one block per instance, metadata the phone
recorded by itself (start, end, instanceID ...) is kept apart. Choice values become their
labels (a select_multiple becomes one label per value); a file question names its attachment.
Questions absent from the data (not relevant when the form was filled) are left out; an empty
answer is kept as empty. Personal values (``accounts.privacy``) pass through ``mask`` so the
caller decides, with the one rule, what the reader sees.

``flatten`` and ``changes`` compare two versions of a submission (an edit) answer by answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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
SKIPPED_TYPES = frozenset({"note"})
SELECT_TYPES = frozenset({"select_one", "select_multiple", "rank"})
MULTIPLE_TYPES = frozenset({"select_multiple", "select_multiple_from_file", "rank"})
FILE_TYPES = frozenset({"image", "audio", "video", "file"})
COMPUTED_TYPES = frozenset({"calculate", "hidden"})
GEO_TYPES = frozenset({"geopoint", "start-geopoint", "geotrace", "geoshape"})

Mask = Callable[[str, str], str]


def _no_mask(name: str, value: str) -> str:
    return value


@dataclass(frozen=True)
class Answer:
    """One question's answer. ``texts`` is what to show (choice labels, or the value);
    ``attachment`` the file name a file question holds."""

    name: str
    path: str
    type: str
    label: str
    value: str
    texts: tuple[str, ...]
    attachment: str = ""
    computed: bool = False

    is_group = False
    is_repeat = False

    @property
    def empty(self) -> bool:
        return self.value == ""

    @property
    def text(self) -> str:
        return "、".join(self.texts) if self.type in MULTIPLE_TYPES else " ".join(self.texts)


@dataclass
class Section:
    """A group (``is_repeat`` False) or one instance of a repeat (``number`` from 1)."""

    name: str
    path: str
    label: str
    items: list[Answer | Section | Repeat] = field(default_factory=list)
    number: int | None = None

    is_group = True
    is_repeat = False


@dataclass
class Repeat:
    name: str
    path: str
    label: str
    instances: list[Section] = field(default_factory=list)

    is_group = True
    is_repeat = True


@dataclass
class Answers:
    items: list[Answer | Section | Repeat]
    metadata: list[Answer]
    language: str


def pick_label(labels: Mapping[str, str] | None, language: str, default: str, fallback: str) -> str:
    """The label in ``language``, else the form's default language, else Chinese, English,
    any; ``fallback`` (the question's name) when the form has no label at all."""
    labels = labels or {}
    for code in (language, default, "zh", "en", "default"):
        if labels.get(code):
            return labels[code]
    return next((text for text in labels.values() if text), fallback)


def labelled_answers(
    schema: Mapping[str, Any], data: Mapping[str, Any], *, language: str, mask: Mask = _no_mask
) -> Answers:
    """The answers of ``data`` laid out by ``schema`` in ``language`` (``zh``, ``en``)."""
    reader = _Reader(schema, language, mask)
    root = str(schema.get("root") or "/data")
    metadata = [
        answer
        for spec in schema.get("fields", [])
        if spec.get("type") in METADATA_TYPES
        for answer in [reader.answer(spec, _lookup(data, _relative(root, spec["path"])))]
        if answer is not None
    ]
    return Answers(items=reader.children(root, data), metadata=metadata, language=language)


class _Reader:
    def __init__(self, schema: Mapping[str, Any], language: str, mask: Mask) -> None:
        self.language = language
        self.default = str(schema.get("default_language") or "default")
        self.mask = mask
        self.fields = [f for f in schema.get("fields", []) if f.get("type") not in METADATA_TYPES]
        self.groups = {g["path"]: g for g in schema.get("groups", [])}
        self.repeats = set(schema.get("repeats", []))

    def label(self, spec: Mapping[str, Any]) -> str:
        return pick_label(spec.get("labels"), self.language, self.default, spec.get("name", ""))

    def children(self, container: str, node: Any) -> list[Answer | Section | Repeat]:
        """Answers and groups directly inside ``container``, in the form's order."""
        items: list[Answer | Section | Repeat] = []
        done: set[str] = set()
        for spec in self.fields:
            path = spec["path"]
            if not path.startswith(container + "/") or spec.get("type") in SKIPPED_TYPES:
                continue
            first = path[len(container) + 1 :].split("/", 1)[0]
            child = f"{container}/{first}"
            if child in done:
                continue
            done.add(child)
            value = node.get(first) if isinstance(node, Mapping) else None
            if child == path:
                answer = self.answer(spec, value)
                if answer is not None:
                    items.append(answer)
            elif value is not None:
                items.append(self.group(child, first, value))
        return items

    def group(self, path: str, name: str, value: Any) -> Section | Repeat:
        label = self.label(self.groups.get(path, {"name": name}))
        if path in self.repeats:
            instances = value if isinstance(value, list) else [value]
            return Repeat(
                name=name,
                path=path,
                label=label,
                instances=[
                    Section(
                        name=name,
                        path=path,
                        label=label,
                        items=self.children(path, instance),
                        number=number,
                    )
                    for number, instance in enumerate(instances, start=1)
                ],
            )
        return Section(name=name, path=path, label=label, items=self.children(path, value))

    def answer(self, spec: Mapping[str, Any], value: Any) -> Answer | None:
        if value is None or isinstance(value, (dict, list)):
            return None
        kind = str(spec.get("type", "text"))
        name = str(spec.get("name", ""))
        raw = str(value).strip()
        shown = self.mask(name, raw) if raw else raw
        return Answer(
            name=name,
            path=spec["path"],
            type=kind,
            label=self.label(spec),
            value=shown,
            texts=tuple(self.texts(spec, kind, shown)),
            attachment=raw if kind in FILE_TYPES and raw else "",
            computed=kind in COMPUTED_TYPES,
        )

    def texts(self, spec: Mapping[str, Any], kind: str, value: str) -> Iterable[str]:
        if not value:
            return ()
        if kind in GEO_TYPES:
            return [_geopoint(value)] if kind == "geopoint" else [value]
        values = value.split() if kind in MULTIPLE_TYPES else [value]
        if kind not in SELECT_TYPES:
            return values
        labels = {c.get("value"): c.get("labels") for c in spec.get("choices") or []}
        return [
            pick_label(labels[v], self.language, self.default, v) if v in labels else v
            for v in values
        ]


def _geopoint(value: str) -> str:
    """``"31.2304 121.4737 12.0 5.0"`` (latitude, longitude, altitude, accuracy) →
    ``"31.2304, 121.4737 (±5 m)"``; anything else as it is."""
    parts = value.split()
    if len(parts) < 2:
        return value
    try:
        accuracy = f" (±{float(parts[3]):.0f} m)" if len(parts) > 3 else ""
    except ValueError:
        accuracy = ""
    return f"{parts[0]}, {parts[1]}{accuracy}"


def _relative(root: str, path: str) -> list[str]:
    return path[len(root) + 1 :].split("/") if path.startswith(root + "/") else []


def _lookup(data: Any, parts: list[str]) -> Any:
    for part in parts:
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


# ------------------------------------------------------------------ comparing versions


@dataclass(frozen=True)
class Change:
    """One answer that differs between two versions (``before``/``after`` empty when the
    question was not answered in that version)."""

    key: str
    label: str
    before: str
    after: str


def flatten(answers: Answers) -> dict[str, tuple[str, str]]:
    """Every answer by a key unique within the submission (repeat instances numbered):
    ``{"/data/grp_needs/needs[2]/need_desc": ("诉求 2 › 诉求内容", "楼道灯坏了")}``."""
    flat: dict[str, tuple[str, str]] = {}

    def walk(items: Iterable[Answer | Section | Repeat], prefix: str, trail: tuple[str, ...]):
        for item in items:
            if isinstance(item, Answer):
                key = prefix + "/" + item.name
                shown = item.attachment or item.text
                flat[key] = (" › ".join((*trail, item.label)), shown)
            elif isinstance(item, Repeat):
                for instance in item.instances:
                    walk(
                        instance.items,
                        f"{prefix}/{item.name}[{instance.number}]",
                        (*trail, f"{item.label} {instance.number}"),
                    )
            else:
                walk(item.items, f"{prefix}/{item.name}", (*trail, item.label))

    walk(answers.items, "", ())
    return flat


def changes(before: Answers, after: Answers) -> list[Change]:
    """The answers an edit changed, added or removed, in the newer version's order."""
    old, new = flatten(before), flatten(after)
    keys = list(new) + [key for key in old if key not in new]
    result = []
    for key in keys:
        old_label, old_value = old.get(key, ("", ""))
        new_label, new_value = new.get(key, ("", ""))
        if old_value != new_value:
            result.append(Change(key, new_label or old_label, old_value, new_value))
    return result


def masked_data(data: Any, mask: Mask) -> Any:
    """The stored data with every personal value passed through ``mask`` (by question name),
    however deep it sits in groups and repeats."""
    if isinstance(data, Mapping):
        return {
            key: (
                mask(key, value) if isinstance(value, str) and value else masked_data(value, mask)
            )
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [masked_data(item, mask) for item in data]
    return data
