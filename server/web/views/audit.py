"""The audit log for administrators: a filtered, paged list and its CSV download (which is
itself recorded). What is recorded and why: ``server.accounts.audit``."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from server.accounts.audit import AuditFilter, audit_events, audit_record
from server.accounts.models import AuditAction, AuditEvent, Role
from server.core.spreadsheets import spreadsheet_safe
from server.web.access import current_user, role_required

PAGE_SIZE = 100


def _filters(request: HttpRequest) -> AuditFilter:
    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    action = request.GET.get("action", "")
    return AuditFilter(
        action=action if action in AuditAction.values else "",
        actor=request.GET.get("actor", "").strip()[:150],
        target=request.GET.get("target", "").strip()[:200],
        since=day("since"),
        until=day("until"),
    )


@role_required(Role.ADMINISTRATOR)
def audit_log(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    events = audit_events(viewer=current_user(request), filters=filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "actions": AuditAction.choices,
        "query": query.urlencode(),
    }
    return render(request, "web/audit.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _row(event: AuditEvent) -> list[str]:
    details = ", ".join(f"{key}={value}" for key, value in sorted(event.details.items()))
    local = timezone.localtime(event.at)
    cells = [local.isoformat(timespec="seconds"), event.actor_name, event.get_action_display(),
             event.target_type, event.target, details]  # fmt: skip
    return [spreadsheet_safe(str(cell)) for cell in cells]


@role_required(Role.ADMINISTRATOR)
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    user = current_user(request)
    filters = _filters(request)
    events = audit_events(viewer=user, filters=filters)
    audit_record(
        actor=user,
        action=AuditAction.AUDIT_EXPORTED,
        target_type="file",
        target="audit.csv",
        details={k: str(v) for k, v in vars(filters).items() if v},
    )
    writer = csv.writer(_Echo())
    header = [_("Time"), _("Who"), _("Action"), _("Object type"), _("Object"), _("Event details")]
    rows = (writer.writerow(_row(event)) for event in events.iterator(chunk_size=2000))
    response = StreamingHttpResponse(
        _chain(writer.writerow(header), rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="gridbook-audit-{stamp}.csv"'
    return response


def _chain(header: str, rows: Iterator[str]) -> Iterator[str]:
    yield "\ufeff" + header  # a BOM: Excel on Chinese Windows then reads UTF-8 correctly
    yield from rows
