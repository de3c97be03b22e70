"""The audit log: recording (``audit_record``, called explicitly by the service or selector
that does the thing), reading (``audit_events``, administrators only) and pruning
(``audit_prune``, after ``GRIDBOOK_AUDIT_RETENTION_DAYS``).

What is recorded (docs/security.md): every view of one household's page (with whether its
personal data was shown in full), every change of a person (created, details or role,
areas, password, deactivated, reactivated, collector keys), every register import, every
file downloaded that holds resident data (register lists; exports add theirs), and every
download of the audit log itself. Passwords, tokens and personal values are never written
into an event: a household is named by its code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from server.accounts.models import AuditAction, AuditEvent, User


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: AuditAction,
    target_type: str = "",
    target: str = "",
    details: Mapping[str, object] | None = None,
) -> AuditEvent:
    person = actor if isinstance(actor, User) else None
    return AuditEvent.objects.create(
        actor=person,
        actor_name=(person.username if person else "-")[:150],
        action=action,
        target_type=target_type[:32],
        target=target[:200],
        details=dict(details or {}),
    )


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""  # a user name
    target: str = ""  # a household code, a user name, a file name
    since: date | None = None
    until: date | None = None


def audit_events(*, viewer: User, filters: AuditFilter = AuditFilter()) -> QuerySet[AuditEvent]:
    """The log, newest first, for an administrator (anyone else gets nothing)."""
    if not (viewer.is_active and viewer.is_administrator):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor:
        events = events.filter(actor_name=filters.actor)
    if filters.target:
        events = events.filter(target=filters.target)
    if filters.since:
        events = events.filter(at__date__gte=filters.since)
    if filters.until:
        events = events.filter(at__date__lte=filters.until)
    return events


def audit_prune(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Remove events older than the retention; returns how many."""
    cutoff = (now or timezone.now()) - older_than
    removed, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return removed
