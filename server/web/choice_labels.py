"""Labels for the codes a record counts (need statuses and categories, satisfaction
dimensions, visit types and results, follow-up answers), in the reader's language.

The codes and their labels belong to the records app (its TextChoices); this module only looks
them up, and shows the code itself for one it does not know (a code from a newer form), so a
page never fails on a new code.
"""

from __future__ import annotations

from django.db.models import TextChoices

CHOICES: dict[str, type[TextChoices]] = {}


def label_of(kind: str, code: str) -> str:
    choices = CHOICES.get(kind)
    if choices is None:
        return code
    try:
        return str(choices(code).label)
    except ValueError:
        return code
