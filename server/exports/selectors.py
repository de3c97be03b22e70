"""Reads for exports: which rows an export may contain (always the requester's scope, then
the filters), and which jobs a person may see.

``submission_rows`` and ``household_rows`` return querysets meant for ``.iterator()``: the
runner streams them with a server-side cursor on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from server.accounts.models import AreaAssignment, Role, User
from server.accounts.selectors import Scope, scope_for, users_in_scope
from server.core.errors import GridbookError
from server.exports import errors
from server.exports.layout import merge_schemas
from server.exports.models import ExportJob
from server.exports.options import ExportFilters
from server.grids.choices import AreaLevel
from server.grids.models import Area, Household
from server.submissions.models import Submission
from server.xforms.models import Form, FormVersion

EXPORTERS = (Role.ADMINISTRATOR, Role.MANAGER, Role.COLLECTOR)
AUDITORS = (Role.ADMINISTRATOR, Role.MANAGER)

SUBMISSION_VALUES = (
    "id",
    "instance_id",
    "root_instance_id",
    "deprecated_id",
    "received_at",
    "started_at",
    "submitted_by_id",
    "device_id",
    "form_version_id",
    "review_state",
    "grid_id",
    "data",
    "attachments_present",
    "attachments_expected",
)


def may_export(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in EXPORTERS


def exportable_forms(user: User) -> QuerySet[Form]:
    if not may_export(user):
        return Form.objects.none()
    return Form.objects.exclude(current_version=None).order_by("title", "form_id")


def form_schema(form: Form, version: str = "") -> dict[str, Any]:
    """The field schema an export of ``form`` uses: one version's, or every version's merged
    (newest first)."""
    versions = FormVersion.objects.filter(form=form).order_by("-created_at", "-id")
    if version:
        versions = versions.filter(version=version)
    return merge_schemas([schema for schema in versions.values_list("schema", flat=True) if schema])


def area_in_scope(scope: Scope, code: str) -> Area:
    area = Area.objects.filter(code=code).first()
    if area is None or not (scope.everything or scope.sees_area(area)):
        raise GridbookError(errors.AREA_NOT_FOUND, area=code)
    return area


@dataclass(frozen=True)
class SubmissionSelection:
    queryset: QuerySet[Submission]
    keep: Callable[[dict[str, Any]], bool] | None  # answers not filterable in SQL


def submission_rows(
    *, user: User, form: Form, filters: ExportFilters, schema: dict[str, Any]
) -> SubmissionSelection:
    """The current version of each submission of ``form`` the requester may see, filtered,
    oldest first."""
    scope = scope_for(user)
    queryset = Submission.objects.filter(form=form, is_current=True)
    if not scope.everything:
        if user.role == Role.COLLECTOR:
            queryset = queryset.filter(submitted_by=user)
        else:
            queryset = scope.filter_by_grid(queryset, "grid")
    queryset = _common_filters(queryset, scope, filters)
    if filters.version:
        queryset = queryset.filter(form_version__version=filters.version)
    if filters.review_states:
        queryset = queryset.filter(review_state__in=filters.review_states)
    if filters.submitter:
        queryset = queryset.filter(submitted_by__username=filters.submitter)
    queryset, keep = _answer_filters(queryset, filters.answers, schema)
    return SubmissionSelection(queryset.order_by("received_at", "id"), keep)


def _common_filters(queryset: QuerySet, scope: Scope, filters: ExportFilters) -> QuerySet:
    zone = timezone.get_current_timezone()
    if filters.date_from:
        start = datetime.combine(filters.date_from, time.min, tzinfo=zone)
        queryset = queryset.filter(received_at__gte=start)
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=zone)
        queryset = queryset.filter(received_at__lt=end)
    if filters.area:
        area = area_in_scope(scope, filters.area)
        queryset = queryset.filter(grid__path__startswith=area.path)
    return queryset


def _answer_filters(
    queryset: QuerySet[Submission], answers: dict[str, str], schema: dict[str, Any]
) -> tuple[QuerySet[Submission], Callable[[dict[str, Any]], bool] | None]:
    """A main-level single answer filters in SQL (a JSON key lookup); an answer inside a
    repeat or a select_multiple is checked per row (any repeat row matching keeps the
    submission)."""
    by_name = {spec["name"]: spec for spec in schema.get("fields", [])}
    root = schema.get("root") or "/data"
    checks: list[tuple[tuple[str, ...], str, bool]] = []
    for name, value in answers.items():
        spec = by_name.get(name)
        if spec is None:
            raise GridbookError(errors.BAD_OPTION, key=f"answers.{name}")
        names = tuple(part for part in spec["path"][len(root) :].split("/") if part)
        multiple = spec.get("type") in ("select_multiple", "select_multiple_from_file")
        if spec.get("repeat") or multiple:
            checks.append((names, value, multiple))
        else:
            queryset = queryset.filter(**{"data__" + "__".join(names): value})
    if not checks:
        return queryset, None

    def keep(data: dict[str, Any]) -> bool:
        return all(_matches(data, names, value, multiple) for names, value, multiple in checks)

    return queryset, keep


def _matches(node: Any, names: tuple[str, ...], value: str, multiple: bool) -> bool:
    if not names:
        if not isinstance(node, str):
            return False
        return value in node.split() if multiple else node == value
    if isinstance(node, list):
        return any(_matches(item, names, value, multiple) for item in node)
    if not isinstance(node, dict):
        return False
    return _matches(node.get(names[0]), names[1:], value, multiple)


def household_rows(
    *, user: User, filters: ExportFilters, overdue_days: int | None = None
) -> QuerySet[Household]:
    """Households the requester may see, in door order by grid."""
    scope = scope_for(user)
    queryset = scope.households().filter(status="active")
    if filters.area:
        area = area_in_scope(scope, filters.area)
        queryset = queryset.filter(building__grid__path__startswith=area.path)
    if filters.flags:
        queryset = queryset.filter(flags__flag__in=filters.flags).distinct()
    if overdue_days:
        cutoff = timezone.now() - timedelta(days=overdue_days)
        queryset = queryset.filter(Q(last_visit_at__lt=cutoff) | Q(last_visit_at=None))
    return queryset.select_related("building__grid__parent", "last_visit_by").order_by(
        "building__grid__path", "building__code", "unit", "floor", "room", "code"
    )


def grid_workers() -> dict[int, str]:
    """Each grid's collectors' names (for "whose to-do list")."""
    names: dict[int, list[str]] = {}
    assignments = AreaAssignment.objects.filter(
        area__level=AreaLevel.GRID, user__role=Role.COLLECTOR, user__is_active=True
    ).values_list("area_id", "user__full_name", "user__username")
    for area_id, full_name, username in assignments.order_by("user__username"):
        names.setdefault(area_id, []).append(full_name or username)
    return {area_id: "、".join(people) for area_id, people in names.items()}


def grid_names() -> dict[int, tuple[str, str, str, str]]:
    """grid id → (grid code, grid name, community code, community name); one query."""
    rows = Area.objects.filter(level=AreaLevel.GRID).values_list(
        "id", "code", "name", "parent__code", "parent__name"
    )
    return {row[0]: (row[1], row[2], row[3] or "", row[4] or "") for row in rows}


def user_names() -> dict[int, tuple[str, str]]:
    return {
        row[0]: (row[1], row[2]) for row in User.objects.values_list("id", "username", "full_name")
    }


# ------------------------------------------------------------------------ jobs


def jobs_of(user: User) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(requested_by=user).select_related("form", "requested_by")


def job_for(user: User, job_id: Any) -> ExportJob:
    """A job its requester (or an administrator) may read; others get 404."""
    queryset = ExportJob.objects.select_related("form", "requested_by")
    if user.role != Role.ADMINISTRATOR:
        queryset = queryset.filter(requested_by=user)
    job = queryset.filter(pk=job_id).first()
    if job is None:
        raise GridbookError(errors.JOB_NOT_FOUND)
    return job


def audit_jobs(user: User) -> QuerySet[ExportJob]:
    """The export record: administrators see every export; managers those of the people
    working in their areas (and their own)."""
    queryset = ExportJob.objects.select_related("form", "requested_by").prefetch_related(
        "downloads__user"
    )
    if user.role == Role.ADMINISTRATOR:
        return queryset
    if user.role != Role.MANAGER:
        return queryset.none()
    team = users_in_scope(scope_for(user)).values("pk")
    return queryset.filter(Q(requested_by__in=team) | Q(requested_by=user))
