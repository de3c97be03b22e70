"""The tables of a submission export, from the forms' field schemas (pure: no ORM).

ODK Central's layout: one table for the submissions (``<form_id>``) and one per repeat group
(``<form_id>-<repeat>``), linked by keys. A submission's ``KEY`` is its instanceID; a repeat
row's ``KEY`` is its parent's key plus the path to it with a 1-based index
(``uuid:…/grp_needs/needs[2]``) and its ``PARENT_KEY`` is the parent's ``KEY``, so nested
repeats link the same way.

All versions of a form are merged by path (``merge_schemas``): the newest version's order,
then fields only older versions had, so one export covers a form's whole life. A column is
typed (``Column.type``) so the XLSX writer writes numbers and dates as such; the CSV writer
writes the answers as submitted.

Personal answers (``PERSONAL_ANSWERS``: the phone and names a form may ask) are masked for
people who do not see personal data (``server.accounts.privacy``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from server.exports.options import ExportOptions

SKIPPED_TYPES = frozenset({"note", "instanceID", "instanceName", "deprecatedID", "audit"})
PERSONAL_ANSWERS = frozenset({"phone", "head_name", "name", "resident_name", "id_number"})
GEO_PARTS = ("Latitude", "Longitude", "Altitude", "Accuracy")
TYPED = frozenset({"integer", "decimal", "date", "datetime", "start", "end", "today", "range"})


@dataclass(frozen=True)
class Column:
    header: str
    source: str  # "field", "choice" (0/1 of one choice), "geo" (one part), "system", "key"
    names: tuple[str, ...] = ()  # path from the table's row object to the answer
    type: str = "text"  # the field's type, or a system column's (datetime, integer, text)
    system: str = ""  # which system value ("received_at", "KEY", "PARENT_KEY", ...)
    choices: dict[str, str] = field(default_factory=dict)  # code → label shown
    choice: str = ""  # the one choice of a 0/1 column
    part: int = 0  # the geopoint part of a geo column
    personal: bool = False
    field_name: str = ""


@dataclass(frozen=True)
class Table:
    name: str  # file (and sheet) name: hh_visit, hh_visit-needs
    path: str  # the instance path whose nodes are its rows (root, or a repeat)
    parent: str | None  # the parent table's path
    names_from_parent: tuple[str, ...]  # path from a parent row to this table's list
    columns: list[Column]


@dataclass(frozen=True)
class Layout:
    tables: list[Table]

    @property
    def main(self) -> Table:
        return self.tables[0]


# System columns of the main table: (key, type, label msgid). Labels are translated by the
# caller (``system_label``), so this module stays free of the active language.
SYSTEM_BEFORE = (("received_at", "datetime", "SubmissionDate"),)
SYSTEM_AFTER = (
    ("instance_id", "text", "meta-instanceID"),
    ("KEY", "text", "KEY"),
    ("submitter_username", "text", "SubmitterID"),
    ("submitter_name", "text", "SubmitterName"),
    ("attachments_present", "integer", "AttachmentsPresent"),
    ("attachments_expected", "integer", "AttachmentsExpected"),
    ("review_state", "text", "ReviewState"),
    ("device_id", "text", "DeviceID"),
    ("form_version", "text", "FormVersion"),
    ("grid_code", "text", "GridCode"),
    ("grid_name", "text", "GridName"),
    ("community_code", "text", "CommunityCode"),
    ("community_name", "text", "CommunityName"),
)


def merge_schemas(schemas: list[dict[str, Any]]) -> dict[str, Any]:
    """One schema for several versions (newest first): fields by path in the newest order,
    then fields only older versions have; choices merged by value (newest labels win)."""
    if not schemas:
        return {"fields": [], "repeats": [], "groups": [], "languages": []}
    newest = schemas[0]
    fields: dict[str, dict[str, Any]] = {}
    groups: dict[str, dict[str, Any]] = {}
    repeats: list[str] = []
    languages: list[str] = []
    for schema in schemas:
        for spec in schema.get("fields", []):
            known = fields.get(spec["path"])
            if known is None:
                fields[spec["path"]] = dict(spec)
            elif spec.get("choices"):
                values = {choice["value"] for choice in known.get("choices") or []}
                extra = [c for c in spec["choices"] if c["value"] not in values]
                known["choices"] = [*(known.get("choices") or []), *extra]
        for group in schema.get("groups", []):
            groups.setdefault(group["path"], group)
        repeats += [path for path in schema.get("repeats", []) if path not in repeats]
        languages += [code for code in schema.get("languages", []) if code not in languages]
    return {
        "form_id": newest.get("form_id", ""),
        "root": newest.get("root", "/data"),
        "default_language": newest.get("default_language", "default"),
        "languages": languages,
        "repeats": repeats,
        "groups": list(groups.values()),
        "fields": list(fields.values()),
    }


def build_layout(
    schema: dict[str, Any],
    options: ExportOptions,
    *,
    system_label: Callable[[str], str],
    mask_personal: bool,
) -> Layout:
    """The tables and columns for a (merged) schema and the chosen options."""
    root = schema.get("root") or "/data"
    form_id = schema.get("form_id") or root.strip("/")
    repeats = sorted(schema.get("repeats", []), key=lambda path: path.count("/"))
    group_labels = {group["path"]: group.get("labels") or {} for group in schema["groups"]}
    labeller = _Labeller(options, schema, group_labels)
    tables: dict[str, Table] = {root: Table(form_id, root, None, (), [])}
    for repeat in repeats:
        parent = _enclosing(repeat, repeats, root)
        tables[repeat] = Table(
            name=_table_name(form_id, repeat, root),
            path=repeat,
            parent=parent,
            names_from_parent=_relative(repeat, parent),
            columns=[],
        )
    main = tables[root]
    for key, kind, header in SYSTEM_BEFORE:
        main.columns.append(
            Column(_system_header(options, header, system_label), "system", type=kind, system=key)
        )
    for spec in schema.get("fields", []):
        if spec.get("type") in SKIPPED_TYPES or _is_meta(spec["path"], root):
            continue
        table = tables.get(spec.get("repeat") or root)
        if table is None:  # a repeat the merged schema lost: skip rather than misplace
            continue
        table.columns.extend(_field_columns(spec, table, labeller, options, mask_personal))
    for key, kind, header in SYSTEM_AFTER:
        main.columns.append(
            Column(_system_header(options, header, system_label), "system", type=kind, system=key)
        )
    for path, table in tables.items():
        if path == root:
            continue
        table.columns.append(
            Column(_system_header(options, "PARENT_KEY", system_label), "key", system="PARENT_KEY")
        )
        table.columns.append(
            Column(_system_header(options, "KEY", system_label), "key", system="KEY")
        )
    ordered = [main, *(tables[path] for path in repeats)]
    for table in ordered:
        _unique_headers(table.columns)
    return Layout(tables=ordered)


def _system_header(options: ExportOptions, name: str, label: Callable[[str], str]) -> str:
    return name if options.language == "names" else label(name)


class _Labeller:
    def __init__(self, options: ExportOptions, schema: dict[str, Any], groups: dict) -> None:
        self.options = options
        self.groups = groups
        languages = schema.get("languages") or []
        self.language = options.language
        if self.language == "names":  # choice labels in the form's default language
            default = schema.get("default_language")
            self.choice_language = str(default if default in languages else (languages or [""])[0])
        else:
            self.choice_language = self.language

    def label(self, labels: dict[str, str], language: str, fallback: str) -> str:
        text = labels.get(language) or labels.get("default") or next(iter(labels.values()), "")
        return " ".join(str(text).split()) or fallback

    def header(self, spec: dict[str, Any], relative: tuple[str, ...], table_path: str) -> str:
        if self.language == "names":
            return "-".join(relative) if self.options.group_paths else spec["name"]
        own = self.label(spec.get("labels") or {}, self.language, spec["name"])
        if not self.options.group_paths:
            return own
        parts, path = [], table_path
        for name in relative[:-1]:
            path = f"{path}/{name}"
            parts.append(self.label(self.groups.get(path) or {}, self.language, name))
        return "-".join([*parts, own])

    def choices(self, spec: dict[str, Any]) -> dict[str, str]:
        return {
            choice["value"]: self.label(
                choice.get("labels") or {}, self.choice_language, choice["value"]
            )
            for choice in spec.get("choices") or []
        }


def _field_columns(
    spec: dict[str, Any], table: Table, labeller: _Labeller, options: ExportOptions, mask: bool
) -> Iterator[Column]:
    relative = _relative(spec["path"], table.path)
    header = labeller.header(spec, relative, table.path)
    kind = spec.get("type") or "text"
    personal = mask and spec["name"] in PERSONAL_ANSWERS
    choices = labeller.choices(spec) if options.choice_labels else {}
    common = {"names": relative, "type": kind, "personal": personal, "field_name": spec["name"]}
    if kind == "geopoint":
        for index, part in enumerate(GEO_PARTS):
            yield Column(f"{header}-{part}", "geo", part=index, **common)  # type: ignore[arg-type]
        return
    if kind == "select_multiple" and options.split_multiple and spec.get("choices"):
        yield Column(header, "field", choices=choices, **common)  # type: ignore[arg-type]
        for choice in spec["choices"]:
            shown = choices.get(choice["value"], choice["value"])
            yield Column(f"{header}/{shown}", "choice", choice=choice["value"], **common)  # type: ignore[arg-type]
        return
    yield Column(header, "field", choices=choices, **common)  # type: ignore[arg-type]


def _unique_headers(columns: list[Column]) -> None:
    seen: dict[str, int] = {}
    for index, column in enumerate(columns):
        count = seen.get(column.header, 0)
        seen[column.header] = count + 1
        if count:
            suffix = f" ({column.field_name or column.system})"
            header = column.header + suffix
            if header in seen:
                header = f"{column.header} ({count + 1})"
            seen[header] = 1
            columns[index] = Column(**{**column.__dict__, "header": header})


def _enclosing(repeat: str, repeats: list[str], root: str) -> str:
    candidates = [other for other in repeats if repeat.startswith(other + "/")]
    return max(candidates, key=len) if candidates else root


def _relative(path: str, base: str) -> tuple[str, ...]:
    return tuple(part for part in path[len(base) :].split("/") if part)


def _is_meta(path: str, root: str) -> bool:
    return path.startswith(f"{root}/meta/")


def _table_name(form_id: str, repeat: str, root: str) -> str:
    return f"{form_id}-{repeat.rsplit('/', 1)[-1]}"


# ------------------------------------------------------------------------ rows


@dataclass(frozen=True)
class RowNode:
    """One row object of a table: its JSON node and its key."""

    node: dict[str, Any]
    key: str
    parent_key: str


def repeat_nodes(
    layout: Layout, data: dict[str, Any], instance_id: str
) -> dict[str, list[RowNode]]:
    """Every table's row objects of one submission, keyed by table path."""
    main = layout.main
    found: dict[str, list[RowNode]] = {main.path: [RowNode(data, instance_id, "")]}
    for table in layout.tables[1:]:
        rows: list[RowNode] = []
        for parent in found.get(table.parent or main.path, []):
            items = _lookup(parent.node, table.names_from_parent)
            if isinstance(items, dict):
                items = [items]
            if not isinstance(items, list):
                continue
            relative = "/".join(table.names_from_parent)
            for index, item in enumerate(items, start=1):
                node = item if isinstance(item, dict) else {}
                rows.append(RowNode(node, f"{parent.key}/{relative}[{index}]", parent.key))
        found[table.path] = rows
    return found


def _lookup(node: Any, names: tuple[str, ...]) -> Any:
    for name in names:
        if not isinstance(node, dict):
            return None
        node = node.get(name)
    return node


def answer(node: dict[str, Any], names: tuple[str, ...]) -> str:
    """The answer at ``names`` as text ("" when absent or a group)."""
    value = _lookup(node, names)
    return value if isinstance(value, str) else ""
