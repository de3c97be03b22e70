"""HTTP Digest authentication (RFC 7616 / 2617, MD5, qop=auth) as ODK Collect speaks it.

Pure functions, no Django. Nonces are derived, not remembered: ``<time><HMAC(time)>`` with the
server's secret, so any process (or a restarted one) can check any nonce, and an old or
unknown nonce is recognised as such and answered with ``stale=true`` (one extra round trip
for Collect, which re-sends with the fresh nonce).

Replays: nonce counts are not tracked (that would be a write per request shared across
processes). A captured request can be replayed only until its nonce expires
(``NONCE_LIFETIME_SECONDS``); a replayed submission is harmless (identical resubmission),
and a replayed read returns what the eavesdropper already saw. Use HTTPS against
eavesdroppers.
"""

from __future__ import annotations

import hashlib
import hmac
import re

NONCE_LIFETIME_SECONDS = 900
_TIME_DIGITS = 10
_MAC_DIGITS = 32
_PARAM = re.compile(r'\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)')


def md5_hex(text: str) -> str:
    return hashlib.md5(text.encode("iso-8859-1"), usedforsecurity=False).hexdigest()


def parse_params(text: str) -> dict[str, str]:
    """``username="bob", nc=00000001, …`` → a dict (names lower-cased, quotes unescaped)."""
    params: dict[str, str] = {}
    position = 0
    while position < len(text):
        match = _PARAM.match(text, position)
        if match is None or match.end() == position:
            break
        quoted, bare = match.group(2), match.group(3)
        value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare
        params[match.group(1).lower()] = value
        position = match.end()
    return params


def _mac(secret: bytes, stamp: str) -> str:
    return hmac.new(secret, f"gridbook-digest-nonce:{stamp}".encode(), "sha256").hexdigest()[
        :_MAC_DIGITS
    ]


def make_nonce(secret: bytes, now: float) -> str:
    stamp = f"{int(now):0{_TIME_DIGITS}d}"
    return stamp + _mac(secret, stamp)


def nonce_age(secret: bytes, nonce: str, now: float) -> float | None:
    """Seconds since the nonce was issued, or None when it is not one of ours."""
    stamp, mac = nonce[:_TIME_DIGITS], nonce[_TIME_DIGITS:]
    if len(nonce) != _TIME_DIGITS + _MAC_DIGITS or not stamp.isdigit():
        return None
    if not hmac.compare_digest(mac, _mac(secret, stamp)):
        return None
    return now - int(stamp)


def nonce_is_fresh(secret: bytes, nonce: str, now: float) -> bool:
    age = nonce_age(secret, nonce, now)
    return age is not None and -60 <= age <= NONCE_LIFETIME_SECONDS


def expected_response(ha1: str, method: str, params: dict[str, str]) -> str:
    """The ``response`` a client knowing HA1 sends for qop=auth."""
    ha2 = md5_hex(f"{method}:{params['uri']}")
    parts = (ha1, params["nonce"], params["nc"], params["cnonce"], params["qop"], ha2)
    return md5_hex(":".join(parts))


REQUIRED = ("username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce")


def well_formed(params: dict[str, str]) -> bool:
    if any(not params.get(name) for name in REQUIRED):
        return False
    algorithm = params.get("algorithm", "MD5").upper()
    return params["qop"] == "auth" and algorithm == "MD5" and len(params["response"]) == 32


def challenge(realm: str, nonce: str, *, stale: bool = False) -> str:
    opaque = md5_hex(f"gridbook:{realm}")
    header = (
        f'Digest realm="{realm}", qop="auth", algorithm=MD5, nonce="{nonce}", opaque="{opaque}"'
    )
    return header + (", stale=true" if stale else "")
