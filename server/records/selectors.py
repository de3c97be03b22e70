"""Reads of records needed elsewhere (the per-grid record, the API and the pages are
``records-read``'s and the web's)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from server.core.masking import mask_name
from server.records.choices import NeedStatus
from server.records.models import Need

LABEL_TEXT = 24  # characters of the description shown on the phone


def needs_awaiting_followup(grid_ids: Sequence[int]) -> list[tuple[str, str, str, str, str, str]]:
    """Needs of these grids in status ``resolved`` with a household, as the rows of
    ``needs_followup.csv`` (name, label, grid, household, category, resolved_at); the label
    is the description, the date raised and the household with its head's name masked. One
    query."""
    needs = (
        Need.objects.filter(
            grid_id__in=grid_ids, status=NeedStatus.RESOLVED, household__isnull=False
        )
        .order_by()
        .values_list(
            "key",
            "description",
            "raised_at",
            "resolved_at",
            "category",
            "grid__code",
            "household__code",
            "household__address_label",
            "household__head_name",
        )
    )
    rows = []
    for key, text, raised, resolved, category, grid, household, address, head in needs:
        raised_day = timezone.localtime(raised).date()
        short = text if len(text) <= LABEL_TEXT else text[: LABEL_TEXT - 1] + "…"
        label = f"{short}（{raised_day.month}月{raised_day.day}日提出） {address} {mask_name(head)}"
        day = timezone.localtime(resolved).date().isoformat() if resolved else ""
        rows.append((key, label.strip(), grid, household, category, day))
    return rows
