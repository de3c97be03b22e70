"""Register changes proposed by visits (a new household from ``_new``, its flags, details, status)
and the last visit of a household.

Each proposal is a ``RegisterChange`` row, one per kind per submission version. Kinds listed in
``RECORDS_REGISTER_APPROVAL`` wait for a manager's approval; the others are applied at once.
Applied values carry the provenance source ``visit`` (``grids.choices.Source.VISIT``). The last
visit is always direct: it is recomputed from the visits, so an edit or a rebuild gives the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from server.accounts.models import Role, User
from server.accounts.selectors import scope_for
from server.core.errors import GridbookError
from server.grids.choices import HouseholdStatus, Source
from server.grids.models import Building, Household, HouseholdFlag
from server.grids.services import household_create, household_set_flags
from server.records import errors
from server.records.choices import ChangeKind, ChangeState
from server.records.hazard_cases import hazards_refold
from server.records.models import Need, RegisterChange, Visit
from server.records.projection import VisitData
from server.submissions.models import Submission


def requires_approval(kind: str) -> bool:
    return kind in set(settings.RECORDS_REGISTER_APPROVAL)


def proposals(
    visit: VisitData, household: Household | None, building: Building | None
) -> list[tuple[str, dict[str, Any]]]:
    """What this visit would change in the register, by kind (nothing when it changes
    nothing)."""
    if visit.is_new_household and household is None:
        if building is None or not visit.new_address:
            return []
        return [
            (
                ChangeKind.NEW_HOUSEHOLD,
                {
                    "address": visit.new_address,
                    "building": building.code,
                    "details": visit.register_details(),
                    "flags": visit.register_flags() or [],
                },
            )
        ]
    if household is None:
        return []
    found: list[tuple[str, dict[str, Any]]] = []
    details = {
        name: value
        for name, value in visit.register_details().items()
        if getattr(household, name) != value
    }
    if details:
        found.append((ChangeKind.DETAILS, details))
    flags = visit.register_flags()
    if flags is not None and _flags_differ(household, flags):
        found.append((ChangeKind.FLAGS, {"flags": sorted(flags)}))
    status = visit.register_status()
    if status and household.status != status:
        found.append((ChangeKind.STATUS, {"status": status}))
    return found


def _flags_differ(household: Household, stated: list[str]) -> bool:
    have = dict(HouseholdFlag.objects.filter(household=household).values_list("flag", "source"))
    added = set(stated) - set(have)
    removed = {flag for flag, source in have.items() if source == Source.VISIT} - set(stated)
    return bool(added or removed)


def changes_propose(
    *,
    submission: Submission,
    visit: Visit,
    data: VisitData,
    household: Household | None,
    building: Building | None,
) -> None:
    """Write this submission's proposals once (a retry or rebuild finds them there), replace
    the pending proposals of its earlier versions, and apply those that need no approval."""
    now = timezone.now()
    RegisterChange.objects.filter(
        submission__form_id=submission.form_id,
        submission__root_instance_id=submission.root_instance_id,
        state=ChangeState.PENDING,
    ).exclude(submission=submission).update(state=ChangeState.SUPERSEDED, decided_at=now)
    existing = {change.kind: change for change in submission.register_changes.all()}
    for kind, payload in proposals(data, household, building):
        change = existing.get(kind)
        if change is not None and change.state != ChangeState.SUPERSEDED:
            continue  # written by an earlier run: pending, applied or decided
        change = change or RegisterChange(kind=kind, submission=submission)
        change.state, change.decided_at, change.decided_by = ChangeState.PENDING, None, None
        change.grid, change.building, change.household = visit.grid, building, household
        change.payload, change.visit = payload, visit
        change.proposed_by, change.proposed_at = submission.submitted_by, visit.visited_at
        change.save()
        if not requires_approval(kind):
            _apply(change, by=None)


def changes_withdraw(*, submission: Submission) -> None:
    """The pending proposals of a submission that no longer counts (rejected in review)."""
    RegisterChange.objects.filter(
        submission__form_id=submission.form_id,
        submission__root_instance_id=submission.root_instance_id,
        state=ChangeState.PENDING,
    ).update(state=ChangeState.SUPERSEDED, decided_at=timezone.now())


def may_decide(user: User, change: RegisterChange) -> bool:
    if not user.is_active:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    return user.role == Role.MANAGER and scope_for(user).sees_area(change.grid)


def register_change_approve(*, change: RegisterChange, by: User, note: str = "") -> RegisterChange:
    """Apply a pending change to the register (provenance: the visit)."""
    return _decide(change, by, note, approve=True)


def register_change_reject(*, change: RegisterChange, by: User, note: str = "") -> RegisterChange:
    return _decide(change, by, note, approve=False)


def _decide(change: RegisterChange, by: User, note: str, *, approve: bool) -> RegisterChange:
    if not may_decide(by, change):
        raise GridbookError(
            errors.REGISTER_CHANGE_NOT_ALLOWED
            if by.role == Role.COLLECTOR
            else errors.REGISTER_CHANGE_NOT_FOUND
        )
    with transaction.atomic():
        current = RegisterChange.objects.select_for_update().get(pk=change.pk)
        if current.state != ChangeState.PENDING:
            raise GridbookError(
                errors.REGISTER_CHANGE_DECIDED, state=ChangeState(current.state).label
            )
        current.note = note.strip()
        if approve:
            _apply(current, by=by)
        else:
            current.state, current.decided_by, current.decided_at = (
                ChangeState.REJECTED,
                by,
                timezone.now(),
            )
            current.save(update_fields=["state", "decided_by", "decided_at", "note"])
    return current


def _apply(change: RegisterChange, *, by: User | None) -> None:
    try:
        with transaction.atomic():
            APPLY[change.kind](change)
    except (ValidationError, IntegrityError) as error:
        if by is None:  # applied automatically: leave it for a manager to look at
            return
        raise GridbookError(errors.REGISTER_CHANGE_INVALID, reason=_reason(error)) from None
    change.state, change.decided_by, change.decided_at = ChangeState.APPLIED, by, timezone.now()
    change.save(
        update_fields=["state", "decided_by", "decided_at", "note", "household", "previous"]
    )


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)


def _apply_new_household(change: RegisterChange) -> None:
    payload = change.payload
    building = Building.objects.get(code=payload["building"])
    household = household_create(
        code=_new_code(building, change),
        building=building,
        address_label=payload["address"],
        flags=payload.get("flags", []),
        source=Source.VISIT,
        **payload.get("details", {}),
    )
    change.household = household
    if change.visit_id is not None:
        Visit.objects.filter(pk=change.visit_id).update(household=household)
        Need.objects.filter(visit_id=change.visit_id).update(
            household=household, updated_at=timezone.now()
        )
        household_touch_last_visit(household=household)
        hazards_refold([household.pk])


def _household_id(change: RegisterChange) -> int:
    if change.household_id is None:
        raise ValidationError("the change names no household")
    return change.household_id


def _new_code(building: Building, change: RegisterChange) -> str:
    code = f"{building.code}-N{change.pk}"
    return code if len(code) <= 48 else f"N{change.pk}"


def _apply_flags(change: RegisterChange) -> None:
    household = Household.objects.get(pk=_household_id(change))
    change.previous = {
        "flags": sorted(
            HouseholdFlag.objects.filter(household=household).values_list("flag", flat=True)
        )
    }
    household_set_flags(household=household, flags=change.payload["flags"], source=Source.VISIT)


def _apply_details(change: RegisterChange) -> None:
    household = Household.objects.get(pk=_household_id(change))
    change.previous = {name: getattr(household, name) for name in change.payload}
    _set_with_provenance(household, change.payload)


def _apply_status(change: RegisterChange) -> None:
    household = Household.objects.get(pk=_household_id(change))
    change.previous = {"status": household.status}
    if change.payload["status"] not in HouseholdStatus.values:
        raise ValidationError(f"unknown status {change.payload['status']!r}")
    _set_with_provenance(household, change.payload)


def _set_with_provenance(household: Household, values: dict[str, Any]) -> None:
    stamp = timezone.now().isoformat(timespec="seconds")
    provenance = dict(household.provenance or {})
    for name, value in values.items():
        setattr(household, name, value)
        provenance[name] = {"source": Source.VISIT, "at": stamp, "verified_at": None}
    household.provenance = provenance
    household.full_clean()
    household.save(update_fields=[*values, "provenance", "updated_at"])


APPLY: dict[str, Callable[[RegisterChange], None]] = {
    ChangeKind.NEW_HOUSEHOLD: _apply_new_household,
    ChangeKind.FLAGS: _apply_flags,
    ChangeKind.DETAILS: _apply_details,
    ChangeKind.STATUS: _apply_status,
}


def household_touch_last_visit(*, household: Household) -> None:
    """The household's last visit is its latest visit where someone was met (recomputed, so
    an edit that moves a visit to another household corrects both). Only visits write it."""
    latest = (
        Visit.objects.filter(household=household, result="met")
        .order_by("-visited_at", "-pk")
        .values_list("visited_at", "worker_id")
        .first()
    )
    at, by = latest if latest is not None else (None, None)
    Household.objects.filter(pk=household.pk).update(
        last_visit_at=at, last_visit_by_id=by, updated_at=timezone.now()
    )
