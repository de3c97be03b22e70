"""Storage keys never come from untrusted names, and the configured storages (local folders,
or the real S3 server in CI) store and return bytes exactly."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from server.core.storage import (
    check_storage,
    exports_storage,
    media_storage,
    safe_file_name,
    storage_key,
)


@pytest.mark.parametrize(
    ("hostile", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("photo\x00.jpg", "photo_.jpg"),
        ("  .hidden.jpg", "hidden.jpg"),
        ("门牌照片 1.jpg", "门牌照片 1.jpg"),
        ("a%22b%0D.jpg", "a%22b%0D.jpg"),
        ("", "file"),
        ("../", "file"),
        ("con:tent?.jpg", "con_tent_.jpg"),
    ],
)
def test_hostile_names_become_single_safe_components(hostile: str, safe: str) -> None:
    assert safe_file_name(hostile) == safe


def test_very_long_names_are_cut_in_utf8_bytes_keeping_the_extension() -> None:
    name = safe_file_name("照" * 200 + ".jpeg")
    assert name.endswith(".jpeg")
    assert len(name.encode()) <= 120
    name.encode().decode()  # still valid UTF-8


def test_storage_keys_refuse_traversal() -> None:
    assert storage_key("submissions", "1", "a.jpg") == "submissions/1/a.jpg"
    for bad in ("..", "a/b", "", "x\x00"):
        with pytest.raises(ValueError):
            storage_key("submissions", bad)


@pytest.mark.parametrize("storage", [media_storage, exports_storage])
def test_configured_storages_round_trip_bytes(storage) -> None:
    target = storage()
    data = bytes(range(256)) * 1000
    name = target.save("tests/round-trip.bin", ContentFile(data))
    try:
        with target.open(name, "rb") as handle:
            assert handle.read() == data
        assert target.size(name) == len(data)
        assert check_storage(target)["ok"] is True
    finally:
        target.delete(name)
    assert not target.exists(name)
