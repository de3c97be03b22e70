"""Cells that Excel and LibreOffice open safely (pure).

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by spreadsheet programs (CSV injection): a resident's answer ``=HYPERLINK(...)`` must
stay text. Such cells get a leading apostrophe, OWASP's recommendation, which Excel hides and
shows the text as typed. Numbers and dates written as typed values are never touched (a
negative number is a number, not a formula): only strings go through ``neutralise``.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"


def neutralise(text: str) -> str:
    """``=1+1`` → ``'=1+1``; anything else unchanged."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
