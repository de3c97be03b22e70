"""What the server needs from a form version's schema to read its submissions: which paths
are repeats (always lists in the JSON) and which fields name files (attachments to expect;
image fields get their photos checked).

The schema is derived from the XForm by ``server.xforms.schema`` and never changes for a
version, so the answer is kept per process, keyed by the version and its XForm's md5.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from server.xforms.models import FormVersion

FILE_TYPES = frozenset({"binary", "image", "audio", "video", "file", "background-audio"})


@dataclass(frozen=True)
class Shape:
    repeats: frozenset[str]
    file_fields: frozenset[str]
    image_fields: frozenset[str]


_cache: dict[tuple[int, str], Shape] = {}
_CACHE_LIMIT = 512


def shape_of(form_version: FormVersion) -> Shape:
    key = (form_version.pk, form_version.xml_md5)
    shape = _cache.get(key)
    if shape is None:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        shape = _cache[key] = shape_from_schema(form_version.schema or {})
    return shape


def forget_shapes() -> None:
    """Forget the per-process answers (tests that rebuild versions with reused ids)."""
    _cache.clear()


def shape_from_schema(schema: dict[str, Any]) -> Shape:
    fields = list(_fields(schema.get("fields", [])))
    files = frozenset(path for path, spec in fields if _is_file(spec)) | frozenset(
        _paths(schema.get("binary_fields", []))
    )
    images = frozenset(path for path, spec in fields if _is_file(spec) and _is_image(spec))
    repeats = frozenset(_paths(schema.get("repeats", [])))
    return Shape(repeats=repeats, file_fields=files, image_fields=images)


def _paths(items: Iterable[Any]) -> Iterable[str]:
    for item in items:
        path = item.get("path") if isinstance(item, dict) else item
        if isinstance(path, str) and path:
            yield path


def _fields(fields: Any) -> Iterable[tuple[str, dict[str, Any]]]:
    if isinstance(fields, dict):
        fields = [{"path": path, **spec} for path, spec in fields.items()]
    for spec in fields:
        if isinstance(spec, dict) and isinstance(spec.get("path"), str):
            yield spec["path"], spec


def _is_file(spec: dict[str, Any]) -> bool:
    return spec.get("binary") is True or str(spec.get("type", "")).lower() in FILE_TYPES


def _is_image(spec: dict[str, Any]) -> bool:
    kind = str(spec.get("type", "")).lower()
    mediatype = str(spec.get("mediatype") or spec.get("media_type") or "").lower()
    return kind == "image" or mediatype.startswith("image/")
