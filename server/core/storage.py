"""Where files live: the media storage (photos, form files) and the exports storage.

Both are Django storages configured in settings (local folders by default, any S3 API when
``S3_MEDIA_BUCKET`` is set). Code never builds file-system paths itself: it asks for a storage
and a key, and keys are built from ``safe_file_name`` components only, so a hostile file name
from a phone or an upload can never climb out of its folder.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from typing import Any

from django.core.files.storage import Storage, storages

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_DOTS = re.compile(r"^\.+")
MAX_NAME_BYTES = 120


def media_storage() -> Storage:
    return storages["default"]


def exports_storage() -> Storage:
    return storages["exports"]


def storage_kind(storage: Storage) -> str:
    return "s3" if storage.__class__.__module__.startswith("storages.") else "local"


def safe_file_name(name: str, *, fallback: str = "file") -> str:
    """A single path component derived from an untrusted name.

    Keeps non-ASCII letters (Chinese names are fine), drops separators, control characters and
    leading dots, and caps the length in UTF-8 bytes while keeping the extension.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = posixpath.basename(text.replace("\\", "/"))
    text = _UNSAFE.sub("_", text).strip(" _")
    text = _DOTS.sub("", text)
    if not text:
        return fallback
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem or len(extension.encode()) > 16:
        stem, extension = text, ""
    budget = MAX_NAME_BYTES - (len(extension.encode()) + 1 if extension else 0)
    stem = _truncate_utf8(stem, budget) or fallback
    return f"{stem}.{extension}" if extension else stem


def _truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode("utf-8")[:max_bytes]
    return encoded.decode("utf-8", errors="ignore").rstrip()


def storage_key(*components: str) -> str:
    """Join already-safe components into a storage key (``a/b/c.jpg``)."""
    for component in components:
        if not component or component in {".", ".."} or "/" in component or "\x00" in component:
            raise ValueError(f"unsafe storage key component: {component!r}")
    return "/".join(components)


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def check_storage(storage: Storage) -> dict[str, Any]:
    """Probe a storage the way a request would use it (for /healthz)."""
    try:
        storage.exists("healthz-probe")
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy", reported as such
        return {"ok": False, "backend": storage_kind(storage), "error": type(error).__name__}
    return {"ok": True, "backend": storage_kind(storage)}
