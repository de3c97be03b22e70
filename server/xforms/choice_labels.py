"""Labels of the choices the shipped forms define (services, hazards, needs-survey
services, ...), read from the forms' current versions, in the reader's language: the pages
and exports show what the phone showed, and a designer's new choice needs no code change."""

from __future__ import annotations

from django.utils.translation import get_language

from server.xforms.models import Form


def form_choice_labels(field_name: str) -> dict[str, str]:
    """Choice labels of the field ``field_name`` in the forms' current versions, in the
    active language (codes the forms define; later forms do not override earlier ones)."""
    language = "en" if (get_language() or "").startswith("en") else "zh"
    labels: dict[str, str] = {}
    schemas = Form.objects.exclude(current_version=None).values_list(
        "current_version__schema", flat=True
    )
    for schema in schemas:
        for spec in (schema or {}).get("fields", []):
            if spec.get("name") != field_name:
                continue
            for choice in spec.get("choices") or []:
                texts = choice.get("labels") or {}
                text = texts.get(language) or texts.get("default") or next(iter(texts.values()), "")
                labels.setdefault(choice["value"], str(text) or choice["value"])
    return labels
