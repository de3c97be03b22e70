"""The sheets of the per-grid record report (DOMAIN §2.6): one block of figures per sheet,
one row per grid (``ReportRow``: a grid, a community subtotal or a total), each column a
function of the row's ``RecordFigures.as_json()``. Counted codes become columns only when
some row has them, labelled in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from server.grids.choices import ResidenceType, SpecialPopulation
from server.records.choices import FollowUpOutcome, HandlingLevel, NeedStatus
from server.records.record_figures import RecordFigures
from server.xforms.choice_labels import form_choice_labels

DIMENSIONS = {
    "attitude": gettext_lazy("Service attitude"),
    "efficiency": gettext_lazy("Efficiency"),
    "eldercare": gettext_lazy("Elderly care"),
    "employment": gettext_lazy("Employment services"),
    "assistance": gettext_lazy("Social assistance"),
    "health": gettext_lazy("Health services"),
    "culture": gettext_lazy("Culture and sports"),
    "environment": gettext_lazy("Environment and sanitation"),
    "security": gettext_lazy("Public safety"),
    "property": gettext_lazy("Property management"),
    "mediation": pgettext_lazy("export column", "Dispute mediation"),
    "openness": gettext_lazy("Openness of community affairs"),
    "convenience": gettext_lazy("Convenience services"),
    "overall": gettext_lazy("Overall"),
}


@dataclass
class ReportRow:
    community: str
    grid: str
    code: str
    data: dict[str, Any]  # RecordFigures.as_json(): the derived figures included
    figures: RecordFigures


def choice_label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _percent(value: float | None) -> float | str:
    return "" if value is None else round(value * 100, 1)


Block = tuple[str, list[tuple[str, Callable[[ReportRow], Any]]]]


def _counter_columns(
    rows: list[ReportRow], get: Callable[[ReportRow], dict[str, int]], label: Callable[[str], str]
) -> list[tuple[str, Callable[[ReportRow], Any]]]:
    keys = sorted({key for row in rows for key in get(row)})
    return [(label(key), partial(_count, get, key)) for key in keys]


def _count(get: Callable[[ReportRow], dict[str, int]], key: str, row: ReportRow) -> int:
    return get(row).get(key, 0)


def report_blocks(rows: list[ReportRow]) -> list[Block]:
    results = form_choice_labels("visit_result")
    types = form_choice_labels("visit_type")
    categories = form_choice_labels("need_category")
    register: Block = (
        _("Register baseline"),
        [
            (_("Households"), lambda r: r.data["register"]["households"]),
            (_("Residents"), lambda r: r.data["register"]["residents"]),
            (pgettext("export column", "Buildings"), lambda r: r.data["register"]["buildings"]),
            (pgettext("export column", "Compounds"), lambda r: r.data["register"]["compounds"]),
            (
                pgettext("export column", "Priority households"),
                lambda r: r.data["register"]["priority_households"],
            ),
            *_counter_columns(
                rows,
                lambda r: r.data["register"]["residence_types"],
                lambda k: choice_label(ResidenceType, k),
            ),
            (_("Building heads"), lambda r: r.data["building_heads"]),
            (_("Households added"), lambda r: r.data["register"]["households_added"]),
            (_("Households removed"), lambda r: r.data["register"]["households_removed"]),
        ],
    )
    visits: Block = (
        pgettext("export column", "Visit coverage"),
        [
            (pgettext("export column", "Visits"), lambda r: r.data["visits"]["total"]),
            (_("Households visited"), lambda r: r.data["visits"]["households_visited"]),
            (_("Coverage (%)"), lambda r: _percent(r.data["visits"]["coverage"])),
            (_("Priority households visited"), lambda r: r.data["visits"]["priority_visited"]),
            (_("Priority coverage (%)"), lambda r: _percent(r.data["visits"]["priority_coverage"])),
            (_("Nobody home (%)"), lambda r: _percent(r.data["visits"]["nobody_home_rate"])),
            (_("Median visit minutes"), lambda r: r.data["visits"]["median_minutes"] or ""),
            (_("Households not visited"), lambda r: r.data["visits"]["not_visited"]),
            (pgettext("export column", "Photos"), lambda r: r.data["visits"]["photos"]),
            *_counter_columns(
                rows, lambda r: r.data["visits"]["by_result"], lambda k: results.get(k, k)
            ),
            *_counter_columns(
                rows, lambda r: r.data["visits"]["by_type"], lambda k: types.get(k, k)
            ),
        ],
    )
    needs: Block = (
        _("Needs"),
        [
            (pgettext("export column", "Needs raised"), lambda r: r.data["needs"]["raised"]),
            *_counter_columns(
                rows, lambda r: r.data["needs"]["by_category"], lambda k: categories.get(k, k)
            ),
            *_counter_columns(
                rows,
                lambda r: r.data["needs"]["by_status_at_end"],
                lambda k: _("At period end: {status}").format(status=choice_label(NeedStatus, k)),
            ),
            (_("Overdue at period end"), lambda r: r.data["needs"]["overdue_at_end"]),
            (pgettext("export column", "Resolved"), lambda r: r.data["needs"]["resolved"]),
            (
                _("Resolved on the spot (%)"),
                lambda r: _percent(r.data["needs"]["resolved_on_spot_share"]),
            ),
            (
                _("Median days to resolve"),
                lambda r: r.data["needs"]["median_days_to_resolve"] or "",
            ),
            *_counter_columns(
                rows,
                lambda r: r.data["needs"]["escalations"],
                lambda k: _("Escalated to: {level}").format(level=choice_label(HandlingLevel, k)),
            ),
            (_("Times reopened"), lambda r: r.data["needs"]["reopened"]),
        ],
    )
    followup: Block = (
        _("Follow-up"),
        [
            (pgettext("export column", "Resolved"), lambda r: r.data["followup"]["resolved"]),
            (_("Followed up"), lambda r: r.data["followup"]["followed_up"]),
            (_("Follow-up rate (%)"), lambda r: _percent(r.data["followup"]["rate"])),
            (pgettext("export column", "Answers"), lambda r: r.data["followup"]["responses"]),
            *[
                (
                    str(outcome.label),
                    lambda r, value=outcome.value: r.data["followup"]["results"].get(value, 0),
                )
                for outcome in FollowUpOutcome
            ],
            (
                _("Follow-up satisfaction (%)"),
                lambda r: _percent(r.data["followup"]["satisfaction_rate"]),
            ),
            (_("Strictly satisfied (%)"), lambda r: _percent(r.data["followup"]["strict_rate"])),
        ],
    )
    dimensions = [
        d for d in DIMENSIONS if any(d in r.data["satisfaction"]["dimensions"] for r in rows)
    ]
    extra = sorted(
        {d for r in rows for d in r.data["satisfaction"]["dimensions"]} - set(DIMENSIONS)
    )
    satisfaction_columns: list[tuple[str, Callable[[ReportRow], Any]]] = [
        (_("Responses"), lambda r: r.data["satisfaction"]["responses"])
    ]
    for dimension in [*dimensions, *extra]:
        name = str(DIMENSIONS.get(dimension, dimension))
        satisfaction_columns.append(
            (
                _("{dimension}: index").format(dimension=name),
                partial(_dimension, dimension=dimension, key="index"),
            )
        )
        satisfaction_columns.append(
            (
                _("{dimension}: n").format(dimension=name),
                partial(_dimension, dimension=dimension, key="n"),
            )
        )
    satisfaction: Block = (_("Satisfaction"), satisfaction_columns)
    flags: Block = (
        _("Special populations"),
        [
            *_counter_columns(
                rows,
                lambda r: r.data["register"]["special_populations"],
                lambda k: choice_label(SpecialPopulation, k),
            ),
            *_counter_columns(
                rows,
                lambda r: r.data["register"]["special_populations_added"],
                lambda k: _("Given in the period: {flag}").format(
                    flag=choice_label(SpecialPopulation, k)
                ),
            ),
            *_counter_columns(
                rows,
                lambda r: r.data["register"]["special_populations_removed"],
                lambda k: _("Taken in the period: {flag}").format(
                    flag=choice_label(SpecialPopulation, k)
                ),
            ),
        ],
    )
    return [register, visits, needs, followup, satisfaction, flags, *field_blocks(rows)]


def _dimension(row: ReportRow, dimension: str, key: str) -> Any:
    summary = row.data["satisfaction"]["dimensions"].get(dimension)
    if summary is None:
        return ""
    value = summary.get(key)
    return "" if value is None else value


def field_blocks(rows: list[ReportRow]) -> list[Block]:
    """Services delivered, safety and environment, and the needs survey."""
    services = form_choice_labels("services_done")
    hazards = form_choice_labels("hazards")
    env = form_choice_labels("env_issues")
    survey = form_choice_labels("top1")
    pay = form_choice_labels("pay_willing")
    volunteer = form_choice_labels("volunteer")
    delivered: Block = (
        _("Services delivered"),
        _counter_columns(
            rows, lambda r: r.data["visits"]["services"], lambda k: services.get(k, k)
        ),
    )
    safety: Block = (
        _("Safety and environment"),
        [
            *_counter_columns(
                rows,
                lambda r: r.data["visits"]["hazards"],
                lambda k: _("Reported: {hazard}").format(hazard=hazards.get(k, k)),
            ),
            *_counter_columns(
                rows,
                lambda r: r.data["visits"]["hazards_open"],
                lambda k: _("New, still open: {hazard}").format(hazard=hazards.get(k, k)),
            ),
            *_counter_columns(
                rows,
                lambda r: r.data["visits"]["hazards_cleared"],
                lambda k: _("New, cleared: {hazard}").format(hazard=hazards.get(k, k)),
            ),
            *_counter_columns(
                rows, lambda r: r.data["visits"]["env_issues"], lambda k: env.get(k, k)
            ),
        ],
    )
    needs_survey: Block = (
        _("Needs survey"),
        [
            (_("Questionnaires"), lambda r: r.data["needs_survey"]["responses"]),
            (_("Declined"), lambda r: r.data["needs_survey"]["declined"]),
            (_("Volunteer pool"), lambda r: r.data["needs_survey"]["volunteer_pool"]),
            *_counter_columns(
                rows,
                lambda r: {
                    t["service"]: t["points"] for t in r.data["needs_survey"]["top_services"]
                },
                lambda k: _("Points: {service}").format(service=survey.get(k, k)),
            ),
            *_counter_columns(
                rows, lambda r: r.data["needs_survey"]["pay_willing"], lambda k: pay.get(k, k)
            ),
            *_counter_columns(
                rows,
                lambda r: r.data["needs_survey"]["volunteer"],
                lambda k: _("Volunteer: {answer}").format(answer=volunteer.get(k, k)),
            ),
        ],
    )
    return [delivered, safety, needs_survey]
