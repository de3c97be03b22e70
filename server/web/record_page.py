"""The full record of an area for a period (网格档案, DOMAIN §2.6), every block as a table:
what a community prints for the year-end review (考核) or the notice board (居务公开).

One ``area_record`` (a fixed number of queries), the previous period's satisfaction for
comparison, the choice labels of the shipped forms, and for a grid the worker's diary
entries of the period. Everything is inside the reader's scope; diary entries are only read
for someone who sees residents' data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from server.accounts.models import User
from server.accounts.selectors import Scope
from server.grids.choices import ResidenceType, SpecialPopulation
from server.grids.models import Area
from server.records.grid_record import SATISFACTION_BLOCKS, area_record
from server.records.models import Visit
from server.records.record_figures import RecordFigures
from server.web.period_picker import period_from
from server.web.record_presenters import Count, dimensions, labelled, record_summary
from server.xforms.choice_labels import form_choice_labels

DIARY_LIMIT = 300
"""Diary entries shown for a grid's period (a quarter of one worker is about 100)."""

WEEKDAYS = (
    pgettext_lazy("weekday", "Mon"),
    pgettext_lazy("weekday", "Tue"),
    pgettext_lazy("weekday", "Wed"),
    pgettext_lazy("weekday", "Thu"),
    pgettext_lazy("weekday", "Fri"),
    pgettext_lazy("weekday", "Sat"),
    pgettext_lazy("weekday", "Sun"),
)


@dataclass(frozen=True)
class FlagRow:
    label: str
    now: int
    added: int
    removed: int


@dataclass(frozen=True)
class HazardRow:
    label: str
    reported: int
    open: int
    cleared: int


@dataclass(frozen=True)
class HeatRow:
    label: str
    cells: list[tuple[int, int]]  # (visits, shade 0–4)
    total: int


def record_page_context(request: HttpRequest, scope: Scope, place: Area) -> dict[str, Any]:
    choice = period_from(request.GET)
    record = area_record(scope=scope, area=place, period=choice.period)
    figures = record.figures
    previous = (
        area_record(
            scope=scope, area=place, period=choice.period.previous(), blocks=SATISFACTION_BLOCKS
        ).figures
        if figures.scores
        else None
    )
    data = figures.as_json()
    return {
        "place": place,
        "choice": choice,
        "record": data,
        "workers": _worker_names(figures.workers),
        "summary": record_summary(record),
        "residence": _labelled_choices(figures.residence_types, ResidenceType),
        "flags": _flag_rows(figures),
        "by_type": labelled(figures.visits_by_type, "visit_type"),
        "by_result": labelled(figures.visits_by_result, "visit_result"),
        "heat": _heat(figures),
        "by_hour": figures.visits_by_hour() if figures.visit_slots else [],
        "by_category": labelled(figures.needs_by_category, "need_category"),
        "by_status": labelled(figures.needs_by_status, "need_status"),
        "escalations": labelled(figures.escalations, "handling_level"),
        "followups": labelled(figures.followup_results, "followup"),
        "dimensions": dimensions(figures, previous),
        "own_dimensions": dimensions(_own_worker(figures), None),
        "services": _from_form(figures.services, "services_done"),
        "hazards": _hazard_rows(figures),
        "env_issues": _from_form(figures.env_issues, "env_issues"),
        "survey_top": _from_form(figures.survey_top, "top1", ranked=True),
        "survey_pay": _from_form(figures.survey_pay, "pay_willing"),
        "survey_volunteer": _from_form(figures.survey_volunteer, "volunteer"),
        "diary": _diary(scope, place, choice.period) if place.is_grid else [],
        "diary_limit": DIARY_LIMIT,
    }


def _worker_names(usernames: set[str]) -> list[str]:
    users = User.objects.filter(username__in=usernames).order_by("username")
    return [user.display_name for user in users]


def _labelled_choices(counter: Counter[str], choices: Any) -> list[Count]:
    top = max(counter.values(), default=0) or 1
    return [
        Count(code=code, label=_choice(choices, code), count=n, share=round(100 * n / top))
        for code, n in counter.most_common()
        if n
    ]


def _choice(choices: Any, code: str) -> str:
    return str(choices(code).label) if code in choices.values else code


def _from_form(counter: Counter[str], field: str, *, ranked: bool = False) -> list[Count]:
    """Counts of codes the phone sent, labelled as the current form labels them."""
    labels = form_choice_labels(field)
    top = max(counter.values(), default=0) or 1
    items = counter.most_common() if ranked else sorted(counter.items(), key=lambda i: -i[1])
    return [
        Count(code=code, label=labels.get(code, code), count=n, share=round(100 * n / top))
        for code, n in items
        if n
    ]


def _flag_rows(figures: RecordFigures) -> list[FlagRow]:
    codes = set(figures.flags) | set(figures.flags_added) | set(figures.flags_removed)
    order = {code: position for position, code in enumerate(SpecialPopulation.values)}
    return [
        FlagRow(
            label=_choice(SpecialPopulation, code),
            now=figures.flags.get(code, 0),
            added=figures.flags_added.get(code, 0),
            removed=figures.flags_removed.get(code, 0),
        )
        for code in sorted(codes, key=lambda code: (order.get(code, len(order)), code))
    ]


def _hazard_rows(figures: RecordFigures) -> list[HazardRow]:
    labels = form_choice_labels("hazards")
    codes = set(figures.hazards) | set(figures.hazards_open) | set(figures.hazards_cleared)
    return [
        HazardRow(
            label=labels.get(code, code),
            reported=figures.hazards.get(code, 0),
            open=figures.hazards_open.get(code, 0),
            cleared=figures.hazards_cleared.get(code, 0),
        )
        for code in sorted(codes, key=lambda code: -figures.hazards.get(code, 0))
    ]


def _heat(figures: RecordFigures) -> list[HeatRow]:
    """Visits by weekday (rows) and hour (columns), shaded by their share of the busiest
    cell: at a glance, are visits made in the evenings and at weekends (错时工作)?"""
    if not figures.visit_slots:
        return []
    top = max(figures.visit_slots.values()) or 1
    rows = []
    for day, label in enumerate(WEEKDAYS):
        cells = [figures.visit_slots.get(day * 24 + hour, 0) for hour in range(24)]
        rows.append(
            HeatRow(
                label=str(label),
                cells=[(n, 0 if not n else 1 + min(3, 4 * n // (top + 1))) for n in cells],
                total=sum(cells),
            )
        )
    return rows


def _own_worker(figures: RecordFigures) -> RecordFigures:
    """The grid's own worker's answers, as figures of their own (reported apart, §5)."""
    own = RecordFigures(area=figures.area)
    own.scores = figures.own_worker_scores
    return own


def _diary(scope: Scope, grid: Area, period: Any) -> list[dict[str, Any]]:
    if not scope.sees_residents:
        return []
    visits = (
        scope.filter_by_grid(Visit.objects.filter(grid=grid), "grid")
        .filter(visited_at__gte=period.start, visited_at__lt=period.end)
        .exclude(diary="")
        .select_related("worker")
        .order_by("visited_at", "pk")
        .values("visited_at", "diary", "household_code", "worker__full_name", "worker__username")
    )[:DIARY_LIMIT]
    return [
        {
            "at": visit["visited_at"],
            "text": visit["diary"],
            "household": _household_label(visit["household_code"]),
            "worker": visit["worker__full_name"] or visit["worker__username"] or "",
        }
        for visit in visits
    ]


def _household_label(code: str) -> str:
    """A visit to a household not in the register yet (``_new``) says so."""
    return str(_("new household")) if code in ("", "_new") else code
