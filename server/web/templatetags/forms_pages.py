"""Template filters of the forms pages."""

from __future__ import annotations

from django import template
from django.utils.functional import Promise

from server.web.forms_presenters import language_name, type_label

register = template.Library()


@register.filter
def question_type(field_type: str) -> str | Promise:
    """``{{ question.type|question_type }}``: 单选 for select_one."""
    return type_label(field_type)


@register.filter
def language(code: str) -> str | Promise:
    """``{{ code|language }}``: 中文 for zh."""
    return language_name(code)


@register.filter
def lang_attribute(code: str) -> str:
    """The ``lang`` attribute of a text in the form's language ``code`` ("" when unknown)."""
    return {"zh": "zh-Hans", "en": "en"}.get(code, code if code != "default" else "")
