"""Storage keys of attachments are built from safe components only: whatever name a phone
sends (``../``, NUL, CR/LF, 300 bytes, raw Chinese, ``%22``), the key stays one file inside
its submission's folder; the same content under the same name always gets the same key."""

from __future__ import annotations

import pytest

from server.submissions.attachments import attachment_key, instance_folder

MD5 = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..\\..\\boot.ini",
        "a\x00b.jpg",
        "line\r\nbreak.jpg",
        "门牌照片.jpg",
        'quote%22d".jpg',
        "照" * 300 + ".jpg",
        "",
        ".",
        "/absolute/path.jpg",
    ],
)
def test_any_name_becomes_one_safe_file_in_the_submissions_folder(name: str) -> None:
    key = attachment_key("hh_visit", "uuid:6c0a1b4e-4d7e", name, MD5)
    folder, _, leaf = key.rpartition("/")
    assert folder == "submissions/hh_visit/uuid_6c0a1b4e-4d7e"
    assert leaf.startswith("0123456789ab-")
    assert leaf not in ("", ".", "..")
    assert not any(character in leaf for character in "/\\\x00\r\n")
    assert len(leaf.encode("utf-8")) <= 120


def test_the_same_content_and_name_always_get_the_same_key() -> None:
    assert attachment_key("f", "uuid:1", "a.jpg", MD5) == attachment_key(
        "f", "uuid:1", "a.jpg", MD5
    )
    assert attachment_key("f", "uuid:1", "a.jpg", MD5) != attachment_key(
        "f", "uuid:1", "a.jpg", "f" * 32
    )


def test_hostile_form_and_instance_ids_stay_one_folder_each() -> None:
    assert instance_folder("../x", "../../y") == "submissions/x/y"
