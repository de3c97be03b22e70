"""Checking that a message shown to a person is the catalog's, in their language: the
template of the error code, rendered in that language, with any parameters."""

from __future__ import annotations

import re

from django.utils import translation

from server.core.errors import catalog


def catalog_pattern(code: str, language: str) -> re.Pattern[str]:
    spec = catalog()[code]
    with translation.override(language):
        template = str(spec.template)
    pieces = re.split(r"\{[a-z_]+\}", template)
    return re.compile(".+?".join(re.escape(piece) for piece in pieces), re.DOTALL)


def assert_catalog_message(message: str, code: str, language: str) -> None:
    """``message`` is exactly the catalog entry ``code`` in ``language`` (zh-hans or en)."""
    pattern = catalog_pattern(code, language)
    assert pattern.fullmatch(message), f"{message!r} is not {code} in {language}"
    if language == "zh-hans":
        assert re.search(r"[\u4e00-\u9fff]", message), f"no Chinese in {message!r}"
