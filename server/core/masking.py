"""Masking personal data for people and phones that do not need it in full.

Pure functions: which role sees what is decided by the callers (the scope and privacy rules);
these only say how a masked value looks. A masked name keeps the surname, as register lists
on phones and printed lists do in practice (张**).
"""

from __future__ import annotations

COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "令狐",
        "端木",
        "西门",
        "南宫",
        "独孤",
        "轩辕",
        "澹台",
        "公冶",
        "宗政",
        "濮阳",
        "太叔",
        "申屠",
        "闻人",
        "呼延",
        "赫连",
        "百里",
        "钟离",
    ]
)


def surname(name: str) -> str:
    name = name.strip()
    if name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1]


def mask_name(name: str) -> str:
    """王建国 → 王**; 欧阳娜娜 → 欧阳**; John Smith → J***; empty stays empty."""
    name = (name or "").strip()
    if not name:
        return ""
    if name[0].isascii():
        return name[0] + "***"
    return surname(name) + "**"


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    digits = (phone or "").strip()
    if not digits:
        return ""
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    return "*" * max(len(digits) - 2, 1) + digits[-2:]
