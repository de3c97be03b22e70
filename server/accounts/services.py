"""Writes about people: creating users, setting passwords (and the Digest secret with them),
assigning areas. One durable transaction each."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from server.accounts import errors
from server.accounts.audit import audit_record
from server.accounts.models import AreaAssignment, AuditAction, DigestCredential, Role, User
from server.accounts.validators import is_collect_safe_password, is_valid_username
from server.core.errors import GridbookError
from server.grids.choices import AreaLevel
from server.grids.models import Area


def digest_realm() -> str:
    return settings.GRIDBOOK_DIGEST_REALM


def digest_ha1(username: str, realm: str, password: str) -> str:
    """HA1 of RFC 7616 for MD5, over the bytes Collect sends (ISO-8859-1)."""
    material = f"{username}:{realm}:{password}".encode("iso-8859-1")
    return hashlib.md5(material, usedforsecurity=False).hexdigest()


def password_fingerprint(password_hash: str) -> str:
    """Binds a Digest secret to the password hash it was made with (see DigestCredential)."""
    return hashlib.sha256(password_hash.encode()).hexdigest()


def generate_password(length: int = 12) -> str:
    """A random password that a collector can type on a phone and Collect can send."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    full_name: str = "",
    phone: str = "",
    areas: Iterable[Area] = (),
    language: str = "zh-hans",
    by: User | None = None,
) -> User:
    if not is_valid_username(username):
        raise GridbookError(errors.USERNAME_NOT_ASCII, username=username)
    user = User(username=username, role=role, full_name=full_name, phone=phone, language=language)
    user.is_staff = role == Role.ADMINISTRATOR
    user.is_superuser = role == Role.ADMINISTRATOR
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise GridbookError(errors.USERNAME_TAKEN, username=username) from None
    audit_record(
        actor=by, action=AuditAction.USER_CREATED, target_type="user", target=username,
        details={"role": role},
    )  # fmt: skip
    if password is not None:
        user_set_password(user=user, password=password, by=by)
    user_assign_areas(user=user, areas=areas, by=by)
    return user


@transaction.atomic
def user_set_password(
    *, user: User, password: str, validate: bool = True, by: User | None = None
) -> None:
    """Set the password and, for collectors, the Digest secret with it (the old one stops
    working at once). The audit log records who did it, never the password."""
    if user.role == Role.COLLECTOR and not is_collect_safe_password(password):
        raise GridbookError(errors.PASSWORD_NOT_ASCII)
    if validate:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise GridbookError(errors.PASSWORD_INVALID, reason=" ".join(error.messages)) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    if user.role == Role.COLLECTOR:
        realm = digest_realm()
        DigestCredential.objects.update_or_create(
            user=user,
            defaults={
                "realm": realm,
                "ha1": digest_ha1(user.username, realm, password),
                "password_fingerprint": password_fingerprint(user.password),
            },
        )
    else:
        DigestCredential.objects.filter(user=user).delete()
    audit_record(
        actor=by, action=AuditAction.PASSWORD_SET, target_type="user", target=user.username
    )


@transaction.atomic
def user_assign_areas(*, user: User, areas: Iterable[Area], by: User | None = None) -> None:
    """Replace a user's assigned areas (a manager's subtrees, a collector's grids)."""
    wanted = list(areas)
    if wanted and user.role not in (Role.MANAGER, Role.COLLECTOR):
        raise GridbookError(errors.ROLE_HAS_NO_AREAS)
    if user.role == Role.COLLECTOR:
        for area in wanted:
            if area.level != AreaLevel.GRID:
                raise GridbookError(errors.WRONG_AREA_LEVEL, area=area.code)
    AreaAssignment.objects.filter(user=user).exclude(area__in=wanted).delete()
    existing = set(AreaAssignment.objects.filter(user=user).values_list("area_id", flat=True))
    AreaAssignment.objects.bulk_create(
        [AreaAssignment(user=user, area=area) for area in wanted if area.pk not in existing]
    )
    codes = sorted(area.code for area in wanted)
    if codes or existing:
        audit_record(
            actor=by, action=AuditAction.AREAS_ASSIGNED, target_type="user",
            target=user.username, details={"areas": codes},
        )  # fmt: skip


def _role_fits_areas(role: str, areas: Iterable[Area]) -> bool:
    held = list(areas)
    if role == Role.COLLECTOR:
        return all(area.level == AreaLevel.GRID for area in held)
    return role == Role.MANAGER or not held


@transaction.atomic
def user_update(
    *,
    user: User,
    full_name: str,
    phone: str,
    role: str,
    language: str | None = None,
    by: User | None = None,
) -> User:
    """Change a person's details. A role change keeps the areas only if the new role may hold
    them; a collector's Digest secret goes with the collector role (a new collector needs a
    password set before ODK Collect can sign in)."""
    changes = {"role": [user.role, role]} if role != user.role else {}
    if role != user.role:
        if not _role_fits_areas(role, user.areas.all()):
            raise GridbookError(
                errors.ROLE_CHANGE_KEEPS_AREAS, username=user.username, role=Role(role).label
            )
        if user.role == Role.ADMINISTRATOR:
            _ensure_another_administrator(user)
        user.role = role
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        if role != Role.COLLECTOR:
            DigestCredential.objects.filter(user=user).delete()
    user.full_name, user.phone = full_name, phone
    if language:
        user.language = language
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=by, action=AuditAction.USER_CHANGED, target_type="user", target=user.username,
        details=changes,
    )  # fmt: skip
    return user


def _ensure_another_administrator(user: User) -> None:
    others = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).exclude(pk=user.pk)
    if not others.exists():
        raise GridbookError(errors.LAST_ADMINISTRATOR, username=user.username)


@transaction.atomic
def user_reset_password(*, user: User, by: User | None = None) -> str:
    """Give the person a new random password (to be shown once) and return it."""
    password = generate_password()
    user_set_password(user=user, password=password, validate=False, by=by)
    return password


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> None:
    """Stop a person from signing in anywhere (web, ODK Collect, API); their records and
    assignments stay, so reactivating restores everything."""
    if user.pk == by.pk:
        raise GridbookError(errors.CANNOT_DEACTIVATE_SELF)
    if user.role == Role.ADMINISTRATOR:
        _ensure_another_administrator(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(
        actor=by, action=AuditAction.USER_DEACTIVATED, target_type="user", target=user.username
    )


@transaction.atomic
def user_reactivate(*, user: User, by: User | None = None) -> None:
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(
        actor=by, action=AuditAction.USER_REACTIVATED, target_type="user", target=user.username
    )
