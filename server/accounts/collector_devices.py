"""Which phones each collector uses, and when each last fetched forms and sent a submission.

ODK Collect names its phone in every request (``?deviceID=collect:…``). Recording it must cost
almost nothing on the hot path, so a device's row is written at most once a minute per kind of
activity: each process remembers what it wrote in the last minute (no query at all), and the
write itself only touches a row whose timestamp is older than a minute, so several processes
together still write about once a minute.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from enum import Enum

from django.db import DatabaseError
from django.db.models import Q, QuerySet
from django.utils import timezone

from server.accounts.models import CollectorDevice, User

logger = logging.getLogger(__name__)

WRITE_INTERVAL_SECONDS = 60
_MEMORY_LIMIT = 20_000


class Activity(Enum):
    FORM_LIST = "last_form_list_at"
    SUBMISSION = "last_submission_at"
    OTHER = "last_seen_at"


_recent: dict[tuple[int, str, Activity], float] = {}
_lock = threading.Lock()


def _written_recently(key: tuple[int, str, Activity]) -> bool:
    now = time.monotonic()
    with _lock:
        if _recent.get(key, -1e18) > now - WRITE_INTERVAL_SECONDS:
            return True
        if len(_recent) > _MEMORY_LIMIT:
            _recent.clear()
        _recent[key] = now
        return False


def forget_recent_writes() -> None:
    """Forget what this process wrote (tests, and after a clock jump)."""
    with _lock:
        _recent.clear()


def collector_device_seen(
    *, user: User, device_id: str, user_agent: str, activity: Activity
) -> None:
    """Record that ``user``'s phone ``device_id`` did ``activity`` now (cheaply, see above).

    A failure to record is logged, never raised: it must not fail the worker's request."""
    device_id = device_id[:100]
    if _written_recently((user.pk, device_id, activity)):
        return
    try:
        _write(user, device_id, user_agent[:300], activity, timezone.now())
    except DatabaseError:
        logger.warning("could not record device %r of user %s", device_id, user.pk, exc_info=True)


def _write(user: User, device_id: str, user_agent: str, activity: Activity, now: datetime) -> None:
    stamp = activity.value
    values: dict[str, object] = {"last_seen_at": now, stamp: now}
    if user_agent:
        values["user_agent"] = user_agent
    stale = Q(**{f"{stamp}__isnull": True}) | Q(
        **{f"{stamp}__lt": now - timedelta(seconds=WRITE_INTERVAL_SECONDS)}
    )
    rows = CollectorDevice.objects.filter(user=user, device_id=device_id)
    if rows.filter(stale).update(**values):
        return
    # No row yet, or another process wrote it within the minute: insert if missing.
    CollectorDevice.objects.bulk_create(
        [
            CollectorDevice(
                user=user,
                device_id=device_id,
                first_seen_at=now,
                **values,  # type: ignore[arg-type]
            )
        ],
        ignore_conflicts=True,
    )


def collector_devices(users: QuerySet[User] | list[User] | User) -> QuerySet[CollectorDevice]:
    """Devices of one collector or of several (e.g. ``users_in_scope(scope)``), the most
    recently seen first, with their user selected."""
    if isinstance(users, User):
        queryset = CollectorDevice.objects.filter(user=users)
    else:
        queryset = CollectorDevice.objects.filter(user__in=users)
    return queryset.select_related("user").order_by("user__username", "-last_seen_at")
