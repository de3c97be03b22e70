"""Throttling failed sign-ins from ODK Collect, per user name and per network address.

Counters live in Django's cache, which Gridbook configures as a database cache (table
``gridbook_cache``) so every gunicorn process and every app server shares them. A user name
with ``MAX_FAILURES_PER_USERNAME`` failures, or an address with ``MAX_FAILURES_PER_ADDRESS``,
each within ``WINDOW_SECONDS`` of the next, is refused until that long after the last one,
right password or not (so guessing cannot go on until it succeeds). Checking costs one
cache read per request; counting happens only on a failure.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

WINDOW_SECONDS = 900
MAX_FAILURES_PER_USERNAME = 10
MAX_FAILURES_PER_ADDRESS = 100


def _keys(username: str | None, address: str) -> list[tuple[str, int]]:
    keys = [(f"gb:signin-fail:addr:{_digest(address)}", MAX_FAILURES_PER_ADDRESS)]
    if username:
        keys.append((f"gb:signin-fail:user:{_digest(username.lower())}", MAX_FAILURES_PER_USERNAME))
    return keys


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:32]


def signin_blocked(username: str | None, address: str) -> bool:
    keys = _keys(username, address)
    counts = cache.get_many([key for key, _ in keys])
    return any(counts.get(key, 0) >= limit for key, limit in keys)


def signin_failed(username: str | None, address: str) -> None:
    """Count a failure; each one restarts its key's window (a sliding window, read and
    written without a lock: under a burst a count may be off by a few, never the block)."""
    keys = _keys(username, address)
    counts = cache.get_many([key for key, _ in keys])
    cache.set_many({key: counts.get(key, 0) + 1 for key, _ in keys}, WINDOW_SECONDS)


def signin_forget(username: str | None, address: str) -> None:
    """Clear the counters (an administrator unblocking someone)."""
    cache.delete_many([key for key, _ in _keys(username, address)])
