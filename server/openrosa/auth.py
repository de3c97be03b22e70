"""Signing ODK Collect in: reading the request, asking ``server.accounts.collect_auth``, and
answering a failure the way Collect needs it.

- No or bad credentials: 401 with a Digest challenge (Collect answers Digest over http and
  https). Basic credentials are accepted only over HTTPS; over plain http they are ignored
  and answered with the Digest challenge, so a password never counts as checked in the clear.
- A right password with an old or unknown nonce: 401 with a fresh challenge and
  ``stale=true`` (one extra round trip, no prompt).
- A token URL with an unknown or revoked token: 403, never a challenge (a password cannot
  help; Collect must not show its login screen).
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote, urlsplit

from django.http import HttpRequest, HttpResponse

from server.accounts import digest, throttle
from server.accounts.collect_auth import (
    Outcome,
    SignIn,
    authenticate_basic,
    authenticate_digest,
    authenticate_token,
    digest_challenge,
)
from server.core.errors import GridbookError
from server.core.http import client_address
from server.openrosa import errors
from server.openrosa.middleware import merge_slashes
from server.openrosa.responses import error_response


def sign_in(request: HttpRequest, token: str | None) -> SignIn:
    address = client_address(request)
    if token is not None:
        return authenticate_token(token=token, address=address)
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, rest = header.partition(" ")
    if scheme.lower() == "digest":
        params = digest.parse_params(rest)
        return authenticate_digest(
            params=params,
            method=request.method or "GET",
            uri_matches=_uri_matches(request, params.get("uri", "")),
            address=address,
        )
    if scheme.lower() == "basic" and request.is_secure():
        return _basic(rest, address)
    return SignIn(Outcome.NO_CREDENTIALS)


def _uri_matches(request: HttpRequest, uri: str) -> bool:
    """Does the Digest ``uri`` name this request's resource (path, and query if given)?"""
    if uri.startswith(("http://", "https://")):  # an absolute URI names the same resource
        parts = urlsplit(uri)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
    path, _, query = uri.partition("?")  # not urlsplit: "//formList" is not a host name
    if merge_slashes(unquote(path)) != request.path:  # Collect may send //formList
        return False
    return not query or unquote(query) == unquote(request.META.get("QUERY_STRING", ""))


def _basic(encoded: str, address: str) -> SignIn:
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("iso-8859-1")
    except (binascii.Error, ValueError):
        return SignIn(Outcome.NO_CREDENTIALS)
    username, colon, password = decoded.partition(":")
    if not colon or not username:
        return SignIn(Outcome.NO_CREDENTIALS)
    return authenticate_basic(username=username, password=password, address=address)


_REFUSALS = {
    Outcome.BAD_TOKEN: errors.TOKEN_INVALID,
    Outcome.INACTIVE: errors.ACCOUNT_DISABLED,
    Outcome.NOT_COLLECTOR: errors.NOT_COLLECTOR,
}


def refusal(outcome: Outcome) -> HttpResponse:
    """The response to a sign-in that did not succeed (in the active language)."""
    if outcome is Outcome.BLOCKED:
        minutes = throttle.WINDOW_SECONDS // 60
        response = error_response(GridbookError(errors.SIGN_IN_BLOCKED, minutes=minutes))
        response["Retry-After"] = str(throttle.WINDOW_SECONDS)
        return response
    if outcome in _REFUSALS:
        return error_response(GridbookError(_REFUSALS[outcome]))
    spec = errors.SIGN_IN_FAILED if outcome is Outcome.FAILED else errors.SIGN_IN_REQUIRED
    response = error_response(GridbookError(spec))
    response["WWW-Authenticate"] = digest_challenge(stale=outcome is Outcome.STALE)
    return response
