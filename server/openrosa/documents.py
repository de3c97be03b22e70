"""The OpenRosa XML documents: the form list and the manifest (pure, no ORM).

Every element Collect requires is always written (one incomplete entry makes Collect reject
the whole document), hashes are ``md5:`` + the md5 of the exact bytes served, and URLs are
absolute (the caller builds them from the request).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

FORM_LIST_NAMESPACE = "http://openrosa.org/xforms/xformsList"
MANIFEST_NAMESPACE = "http://openrosa.org/xforms/xformsManifest"


@dataclass(frozen=True)
class FormListEntry:
    form_id: str
    name: str
    version: str
    md5: str
    download_url: str
    manifest_url: str | None


@dataclass(frozen=True)
class ManifestEntry:
    filename: str
    md5: str
    download_url: str


def _text(parent: etree._Element, tag: str, text: str) -> None:
    etree.SubElement(parent, tag).text = text


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def form_list_document(entries: Iterable[FormListEntry]) -> bytes:
    root = etree.Element("xforms", nsmap={None: FORM_LIST_NAMESPACE})
    for entry in entries:
        xform = etree.SubElement(root, "xform")
        _text(xform, "formID", entry.form_id)
        _text(xform, "name", entry.name or entry.form_id)
        _text(xform, "version", entry.version)
        _text(xform, "hash", f"md5:{entry.md5}")
        _text(xform, "downloadUrl", entry.download_url)
        if entry.manifest_url:
            _text(xform, "manifestUrl", entry.manifest_url)
    return _serialise(root)


def manifest_document(entries: Iterable[ManifestEntry]) -> bytes:
    root = etree.Element("manifest", nsmap={None: MANIFEST_NAMESPACE})
    for entry in entries:
        media = etree.SubElement(root, "mediaFile")
        _text(media, "filename", entry.filename)
        _text(media, "hash", f"md5:{entry.md5}")
        _text(media, "downloadUrl", entry.download_url)
    return _serialise(root)
