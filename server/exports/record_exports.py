"""Exports from the records: the needs ledger (诉求台账, DOMAIN §4.3: every need with its
lifecycle and follow-up) and the per-grid record report (DOMAIN §2.6: an XLSX sheet per
block, one row per grid with community subtotals and a total, satisfaction as dimension ×
grid).

The ledger streams needs with ``.iterator()``; the report holds one ``RecordFigures`` per
grid (sums, not rows), read through ``server.records.grid_record.area_record`` per community,
so its memory grows with the number of grids, never with visits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from server.accounts.privacy import personal_data_for
from server.accounts.selectors import Scope, scope_for
from server.core.errors import GridbookError
from server.core.storage import exports_storage, safe_file_name
from server.exports import errors, selectors
from server.exports.layout import Column
from server.exports.options import ExportFilters
from server.exports.producers import CHUNK_ROWS, Output, Request, stamp
from server.exports.record_report_blocks import ReportRow, choice_label, report_blocks
from server.exports.registers import _zip
from server.exports.writers import CsvTables, XlsxTables, store_file
from server.grids.choices import AreaLevel
from server.grids.models import Area
from server.records.choices import (
    ACTIVE_STATUSES,
    FollowUpOutcome,
    HandlingLevel,
    NeedStatus,
    Urgency,
)
from server.records.grid_record import area_record
from server.records.models import Need
from server.records.record_figures import RecordFigures
from server.records.record_period import Period, PeriodError, custom_range, month
from server.xforms.choice_labels import form_choice_labels

NEED_FILTERS = ("category", "status", "urgency", "followup_outcome", "handling_level", "overdue")

# ------------------------------------------------------------------ needs ledger


LEDGER_COLUMNS: tuple[tuple[str, Callable[[], str], str], ...] = (
    ("community", lambda: _("Community"), "text"),
    ("grid", lambda: _("Grid"), "text"),
    ("household", lambda: _("Household code"), "text"),
    ("address", lambda: _("Address"), "text"),
    ("head_name", lambda: _("Head of household"), "text"),
    ("phone", lambda: _("Phone"), "text"),
    ("category", lambda: _("Need category"), "text"),
    ("description", lambda: _("What is needed"), "text"),
    ("urgency", lambda: _("Urgency"), "text"),
    ("raised_at", lambda: pgettext("export column", "Raised"), "datetime"),
    ("raised_by", lambda: _("Raised by"), "text"),
    ("status", lambda: _("Status"), "text"),
    ("handling_level", lambda: _("Handled by"), "text"),
    ("department", lambda: _("Department"), "text"),
    ("assignee", lambda: _("Assignee"), "text"),
    ("assigned_at", lambda: pgettext("export column", "Assigned"), "datetime"),
    ("due_at", lambda: pgettext("export column", "Due"), "datetime"),
    ("overdue", lambda: pgettext("export column", "Overdue"), "text"),
    ("resolved_at", lambda: pgettext("export column", "Resolved"), "datetime"),
    ("on_spot", lambda: _("Resolved on the spot"), "text"),
    ("resolution", lambda: _("Resolution"), "text"),
    ("escalations", lambda: _("Escalations"), "integer"),
    ("reopened", lambda: _("Times reopened"), "integer"),
    ("followups", lambda: pgettext("export column", "Follow-ups"), "integer"),
    ("followed_up_at", lambda: _("Last follow-up"), "datetime"),
    ("followup_outcome", lambda: _("Follow-up result"), "text"),
    ("photo", lambda: _("Photo"), "text"),
    ("key", lambda: _("Need key"), "text"),
)


def ledger_rows(request: Request) -> Any:
    scope = scope_for(request.user)
    queryset = scope.filter_by_grid(Need.objects.all(), "grid")
    filters = request.filters
    zone = timezone.get_current_timezone()
    if filters.date_from:
        start = datetime.combine(filters.date_from, datetime.min.time(), tzinfo=zone)
        queryset = queryset.filter(raised_at__gte=start)
    if filters.date_to:
        end = datetime.combine(filters.date_to, datetime.max.time(), tzinfo=zone)
        queryset = queryset.filter(raised_at__lte=end)
    if filters.area:
        area = selectors.area_in_scope(scope, filters.area)
        queryset = queryset.filter(grid__path__startswith=area.path)
    for name, value in filters.answers.items():
        if name not in NEED_FILTERS:
            raise GridbookError(errors.BAD_OPTION, key=f"answers.{name}")
        if name == "overdue":
            active = queryset.filter(status__in=ACTIVE_STATUSES, due_at__lt=timezone.now())
            queryset = (
                active
                if value in ("yes", "true", "1")
                else queryset.exclude(pk__in=active.values("pk"))
            )
        else:
            queryset = queryset.filter(**{name: value})
    return queryset.select_related("grid__parent", "household", "raised_by", "assignee").order_by(
        "grid__path", "raised_at", "pk"
    )


def needs_ledger_total(request: Request) -> int:
    return ledger_rows(request).count()


def needs_ledger(request: Request, *, xlsx: bool) -> Output:
    personal = personal_data_for(request.user)
    categories = form_choice_labels("need_category")
    now = timezone.now()
    columns = [
        Column(label(), "system", type=kind, system=key) for key, label, kind in LEDGER_COLUMNS
    ]
    title = _("Needs ledger")
    stem = safe_file_name(f"{title}_{stamp()}", fallback="needs_ledger")
    zone = timezone.get_current_timezone()
    path = request.workdir / "ledger.xlsx"
    writer: XlsxTables | CsvTables = (
        XlsxTables(path, zone) if xlsx else CsvTables(request.workdir, zone)
    )
    writer.add_table(title, columns, print_title=f"{title} · {timezone.localdate():%Y-%m-%d}")
    done = 0
    request.tick(0)
    for need in ledger_rows(request).iterator(chunk_size=CHUNK_ROWS):
        household = need.household
        overdue = need.status in ACTIVE_STATUSES and need.due_at < now
        values = {
            "community": need.grid.parent.name if need.grid.parent else "",
            "grid": need.grid.name,
            "household": household.code if household else "",
            "address": household.address_label if household else "",
            "head_name": personal.name(household.head_name) if household else "",
            "phone": personal.phone(household.phone) if household else "",
            "category": categories.get(need.category, need.category),
            "description": need.description,
            "urgency": choice_label(Urgency, need.urgency),
            "raised_at": need.raised_at,
            "raised_by": need.raised_by.display_name if need.raised_by else "",
            "status": choice_label(NeedStatus, need.status),
            "handling_level": choice_label(HandlingLevel, need.handling_level),
            "department": need.department,
            "assignee": need.assignee.display_name if need.assignee else "",
            "assigned_at": need.assigned_at,
            "due_at": need.due_at,
            "overdue": _("Yes") if overdue else "",
            "resolved_at": need.resolved_at,
            "on_spot": _("Yes") if need.on_spot else "",
            "resolution": need.resolution_note,
            "escalations": need.escalation_count,
            "reopened": need.reopen_count,
            "followups": need.followup_count,
            "followed_up_at": need.last_followup_at,
            "followup_outcome": choice_label(FollowUpOutcome, need.followup_outcome)
            if need.followup_outcome
            else "",
            "photo": need.photo_name,
            "key": need.key,
        }
        writer.write(title, [values[key] for key, _label_, _kind in LEDGER_COLUMNS])
        done += 1
        if done % CHUNK_ROWS == 0:
            request.tick(done)
    writer.close()
    if isinstance(writer, XlsxTables):
        name = f"{stem}.xlsx"
        key, size = store_file(exports_storage(), f"{request.key_prefix}/{name}", path)
    else:
        key, size, name = _zip(request, writer, stem)
    request.tick(done)
    return Output(key=key, name=name, size=size, rows=done)


# ------------------------------------------------------------------ record report


def report_period(filters: ExportFilters) -> Period:
    """From the filters' dates: a range; only one date: its month up to it; none: this
    month."""
    first, last = filters.date_from, filters.date_to
    try:
        if first and last:
            return custom_range(first, last)
        if last:
            return custom_range(last.replace(day=1), last)
        if first:
            return custom_range(first, max(first, timezone.localdate()))
        today = timezone.localdate()
        return month(today.year, today.month)
    except PeriodError:
        raise GridbookError(errors.BAD_OPTION, key="date_to") from None


def _roots(scope: Scope, request: Request) -> list[Area]:
    if request.filters.area:
        return [selectors.area_in_scope(scope, request.filters.area)]
    if scope.everything:
        return list(Area.objects.filter(parent=None, is_active=True).order_by("path"))
    return list(Area.objects.filter(path__in=scope.roots, is_active=True).order_by("path"))


def _report_rows(scope: Scope, request: Request, period: Period) -> list[ReportRow]:
    """Each grid, then its community's subtotal; a total per root above community level."""
    rows: list[ReportRow] = []
    visible = scope.areas().filter(is_active=True)
    for root in _roots(scope, request):
        if root.level in (AreaLevel.COMMUNITY, AreaLevel.GRID):
            communities: Iterable[Area] = [root]
        else:
            communities = visible.filter(
                level=AreaLevel.COMMUNITY, path__startswith=root.path
            ).order_by("path")
        for community in communities:
            record = area_record(scope=scope, area=community, period=period)
            if community.level == AreaLevel.GRID:
                parent = community.parent.name if community.parent else ""
                rows.append(_row(parent, community.name, community.code, record.figures))
                continue
            for child in record.children:
                rows.append(_row(community.name, child.area.name, child.area.code, child))
            rows.append(_row(community.name, _("Subtotal"), community.code, record.figures))
            request.tick(len(rows))
        if root.level not in (AreaLevel.COMMUNITY, AreaLevel.GRID):
            total = area_record(scope=scope, area=root, period=period).figures
            rows.append(_row(root.name, _("Total"), root.code, total))
    return rows


def _row(community: str, grid: str, code: str, figures: RecordFigures) -> ReportRow:
    return ReportRow(community, grid, code, figures.as_json(), figures)


def record_report(request: Request) -> Output:
    scope = scope_for(request.user)
    period = report_period(request.filters)
    request.tick(0)
    rows = _report_rows(scope, request, period)
    zone = timezone.get_current_timezone()
    path = request.workdir / "record.xlsx"
    writer = XlsxTables(path, zone)
    heading = [(_("Community"), "text"), (_("Grid"), "text"), (_("Code"), "text")]
    period_text = f"{period.first:%Y-%m-%d} – {period.last:%Y-%m-%d}"
    for title, columns in report_blocks(rows):
        headers = [*heading, *[(label, "number") for label, _get in columns]]
        sheet_columns = [
            Column(label, "system", type=kind, system=label) for label, kind in headers
        ]
        writer.add_table(title, sheet_columns, print_title=f"{title} · {period_text}")
        for row in rows:
            writer.write(
                title, [row.community, row.grid, row.code, *[get(row) for _label_, get in columns]]
            )
    writer.close()
    name = safe_file_name(
        f"{_('Grid records')}_{period.first:%Y%m%d}-{period.last:%Y%m%d}_{stamp()}.xlsx",
        fallback="records.xlsx",
    )
    key, size = store_file(exports_storage(), f"{request.key_prefix}/{name}", path)
    request.tick(len(rows))
    return Output(key=key, name=name, size=size, rows=len(rows))


def record_report_total(request: Request) -> int:
    scope = scope_for(request.user)
    report_period(request.filters)  # refuse a bad period before any work
    grids = 0
    for root in _roots(scope, request):
        grids += scope.grids().filter(path__startswith=root.path, is_active=True).count()
    return grids
