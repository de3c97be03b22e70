"""Collector tokens: the secret in a token server URL ``<server>/key/<token>/``.

A token is ``<key><mac>``: a random key (stored, unique) and an HMAC of it keyed with
SECRET_KEY (not stored). Checking a token costs one indexed query and a constant-time
compare; the database alone does not reveal any working token. Changing SECRET_KEY therefore
invalidates every token (reissue them with ``collector_qr --reissue``).

Each collector has at most one active token (a partial unique constraint). Issuing a new one
revokes the old one in the same transaction; a revoked token is refused with 403.
"""

from __future__ import annotations

import secrets
import string

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from server.accounts import errors
from server.accounts.audit import audit_record
from server.accounts.models import AuditAction, CollectorToken, Role, User
from server.core.errors import GridbookError

KEY_LENGTH = 16
MAC_LENGTH = 40
_ALPHABET = string.ascii_letters + string.digits
_SALT = "gridbook.accounts.collector-token"


def _mac(key: str) -> str:
    return salted_hmac(_SALT, key, algorithm="sha256").hexdigest()[:MAC_LENGTH]


def token_for(row: CollectorToken) -> str:
    """The token string of a stored key (what goes into the URL and the QR code)."""
    return f"{row.key}{_mac(row.key)}"


def _split(token: str) -> tuple[str, str] | None:
    if len(token) != KEY_LENGTH + MAC_LENGTH or not token.isascii() or not token.isalnum():
        return None
    return token[:KEY_LENGTH], token[KEY_LENGTH:]


@transaction.atomic
def collector_token_issue(*, user: User, issued_by: User | None = None) -> str:
    """Give a collector a new token (revoking the one they had) and return it."""
    if user.role != Role.COLLECTOR:
        raise GridbookError(errors.TOKEN_NOT_COLLECTOR, username=user.username)
    CollectorToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    key = "".join(secrets.choice(_ALPHABET) for _ in range(KEY_LENGTH))
    row = CollectorToken.objects.create(user=user, key=key, created_by=issued_by)
    audit_record(
        actor=issued_by, action=AuditAction.TOKEN_ISSUED, target_type="user", target=user.username
    )
    return token_for(row)


@transaction.atomic
def collector_token_revoke(*, user: User, by: User | None = None) -> int:
    """Revoke a collector's active token; returns how many were revoked (0 or 1)."""
    revoked = CollectorToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit_record(
            actor=by, action=AuditAction.TOKEN_REVOKED, target_type="user", target=user.username
        )
    return revoked


def active_token(user: User) -> str | None:
    """The collector's current token, or None when they have none."""
    row = CollectorToken.objects.filter(user=user, revoked_at__isnull=True).first()
    return token_for(row) if row is not None else None


def user_for_token(token: str) -> User | None:
    """The user an active, authentic token belongs to (one query), or None."""
    parts = _split(token)
    if parts is None:
        return None
    key, mac = parts
    row = (
        CollectorToken.objects.select_related("user")
        .filter(key=key, revoked_at__isnull=True)
        .first()
    )
    if row is None or not constant_time_compare(mac, _mac(key)):
        return None
    return row.user
