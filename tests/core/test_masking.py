import pytest

from server.core.masking import mask_name, mask_phone


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("王建国", "王**"),
        ("李娜", "李**"),
        ("欧阳娜娜", "欧阳**"),
        ("诸葛亮", "诸葛**"),
        ("John Smith", "J***"),
        ("", ""),
        ("  张伟 ", "张**"),
    ],
)
def test_names_keep_only_the_surname(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("021-5555666", "021****5666"), ("5566", "**66"), ("", "")],
)
def test_phones_keep_the_ends(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked
