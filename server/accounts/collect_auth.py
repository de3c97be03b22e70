"""Who is ODK Collect acting for? Digest, Basic (HTTPS only) and token URLs.

The OpenRosa front door (``server.openrosa.auth``) reads the request and calls one of the
``authenticate_*`` functions here; each returns a ``SignIn`` saying who it is or why not.
Every path costs a constant number of queries: one cache read (the throttle) and one indexed
lookup (the user with their Digest secret, or the token).

Basic over HTTPS is checked against the same Digest secret (HA1 = md5(user:realm:password)),
not the slow password hash, so a phone sending credentials with each request costs no more
than Digest does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.utils.crypto import constant_time_compare

from server.accounts import digest, throttle
from server.accounts.collector_tokens import user_for_token
from server.accounts.models import DigestCredential, Role, User
from server.accounts.services import digest_ha1, digest_realm, password_fingerprint


class Outcome(Enum):
    OK = "ok"
    NO_CREDENTIALS = "no_credentials"  # answer with a challenge
    STALE = "stale"  # right password, old or unknown nonce: challenge with stale=true
    FAILED = "failed"  # wrong user name or password: challenge again
    BLOCKED = "blocked"  # too many failures
    BAD_TOKEN = "bad_token"  # noqa: S105 - unknown or revoked token: 403, never a challenge
    INACTIVE = "inactive"  # the account is disabled
    NOT_COLLECTOR = "not_collector"  # a real account, but not one that uses Collect


@dataclass(frozen=True)
class SignIn:
    outcome: Outcome
    user: User | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


def _secret() -> bytes:
    return settings.SECRET_KEY.encode()


def new_nonce() -> str:
    return digest.make_nonce(_secret(), time.time())


def digest_challenge(*, stale: bool = False) -> str:
    return digest.challenge(digest_realm(), new_nonce(), stale=stale)


def _credential(username: str) -> DigestCredential | None:
    """The user's Digest secret, if it was made with their current password (a password
    changed by any other path than ``user_set_password`` leaves it void, never valid)."""
    # Unique username: no ORDER BY (``first()`` would add one; this runs on every request).
    found = next(
        iter(
            DigestCredential.objects.select_related("user")
            .filter(user__username=username)
            .order_by()[:1]
        ),
        None,
    )
    if found is None:
        return None
    current = password_fingerprint(found.user.password)
    if not constant_time_compare(found.password_fingerprint, current):
        return None
    return found


def _checked(user: User) -> SignIn:
    if not user.is_active:
        return SignIn(Outcome.INACTIVE, user)
    if user.role != Role.COLLECTOR:
        return SignIn(Outcome.NOT_COLLECTOR, user)
    return SignIn(Outcome.OK, user)


def authenticate_digest(
    *, params: dict[str, str], method: str, uri_matches: bool, address: str
) -> SignIn:
    """Check a Digest ``Authorization`` (already parsed). ``uri_matches``: the ``uri``
    parameter names the requested resource (the caller compares it with the request)."""
    if not digest.well_formed(params) or params["realm"] != digest_realm() or not uri_matches:
        return SignIn(Outcome.NO_CREDENTIALS)
    username = params["username"]
    if throttle.signin_blocked(username, address):
        return SignIn(Outcome.BLOCKED)
    credential = _credential(username)
    if credential is None or credential.realm != params["realm"]:
        throttle.signin_failed(username, address)
        return SignIn(Outcome.FAILED)
    expected = digest.expected_response(credential.ha1, method, params)
    if not constant_time_compare(expected, params["response"].lower()):
        throttle.signin_failed(username, address)
        return SignIn(Outcome.FAILED)
    if not digest.nonce_is_fresh(_secret(), params["nonce"], time.time()):
        return SignIn(Outcome.STALE)
    return _checked(credential.user)


def authenticate_basic(*, username: str, password: str, address: str) -> SignIn:
    """Check Basic credentials (the caller accepts Basic only over HTTPS)."""
    if throttle.signin_blocked(username, address):
        return SignIn(Outcome.BLOCKED)
    credential = _credential(username)
    try:
        given = digest_ha1(username, digest_realm(), password)
    except UnicodeEncodeError:  # not Latin-1: cannot be a collector's password
        given = ""
    if credential is None or not constant_time_compare(given, credential.ha1):
        throttle.signin_failed(username, address)
        return SignIn(Outcome.FAILED)
    return _checked(credential.user)


def authenticate_token(*, token: str, address: str) -> SignIn:
    """Check the token of a token server URL (``/key/<token>/``)."""
    if throttle.signin_blocked(None, address):
        return SignIn(Outcome.BLOCKED)
    user = user_for_token(token)
    if user is None:
        throttle.signin_failed(None, address)
        return SignIn(Outcome.BAD_TOKEN)
    return _checked(user)
