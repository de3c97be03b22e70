"""What "nothing changed" means: the row count of every model of the project (and of Django's
own apps) and the list of every file in the media and exports storages (local or S3).

``snapshot()`` before a hostile request, ``assert snapshot() == before`` after it. Models are
found through the app registry, so a model added tomorrow is counted without touching this
file. Tables that only remember passing state (sessions, the sign-in throttle's cache) are
not models or are left out by name below, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.files.storage import Storage, storages

# Rows a request may legitimately write without storing anything of the user's:
IGNORED_MODELS = {
    "sessions.session",  # signing a browser in
}


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, int]
    files: dict[str, tuple[str, ...]]

    def difference(self, other: Snapshot) -> dict[str, object]:
        """What changed, for a readable assertion message."""
        changed: dict[str, object] = {}
        for label in sorted(set(self.rows) | set(other.rows)):
            if self.rows.get(label) != other.rows.get(label):
                changed[label] = (self.rows.get(label), other.rows.get(label))
        for alias in sorted(set(self.files) | set(other.files)):
            before, after = set(self.files.get(alias, ())), set(other.files.get(alias, ()))
            if before != after:
                changed[f"storage:{alias}"] = {
                    "added": sorted(after - before),
                    "removed": sorted(before - after),
                }
        return changed


def snapshot() -> Snapshot:
    rows = {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in IGNORED_MODELS and model._meta.managed
    }
    files = {alias: tuple(sorted(_all_files(storages[alias]))) for alias in ("default", "exports")}
    return Snapshot(rows=rows, files=files)


def _all_files(storage: Storage, folder: str = "") -> list[str]:
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return []
    prefix = f"{folder}/" if folder else ""
    found = [prefix + name for name in names]
    for sub in folders:
        found.extend(_all_files(storage, prefix + sub))
    return found


def assert_unchanged(before: Snapshot) -> None:
    after = snapshot()
    assert after == before, f"the request changed stored state: {before.difference(after)}"
