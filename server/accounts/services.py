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
from server.accounts.models import AreaAssignment, DigestCredential, Role, User
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
    if password is not None:
        user_set_password(user=user, password=password)
    user_assign_areas(user=user, areas=areas)
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, validate: bool = True) -> None:
    """Set the password and, for collectors, the Digest secret with it (the old one stops
    working at once)."""
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
            user=user, defaults={"realm": realm, "ha1": digest_ha1(user.username, realm, password)}
        )
    else:
        DigestCredential.objects.filter(user=user).delete()


@transaction.atomic
def user_assign_areas(*, user: User, areas: Iterable[Area]) -> None:
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
