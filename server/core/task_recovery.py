"""Background tasks whose worker died: found, and retried or failed visibly, never left
"running" for ever.

Django's database task backend marks a task RUNNING when a worker claims it and SUCCESSFUL
or FAILED when the worker finishes it. A worker killed in between (OOM killer, a power cut,
``kill -9``, a container stopped without grace) leaves it RUNNING, and whatever page waits
for it waits for ever. ``tasks_recover`` finds such tasks:

- the worker was on this machine and its process is gone (Gridbook's workers are named
  ``gb:<host>:<pid>:<random>`` by ``manage.py run_worker``), or
- the task has been running longer than ``stale_after`` (workers on other machines; the
  default, ``GRIDBOOK_TASK_STALE_MINUTES``, is far above the longest task measured),

and applies the task's ``Policy``: a task declared idempotent runs again (READY) until it
has been attempted ``max_attempts`` times; any other is marked FAILED with the reason, and
its ``on_abandoned`` hook tells its own domain (a form upload or export job row) that it
ended. Each app declares the policy of its tasks explicitly in its ``tasks.py``
(``recovery_policy(...)``); a task without one is failed, never retried blindly.

``manage.py run_worker`` recovers before it starts taking tasks (so a supervisor restarting
a killed worker cleans up after it); ``manage.py recover_tasks`` does it on demand.

Hook for export jobs (records/exports issues): register
``recovery_policy(export_run, retry=False, on_abandoned=export_mark_failed)`` in the
exports app's ``tasks.py``; ``on_abandoned(args, kwargs)`` receives the task's arguments.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

WORKER_PREFIX = "gb"
ABANDONED = "server.core.task_recovery.WorkerDied"


@dataclass(frozen=True)
class Policy:
    retry: bool  # the task is idempotent: running it again is safe
    max_attempts: int = 3
    on_abandoned: Callable[[list[Any], dict[str, Any]], None] | None = None


_POLICIES: dict[str, Policy] = {}
_DEFAULT = Policy(retry=False)


def recovery_policy(
    task: Any,
    *,
    retry: bool,
    max_attempts: int = 3,
    on_abandoned: Callable[[list[Any], dict[str, Any]], None] | None = None,
) -> None:
    """Declare what happens to ``task`` (a ``@task()`` function) when its worker dies."""
    _POLICIES[task.module_path] = Policy(retry, max_attempts, on_abandoned)


def policy_for(task_path: str) -> Policy:
    """The declared policy; importing the task's module first is what declares it (a fresh
    worker process has imported no task yet). A task that no longer imports is failed."""
    try:
        import_string(task_path)
    except ImportError:
        return _DEFAULT
    return _POLICIES.get(task_path, _DEFAULT)


def worker_id() -> str:
    """This process's worker name: host and pid, so a later worker can tell it died."""
    host = socket.gethostname()[:40]
    return f"{WORKER_PREFIX}:{host}:{os.getpid()}:{os.urandom(3).hex()}"


def worker_is_dead(name: str) -> bool:
    """True only when ``name`` is a Gridbook worker of this machine whose process is gone."""
    parts = name.split(":")
    if len(parts) != 4 or parts[0] != WORKER_PREFIX or parts[1] != socket.gethostname()[:40]:
        return False
    try:
        os.kill(int(parts[2]), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError):
        return False
    return False


@dataclass
class RecoveryReport:
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def tasks_recover(
    *,
    stale_after: timedelta,
    now: datetime | None = None,
    dead: Callable[[str], bool] | None = None,
) -> RecoveryReport:
    now = now or timezone.now()
    dead = dead or worker_is_dead
    report = RecoveryReport()
    for result in _abandoned(DBTaskResult.objects.running(), now - stale_after, dead):
        _recover(result, report, now)
    return report


def _abandoned(
    running: Iterable[DBTaskResult], cutoff: datetime, dead: Callable[[str], bool]
) -> Iterable[DBTaskResult]:
    for result in running:
        last_worker = result.worker_ids[-1] if result.worker_ids else ""
        too_old = result.started_at is not None and result.started_at < cutoff
        if too_old or (last_worker and dead(last_worker)):
            yield result


def _recover(result: DBTaskResult, report: RecoveryReport, now: datetime) -> None:
    policy = policy_for(result.task_path)
    attempts = len(result.worker_ids)
    running = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING)
    with transaction.atomic():
        if policy.retry and attempts < policy.max_attempts:
            if running.update(status=TaskResultStatus.READY, started_at=None):
                report.retried.append(str(result.pk))
            return
        reason = (
            f"The worker running this task stopped (worker {result.worker_ids[-1:]}, "
            f"attempt {attempts} of {policy.max_attempts if policy.retry else 1})."
        )
        marked = running.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=ABANDONED,
            traceback=reason,
        )
        if not marked:
            return
        report.failed.append(str(result.pk))
        if policy.on_abandoned is not None:
            arguments = result.args_kwargs or {}
            policy.on_abandoned(list(arguments.get("args", [])), dict(arguments.get("kwargs", {})))
