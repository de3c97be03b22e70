"""Needs as rows of the board and of a household's page: labels, overdue, the actions the
status offers. Only adapts output."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from server.accounts.privacy import PersonalData
from server.records.models import Need
from server.web.choice_labels import label_of
from server.web.needs_board import Action, is_overdue, offered_actions


@dataclass(frozen=True)
class NeedRow:
    need: Need
    category: str
    status: str
    urgency: str
    overdue: bool
    head_name: str
    actions: tuple[Action, ...]


def need_rows(
    needs: list[Need], personal: PersonalData, now: datetime | None = None
) -> list[NeedRow]:
    now = now or timezone.now()
    return [
        NeedRow(
            need=need,
            category=label_of("need_category", need.category),
            status=label_of("need_status", need.status),
            urgency=label_of("urgency", need.urgency),
            overdue=is_overdue(need, now),
            head_name=personal.name(need.household.head_name) if need.household else "",
            actions=offered_actions(need.status),
        )
        for need in needs
    ]
