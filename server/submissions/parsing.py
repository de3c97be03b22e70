"""Reading a submission's XML safely, as ODK Collect and ODK Web Forms write it.

Pure functions (no ORM). The parser resolves no entities, loads no DTD, reaches no network and
refuses any document with a DOCTYPE (the only way to declare entities), so neither external
entities nor entity expansion bombs get in. Elements are matched by local name, so Collect's
output (XML declaration, namespaced root, ``orx:meta``) and Web Forms' (no declaration, no
namespace, plain ``meta``) read the same.

The data becomes JSON nested like the instance, without the root element: groups are objects,
leaves are strings (an empty element is ``""``), repeats are ALWAYS lists (their absolute paths
come from the form's schema, e.g. ``/data/grp_needs/needs``), and absent nodes stay absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree

XML_MAX_BYTES = 10_000_000
MAX_DEPTH = 64

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_pis=True,
    remove_comments=True,
)


class ParseError(ValueError):
    """The bytes are not a submission we can read; ``reason`` says which rule failed."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class FileReference:
    """An attachment the XML names: the file name and the field (absolute path) naming it."""

    name: str
    field_path: str


@dataclass
class Envelope:
    """What the server needs to know about a submission before storing it."""

    root_name: str
    form_id: str
    version: str | None
    instance_id: str
    deprecated_id: str
    instance_name: str
    encrypted: bool
    root: Any = field(repr=False)  # the parsed root element (lxml)


def local_name(element: Any) -> str:
    return etree.QName(element).localname


def _children(element: Any) -> Iterator[Any]:
    return (child for child in element if isinstance(child.tag, str))


def parse_envelope(xml: bytes) -> Envelope:
    if len(xml) > XML_MAX_BYTES:
        raise ParseError("too_large")
    if not xml.strip():
        raise ParseError("empty")
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as error:
        raise ParseError("not_xml", str(error)) from None
    if root.getroottree().docinfo.doctype:
        raise ParseError("doctype")
    meta = _child(root, "meta")
    form_id = (root.get("id") or "").strip()
    if not form_id:
        raise ParseError("no_form_id")
    instance_id = _text(_child(meta, "instanceID"))
    if not instance_id:
        raise ParseError("no_instance_id")
    return Envelope(
        root_name=local_name(root),
        form_id=form_id,
        version=(root.get("version") or "").strip() or None,
        instance_id=instance_id,
        deprecated_id=_text(_child(meta, "deprecatedID")),
        instance_name=_text(_child(meta, "instanceName"))[:255],
        encrypted=(root.get("encrypted") or "").strip().lower() == "yes",
        root=root,
    )


def _child(element: Any, name: str) -> Any:
    if element is None:
        return None
    return next((child for child in _children(element) if local_name(child) == name), None)


def _text(element: Any) -> str:
    return (element.text or "").strip() if element is not None else ""


def instance_data(envelope: Envelope, repeats: frozenset[str]) -> dict[str, Any]:
    """The instance as JSON (see the module's docstring)."""
    root_path = f"/{envelope.root_name}"
    return _group(envelope.root, root_path, repeats, 0)


def _group(element: Any, path: str, repeats: frozenset[str], depth: int) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        raise ParseError("too_deep")
    result: dict[str, Any] = {}
    for child in _children(element):
        name = local_name(child)
        child_path = f"{path}/{name}"
        value = _value(child, child_path, repeats, depth + 1)
        if child_path in repeats:
            result.setdefault(name, []).append(value)
        elif name in result:  # a repeated node the schema does not know: keep every one
            previous = result[name]
            result[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            result[name] = value
    return result


def _value(element: Any, path: str, repeats: frozenset[str], depth: int) -> Any:
    if any(True for _ in _children(element)):
        return _group(element, path, repeats, depth)
    return element.text or ""


def file_references(envelope: Envelope, file_fields: frozenset[str]) -> list[FileReference]:
    """Every attachment the XML names: the values of the form's file fields (image, audio,
    video, file questions) and, for an encrypted submission, its ``media/file`` and
    ``encryptedXmlFile`` entries. Each file name once, in document order."""
    found: dict[str, FileReference] = {}
    for path, element in _walk(envelope.root, f"/{envelope.root_name}", 0):
        name = (element.text or "").strip()
        if name and (path in file_fields or _encrypted_file(envelope, path)):
            found.setdefault(name, FileReference(name=name, field_path=path))
    return list(found.values())


def _encrypted_file(envelope: Envelope, path: str) -> bool:
    root = f"/{envelope.root_name}"
    return envelope.encrypted and path in (f"{root}/media/file", f"{root}/encryptedXmlFile")


def _walk(element: Any, path: str, depth: int) -> Iterator[tuple[str, Any]]:
    if depth > MAX_DEPTH:
        raise ParseError("too_deep")
    for child in _children(element):
        child_path = f"{path}/{local_name(child)}"
        yield child_path, child
        yield from _walk(child, child_path, depth + 1)


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 date-time from the data (``start``/``end``), aware, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
