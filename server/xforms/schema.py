"""The field schema of a form version, read from its XForm XML (never from pyxform internals).

Pure: bytes in, plain JSON-able data out; no ORM, no pyxform. Stored in
``FormVersion.schema`` and read by submissions, records and exports. Shape (``SCHEMA_VERSION``
1)::

    {
      "schema_version": 1,
      "form_id": "hh_visit", "version": "2026112301", "title": "入户走访登记",
      "root": "/data",
      "languages": ["zh", "en"],          # codes from "Chinese (zh)", "English (en)"
      "default_language": "zh",           # "default" for a form without translations
      "repeats": ["/data/grp_needs/needs"],
      "groups": [{"path": "/data/grp_id", "name": "grp_id", "labels": {...},
                  "repeat": null, "appearance": "field-list", "relevant": null}],
      "fields": [{
        "path": "/data/grp_needs/needs/need_photo",   # absolute instance path
        "name": "need_photo",
        "type": "image",          # XLSForm-like, see below
        "repeat": "/data/grp_needs/needs",             # enclosing repeat, or null
        "group": "/data/grp_needs/needs",              # nearest enclosing group/repeat, or null
        "labels": {"zh": "诉求相关照片（可选）", "en": "Photo (optional)"},
        "hints": {...},
        "choices": [{"value": "yes", "labels": {"zh": "是", "en": "Yes"}}],   # selects only
        "list_name": "yes_no",    # the choice list (or secondary instance) of a select
        "file": "households.csv", # select_*_from_file: the attachment the choices come from
        "required": true,         # always required; see "required_when" for an expression
        "required_when": null,    # the XPath of a conditional required, else null
        "relevant": null,         # the XPath of the field's own relevant, else null
        "constraint": ". > 0",    # the XPath of its constraint, else null
        "constraint_message": {"zh": "...", "en": "..."},   # per language, {} when none
        "calculation": null,      # the XPath of a calculate, else null
        "readonly": false,
        "binary": true,           # its value names an attachment of the submission
        "appearance": null,
        "mediatype": "image/*"    # uploads only
      }, ...],
      "binary_fields": ["/data/door_photo", ...],
      "attachments": [{"filename": "households.csv", "type": "file-csv"}, ...]
    }

Field types: ``text``, ``integer``, ``decimal``, ``date``, ``time``, ``datetime``,
``geopoint``, ``geotrace``, ``geoshape``, ``barcode``, ``select_one``, ``select_multiple``,
``select_one_from_file``, ``select_multiple_from_file``, ``rank``, ``range``, ``acknowledge``,
``image``, ``audio``, ``video``, ``file``, ``note``, ``calculate``, ``hidden``,
``start-geopoint``; metadata: ``start``, ``end``, ``today``, ``deviceid``, ``username``,
``phonenumber``, ``email``, ``simserial``, ``subscriberid``, ``audit``, ``instanceID``,
``instanceName``, ``deprecatedID``.

``constraint``, ``constraint_message``, ``calculation`` (fields) and ``relevant`` (groups) were
added within schema version 1:
versions stored before lack them, so readers use ``.get()``.

Groups and repeats are not fields; a repeat's path is in ``repeats`` and in ``groups``.
``attachments`` are the files the form expects beside it, from every ``jr://images/``,
``jr://audio/``, ``jr://video/``, ``jr://file/`` and ``jr://file-csv/`` reference and every
``search('name')`` appearance (``name.csv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

SCHEMA_VERSION = 1

XFORMS = "http://www.w3.org/2002/xforms"
XHTML = "http://www.w3.org/1999/xhtml"
JAVAROSA = "http://openrosa.org/javarosa"
ODK = "http://www.opendatakit.org/xforms"
NS = {"xf": XFORMS, "h": XHTML, "jr": JAVAROSA, "odk": ODK}

_BIND_TYPES = {
    "string": "text",
    "int": "integer",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "dateTime": "datetime",
    "geopoint": "geopoint",
    "geotrace": "geotrace",
    "geoshape": "geoshape",
    "barcode": "barcode",
    "boolean": "acknowledge",
}
_PRELOADS = {
    ("timestamp", "start"): "start",
    ("timestamp", "end"): "end",
    ("date", "today"): "today",
    ("uid", ""): "instanceID",
}
_META_NAMES = {"instanceID", "instanceName", "deprecatedID", "audit"}
_ATTACHMENT_URL = re.compile(r"jr://(images|audio|video|file-csv|file)/([^\s'\"<>]+)")
_SEARCH_APPEARANCE = re.compile(r"search\(\s*'([^']+)'")
_INSTANCE_IN_NODESET = re.compile(r"^\s*instance\(\s*'([^']+)'\s*\)")
_ITEXT_REFERENCE = re.compile(r"^\s*jr:itext\('([^']+)'\)\s*$")
_LANGUAGE_CODE = re.compile(r"\(([^()]+)\)\s*$")
_CONTROLS = {"input", "select1", "select", "upload", "trigger", "range", "rank", "group", "repeat"}


class XFormError(ValueError):
    """The bytes are not an XForm this module can read; ``reason`` says why (English)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class XFormIdentity:
    form_id: str
    version: str
    title: str


# ------------------------------------------------------------------ parsing


def parse_xform(xml: bytes) -> etree._Element:
    """Parse untrusted XForm bytes: no DTD, no entities, no network; an XForm root."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise XFormError(_("not well-formed XML (%(error)s)") % {"error": error}) from None
    if root.getroottree().docinfo.doctype:
        raise XFormError(_("a DOCTYPE is not allowed in an XForm"))
    if etree.QName(root).localname != "html" or _model(root) is None:
        raise XFormError(_("no <h:html> with an XForms <model> in its <h:head>"))
    return root


def _model(root: etree._Element) -> etree._Element | None:
    return root.find("h:head/xf:model", NS)


def _primary_instance(root: etree._Element) -> etree._Element:
    model = _model(root)
    instance = model.find("xf:instance", NS) if model is not None else None
    data = None if instance is None else next(iter(_children(instance)), None)
    if data is None:
        raise XFormError(_("the model has no primary instance"))
    return data


def _children(element: etree._Element) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str)]


def xform_identity(xml: bytes) -> XFormIdentity:
    root = parse_xform(xml)
    data = _primary_instance(root)
    form_id = (data.get("id") or "").strip()
    if not form_id:
        raise XFormError(_("the primary instance has no id attribute (the form ID)"))
    title = "".join(root.findtext("h:head/h:title", default="", namespaces=NS)).strip()
    return XFormIdentity(form_id=form_id, version=(data.get("version") or "").strip(), title=title)


# ------------------------------------------------------------------ the schema


def derive_schema(xml: bytes) -> dict[str, Any]:
    root = parse_xform(xml)
    identity = xform_identity(xml)
    reader = _FormReader(root)
    return {
        "schema_version": SCHEMA_VERSION,
        "form_id": identity.form_id,
        "version": identity.version,
        "title": identity.title,
        "root": reader.root_path,
        "languages": reader.languages,
        "default_language": reader.default_language,
        "repeats": reader.repeats,
        "groups": reader.groups,
        "fields": reader.fields,
        "binary_fields": [field["path"] for field in reader.fields if field["binary"]],
        "attachments": expected_attachments(root),
    }


def expected_attachments(root: etree._Element) -> list[dict[str, str]]:
    """Every file the form expects beside it, sorted by file name."""
    found: dict[str, str] = {}
    for text in _all_text(root):
        for kind, filename in _ATTACHMENT_URL.findall(text):
            found.setdefault(filename, kind)
    for element in root.iter():
        appearance = element.get("appearance") if isinstance(element.tag, str) else None
        for name in _SEARCH_APPEARANCE.findall(appearance or ""):
            found.setdefault(name if name.endswith(".csv") else f"{name}.csv", "file-csv")
    return [{"filename": name, "type": found[name]} for name in sorted(found)]


def _all_text(root: etree._Element) -> list[str]:
    texts: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        texts.extend(value for value in element.attrib.values() if "jr://" in value)
        if element.text and "jr://" in element.text:
            texts.append(element.text)
    return texts


class _FormReader:
    """Walks the primary instance once, joining binds, body controls and translations."""

    def __init__(self, root: etree._Element) -> None:
        model = _model(root)
        assert model is not None  # parse_xform checked it
        self.binds = {bind.get("nodeset"): bind for bind in model.iterfind("xf:bind", NS)}
        self.setgeopoints = {action.get("ref") for action in root.iter(f"{{{ODK}}}setgeopoint")}
        self.controls = _body_controls(root)
        self.secondary = _secondary_instances(model)
        self.translations, self.languages, self.default_language = _translations(model)
        self.repeats = _repeat_paths(root)
        self.groups: list[dict[str, Any]] = []
        self.fields: list[dict[str, Any]] = []
        data = _primary_instance(root)
        self.root_path = f"/{etree.QName(data).localname}"
        self._walk(data, self.root_path, repeat=None, group=None, seen=set())

    def _walk(
        self,
        element: etree._Element,
        path: str,
        *,
        repeat: str | None,
        group: str | None,
        seen: set[str],
    ) -> None:
        for child in _children(element):
            child_path = f"{path}/{etree.QName(child).localname}"
            if child_path in seen:
                continue  # a repeat's jr:template and its first row share a path
            seen.add(child_path)
            if child_path in self.repeats:
                self.groups.append(self._group(child_path, repeat=repeat))
                self._walk(child, child_path, repeat=child_path, group=child_path, seen=seen)
            elif _children(child):
                self.groups.append(self._group(child_path, repeat=repeat))
                self._walk(child, child_path, repeat=repeat, group=child_path, seen=seen)
            else:
                self.fields.append(self._field(child_path, repeat=repeat, group=group))

    def _group(self, path: str, *, repeat: str | None) -> dict[str, Any]:
        control = self.controls.get(path)
        return {
            "path": path,
            "name": path.rsplit("/", 1)[-1],
            "labels": self._texts(control, "label"),
            "repeat": repeat,
            "is_repeat": path in self.repeats,
            "appearance": control.get("appearance") if control is not None else None,
            "relevant": _attribute(self.binds.get(path), "relevant"),
        }

    def _field(self, path: str, *, repeat: str | None, group: str | None) -> dict[str, Any]:
        bind = self.binds.get(path)
        control = self.controls.get(path)
        field_type = self._type(path, bind, control)
        required = _attribute(bind, "required")
        field: dict[str, Any] = {
            "path": path,
            "name": path.rsplit("/", 1)[-1],
            "type": field_type,
            "repeat": repeat,
            "group": group,
            "labels": self._texts(control, "label"),
            "hints": self._texts(control, "hint"),
            "choices": [],
            "list_name": None,
            "file": None,
            "required": required == "true()",
            "required_when": required if required not in (None, "true()", "false()") else None,
            "relevant": _attribute(bind, "relevant"),
            "constraint": _attribute(bind, "constraint"),
            "constraint_message": self._bind_text(bind, "constraintMsg"),
            "calculation": _attribute(bind, "calculate"),
            "readonly": _attribute(bind, "readonly") == "true()",
            "binary": _attribute(bind, "type") == "binary",
            "appearance": control.get("appearance") if control is not None else None,
            "mediatype": control.get("mediatype") if control is not None else None,
        }
        if control is not None and _local(control) in ("select1", "select", "rank"):
            field.update(self._choices(control))
        return field

    def _type(self, path: str, bind: etree._Element | None, control: etree._Element | None) -> str:
        name = path.rsplit("/", 1)[-1]
        if path.split("/")[-2:-1] == ["meta"] and name in _META_NAMES:
            return name
        preload = _preload_type(bind)
        if preload:
            return preload
        bind_type = (_attribute(bind, "type") or "string").split(":")[-1]
        if control is None:
            return self._type_without_control(path, bind, bind_type)
        return self._type_of_control(control, bind, bind_type)

    def _type_without_control(self, path: str, bind: etree._Element | None, bind_type: str) -> str:
        if path in self.setgeopoints and bind_type == "geopoint":
            return "start-geopoint"
        if _attribute(bind, "calculate") is not None:
            return "calculate"
        return "hidden"

    def _type_of_control(
        self, control: etree._Element, bind: etree._Element | None, bind_type: str
    ) -> str:
        kind = _local(control)
        if kind in ("select1", "select"):
            base = "select_one" if kind == "select1" else "select_multiple"
            return f"{base}_from_file" if self._select_file(control) else base
        if kind == "upload":
            mediatype = control.get("mediatype") or ""
            return {"image": "image", "audio": "audio", "video": "video"}.get(
                mediatype.split("/")[0], "file"
            )
        if kind in ("rank", "range"):
            return kind
        if kind == "trigger":
            return "acknowledge"
        readonly = _attribute(bind, "readonly") == "true()"
        if readonly and bind_type == "string" and _attribute(bind, "calculate") is None:
            return "note"
        return _BIND_TYPES.get(bind_type, "text")

    def _select_file(self, control: etree._Element) -> str | None:
        instance_id = _itemset_instance(control)
        source = self.secondary.get(instance_id or "")
        return source.get("src", "").rsplit("/", 1)[-1] or None if source is not None else None

    def _choices(self, control: etree._Element) -> dict[str, Any]:
        instance_id = _itemset_instance(control)
        file_name = self._select_file(control)
        if file_name:
            return {"list_name": instance_id, "file": file_name, "choices": []}
        if instance_id is not None:
            instance = self.secondary.get(instance_id)
            items = [] if instance is None else list(instance.iter(f"{{{XFORMS}}}item"))
            choices = [self._instance_choice(item) for item in items]
            return {"list_name": instance_id, "choices": choices}
        inline = control.findall("xf:item", NS)
        return {"choices": [self._inline_choice(item) for item in inline]}

    def _instance_choice(self, item: etree._Element) -> dict[str, Any]:
        value = item.findtext("xf:name", default="", namespaces=NS)
        itext_id = item.findtext("xf:itextId", default="", namespaces=NS)
        if itext_id:
            labels = self._itext(itext_id)
        else:
            labels = {self.default_language: _text_of(item.find("xf:label", NS))}
        return {"value": value, "labels": labels}

    def _inline_choice(self, item: etree._Element) -> dict[str, Any]:
        value = item.findtext("xf:value", default="", namespaces=NS)
        return {"value": value, "labels": self._texts(item, "label")}

    def _texts(self, control: etree._Element | None, tag: str) -> dict[str, str]:
        element = None if control is None else control.find(f"xf:{tag}", NS)
        if element is None:
            return {}
        match = _ITEXT_REFERENCE.match(element.get("ref") or "")
        if match:
            return self._itext(match.group(1))
        text = _text_of(element)
        return {self.default_language: text} if text else {}

    def _bind_text(self, bind: etree._Element | None, name: str) -> dict[str, str]:
        """A bind's message (``jr:constraintMsg``) per language, literal or from itext."""
        value = _attribute(bind, name)
        if not value:
            return {}
        match = _ITEXT_REFERENCE.match(value)
        return self._itext(match.group(1)) if match else {self.default_language: value}

    def _itext(self, text_id: str) -> dict[str, str]:
        return {
            language: texts[text_id]
            for language, texts in self.translations.items()
            if texts.get(text_id)
        }


def _attribute(element: etree._Element | None, name: str) -> str | None:
    if element is None:
        return None
    value = element.get(name)
    if value is None:
        value = element.get(f"{{{JAVAROSA}}}{name}")
    return value.strip() if value is not None else None


def _preload_type(bind: etree._Element | None) -> str | None:
    preload = _attribute(bind, "preload")
    if not preload:
        return None
    params = _attribute(bind, "preloadParams") or ""
    if preload == "property":
        return params or None
    return _PRELOADS.get((preload, params)) or _PRELOADS.get((preload, ""))


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _body_controls(root: etree._Element) -> dict[str, etree._Element]:
    controls: dict[str, etree._Element] = {}
    body = root.find("h:body", NS)
    if body is None:
        return controls
    for element in body.iter():
        if not isinstance(element.tag, str) or _local(element) not in _CONTROLS:
            continue
        reference = element.get("ref") or element.get("nodeset")
        if reference and reference.startswith("/"):
            # A repeat's wrapping <group ref> carries its label: keep the group for the path.
            if _local(element) == "repeat" and reference in controls:
                continue
            controls.setdefault(reference, element)
    return controls


def _repeat_paths(root: etree._Element) -> list[str]:
    body = root.find("h:body", NS)
    if body is None:
        return []
    paths = [repeat.get("nodeset") or "" for repeat in body.iter(f"{{{XFORMS}}}repeat")]
    return [path for path in paths if path.startswith("/")]


def _secondary_instances(model: etree._Element) -> dict[str, etree._Element]:
    return {
        instance.get("id"): instance
        for instance in model.iterfind("xf:instance", NS)
        if instance.get("id")
    }


def _itemset_instance(control: etree._Element) -> str | None:
    itemset = control.find("xf:itemset", NS)
    if itemset is None:
        return None
    match = _INSTANCE_IN_NODESET.match(itemset.get("nodeset") or "")
    return match.group(1) if match else None


def language_code(name: str) -> str:
    """``Chinese (zh)`` → ``zh``; a language without a code keeps its name."""
    match = _LANGUAGE_CODE.search(name)
    return match.group(1).strip() if match else name.strip()


def _translations(
    model: etree._Element,
) -> tuple[dict[str, dict[str, str]], list[str], str]:
    translations: dict[str, dict[str, str]] = {}
    default = "default"
    for translation in model.iterfind("xf:itext/xf:translation", NS):
        code = language_code(translation.get("lang") or "default")
        if translation.get("default") or (default == "default" and not translations):
            default = code
        texts = translations.setdefault(code, {})
        for text in translation.iterfind("xf:text", NS):
            texts[text.get("id") or ""] = _plain_value(text)
    return translations, list(translations) or ["default"], default


def _plain_value(text: etree._Element) -> str:
    values = text.findall("xf:value", NS)
    plain = [value for value in values if not value.get("form")] or values[:1]
    return _text_of(plain[0]) if plain else ""


def _text_of(element: etree._Element | None) -> str:
    """An element's text with each ``<output value="path"/>`` shown as ``${name}``."""
    if element is None:
        return ""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and _local(child) == "output":
            reference = (child.get("value") or "").strip()
            parts.append("${" + reference.rsplit("/", 1)[-1] + "}")
        parts.append(child.tail or "")
    return "".join(parts).strip()
