"""Export jobs: asking for one, running it in the background, cancelling, recovering jobs
whose worker died, expiring files, and recording every download.

Life of a job: ``queued`` → ``running`` (progress in rows, a heartbeat every second or so)
→ ``done`` (file in the exports storage until ``expires_at``) | ``failed`` (a reason) |
``cancelled``; a done job becomes ``expired`` when ``prune_exports`` deletes its file. A
running job whose heartbeat is older than ``GRIDBOOK_EXPORT_STALE_SECONDS`` lost its worker:
``exports_recover`` queues it again, or fails it after ``GRIDBOOK_EXPORT_MAX_ATTEMPTS``.

Every state change is a conditional UPDATE (``WHERE state = …``), so a cancel racing the
worker, or two workers racing for a job, leave one consistent answer.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from server.accounts.models import User
from server.core.errors import GridbookError
from server.core.storage import exports_storage, safe_file_name, storage_key
from server.exports import errors, producers, record_exports, registers, selectors
from server.exports.models import (
    ACTIVE_STATES,
    KIND_FORMATS,
    ExportDownload,
    ExportFormat,
    ExportJob,
    ExportKind,
    ExportState,
)
from server.exports.options import ExportFilters, ExportOptions

logger = logging.getLogger(__name__)

Producer = Callable[[producers.Request], producers.Output]
PRODUCERS: dict[tuple[str, str], Producer] = {
    (ExportKind.SUBMISSIONS, ExportFormat.CSV_ZIP): producers.submissions_csv_zip,
    (ExportKind.SUBMISSIONS, ExportFormat.XLSX): producers.submissions_xlsx,
    (ExportKind.SUBMISSIONS, ExportFormat.GEOJSON): producers.submissions_geojson,
    (ExportKind.SUBMISSIONS, ExportFormat.MEDIA_ZIP): producers.submissions_media_zip,
    (ExportKind.HOUSEHOLDS, ExportFormat.XLSX): lambda r: registers.households(r, xlsx=True),
    (ExportKind.HOUSEHOLDS, ExportFormat.CSV_ZIP): lambda r: registers.households(r, xlsx=False),
    (ExportKind.SPECIAL_POPULATIONS, ExportFormat.XLSX): lambda r: registers.special_populations(
        r, xlsx=True
    ),
    (ExportKind.SPECIAL_POPULATIONS, ExportFormat.CSV_ZIP): lambda r: registers.special_populations(
        r, xlsx=False
    ),
    (ExportKind.NEEDS_LEDGER, ExportFormat.XLSX): lambda r: record_exports.needs_ledger(
        r, xlsx=True
    ),
    (ExportKind.NEEDS_LEDGER, ExportFormat.CSV_ZIP): lambda r: record_exports.needs_ledger(
        r, xlsx=False
    ),
    (ExportKind.RECORD_REPORT, ExportFormat.XLSX): record_exports.record_report,
}


TICK_SECONDS = 1.0  # how often a running job saves its progress and heartbeat
HEARTBEAT_SECONDS = 30.0  # the heartbeat also beats while no rows move (zipping, uploading)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def retention() -> timedelta:
    return timedelta(hours=_setting("GRIDBOOK_EXPORT_RETENTION_HOURS", 72))


# ------------------------------------------------------------------ asking


def export_request(
    *,
    user: User,
    kind: str,
    format: str,
    form_id: str = "",
    options: dict[str, Any] | None = None,
    filters: dict[str, Any] | None = None,
) -> ExportJob:
    """Check and record an export, and queue it (after the commit)."""
    if not selectors.may_export(user):
        raise GridbookError(errors.NOT_ALLOWED)
    if kind not in KIND_FORMATS:
        raise GridbookError(errors.BAD_OPTION, key="kind")
    if format not in KIND_FORMATS[kind]:
        raise GridbookError(errors.FORMAT_NOT_OFFERED, format=format)
    try:
        parsed_options = ExportOptions.from_json(options)
        parsed_filters = ExportFilters.from_json(filters)
    except ValueError as error:
        raise GridbookError(errors.BAD_OPTION, key=str(error)) from None
    form = None
    if kind == ExportKind.SUBMISSIONS:
        if not form_id:
            raise GridbookError(errors.FORM_REQUIRED)
        form = selectors.exportable_forms(user).filter(form_id=form_id).first()
        if form is None:
            raise GridbookError(errors.FORM_NOT_FOUND, form_id=form_id)
        schema = selectors.form_schema(form, parsed_filters.version)
        selectors.submission_rows(user=user, form=form, filters=parsed_filters, schema=schema)
    elif parsed_filters.area:
        selectors.area_in_scope(selectors.scope_for(user), parsed_filters.area)
    if kind == ExportKind.RECORD_REPORT:
        record_exports.report_period(parsed_filters)
    if kind == ExportKind.NEEDS_LEDGER:
        unknown = set(parsed_filters.answers) - set(record_exports.NEED_FILTERS)
        if unknown:
            raise GridbookError(errors.BAD_OPTION, key=f"answers.{sorted(unknown)[0]}")
    limit = _setting("GRIDBOOK_EXPORT_MAX_ACTIVE", 3)
    with transaction.atomic():
        active = ExportJob.objects.filter(requested_by=user, state__in=ACTIVE_STATES).count()
        if active >= limit:
            raise GridbookError(errors.TOO_MANY_ACTIVE, count=active)
        job = ExportJob.objects.create(
            requested_by=user,
            kind=kind,
            format=format,
            form=form,
            options=parsed_options.to_json(),
            filters=parsed_filters.to_json(),
        )
        _enqueue(job)
    return job


def _enqueue(job: ExportJob) -> None:
    from server.exports.tasks import export_job_run

    job_id = str(job.pk)
    transaction.on_commit(lambda: export_job_run.enqueue(job_id))


def export_cancel(*, job: ExportJob) -> ExportJob:
    """Cancel a queued or running job (the worker stops at its next progress step); a
    finished job is left as it is."""
    ExportJob.objects.filter(pk=job.pk, state__in=ACTIVE_STATES).update(
        state=ExportState.CANCELLED, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


# ------------------------------------------------------------------ running


class _Ticker:
    """Saves progress and the heartbeat at most every ``interval`` seconds; raises
    ``Cancelled`` as soon as the job is no longer running (cancelled, or failed by
    recovery)."""

    def __init__(self, job: ExportJob) -> None:
        self.job = job
        self.interval = TICK_SECONDS
        self.last = 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if done and now - self.last < self.interval:
            return
        self.last = now
        updated = ExportJob.objects.filter(pk=self.job.pk, state=ExportState.RUNNING).update(
            rows_done=done, heartbeat_at=timezone.now()
        )
        if not updated:
            raise producers.Cancelled


class _Heartbeat(threading.Thread):
    """Keeps ``heartbeat_at`` fresh while the job runs, also through long steps that move
    no rows (an XLSX's final compression, a large upload), so only a dead worker looks
    stalled. Its own database connection, closed when it stops."""

    def __init__(self, job_id: Any) -> None:
        super().__init__(name="export-heartbeat", daemon=True)
        self.job_id = job_id
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(HEARTBEAT_SECONDS):
                ExportJob.objects.filter(pk=self.job_id, state=ExportState.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def export_run(*, job_id: Any) -> ExportJob | None:
    """Run a queued job (the task's body). A job another worker took, or one cancelled
    before it started, is left alone."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, state=ExportState.QUEUED).update(
        state=ExportState.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("requested_by", "form").get(pk=job_id)
    heartbeat = _Heartbeat(job.pk)
    heartbeat.start()
    try:
        return _run(job)
    finally:
        heartbeat.stop()


def _run(job: ExportJob) -> ExportJob:
    try:
        with (
            tempfile.TemporaryDirectory(prefix="gridbook-export-") as folder,
            translation.override(_language(job)),
        ):
            request = producers.Request(
                user=job.requested_by,
                form=job.form,
                options=ExportOptions.from_json(job.options),
                filters=ExportFilters.from_json(job.filters),
                key_prefix=_key_prefix(job),
                workdir=Path(folder),
                tick=_Ticker(job),
            )
            total = _total(job, request)
            request.rows_total = total or 0
            ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
            output = PRODUCERS[(job.kind, job.format)](request)
    except producers.Cancelled:
        _remove_folder(job)
        job.refresh_from_db()
        return job
    except GridbookError as error:
        _fail(job, error.code, error.message)
        return job
    except Exception as error:  # any other failure is reported on the job, not swallowed
        logger.exception("export %s failed", job.pk)
        _fail(job, errors.FAILED.code, type(error).__name__)
        return job
    finished = timezone.now()
    done = ExportJob.objects.filter(pk=job.pk, state=ExportState.RUNNING).update(
        state=ExportState.DONE,
        finished_at=finished,
        heartbeat_at=finished,
        rows_done=output.rows,
        file_key=output.key,
        file_name=output.name,
        file_size=output.size,
        expires_at=finished + retention(),
    )
    if not done:  # cancelled in the last moment: the file must not stay behind
        exports_storage().delete(output.key)
    job.refresh_from_db()
    return job


def _total(job: ExportJob, request: producers.Request) -> int | None:
    if job.kind == ExportKind.SUBMISSIONS:
        return producers._Submissions(request).total()
    if job.kind == ExportKind.HOUSEHOLDS:
        return registers.households_total(request)
    if job.kind == ExportKind.NEEDS_LEDGER:
        return record_exports.needs_ledger_total(request)
    if job.kind == ExportKind.RECORD_REPORT:
        return record_exports.record_report_total(request)
    return registers.special_populations_total(request)


def _language(job: ExportJob) -> str:
    language = (job.options or {}).get("language")
    if language == "en":
        return "en"
    if language == "zh":
        return "zh-hans"
    return job.requested_by.language or settings.LANGUAGE_CODE


def _key_prefix(job: ExportJob) -> str:
    month = timezone.localtime(job.created_at).strftime("%Y-%m")
    return storage_key(month, safe_file_name(str(job.pk)))


def _remove_folder(job: ExportJob) -> None:
    storage = exports_storage()
    prefix = _key_prefix(job)
    try:
        _folders, files = storage.listdir(prefix)
    except (FileNotFoundError, OSError):
        return
    for name in files:
        storage.delete(f"{prefix}/{name}")


def _fail(job: ExportJob, code: str, detail: str) -> None:
    _remove_folder(job)
    ExportJob.objects.filter(pk=job.pk, state=ExportState.RUNNING).update(
        state=ExportState.FAILED,
        error_code=code,
        error_detail=detail[:500],
        finished_at=timezone.now(),
    )
    job.refresh_from_db()


# ------------------------------------------------------------------ housekeeping


def exports_recover(*, now: Any = None) -> tuple[int, int]:
    """Running jobs whose heartbeat stopped: queue them again, or fail them once they used
    their attempts. Returns (queued again, failed)."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=_setting("GRIDBOOK_EXPORT_STALE_SECONDS", 300))
    attempts = _setting("GRIDBOOK_EXPORT_MAX_ATTEMPTS", 2)
    requeued = failed = 0
    for job in ExportJob.objects.filter(state=ExportState.RUNNING, heartbeat_at__lt=stale):
        if job.attempts < attempts:
            with transaction.atomic():
                if ExportJob.objects.filter(
                    pk=job.pk, state=ExportState.RUNNING, heartbeat_at__lt=stale
                ).update(state=ExportState.QUEUED, rows_done=0):
                    requeued += 1
                    _enqueue(job)
        else:
            error = GridbookError(errors.WORKER_LOST, attempts=job.attempts)
            if ExportJob.objects.filter(
                pk=job.pk, state=ExportState.RUNNING, heartbeat_at__lt=stale
            ).update(
                state=ExportState.FAILED,
                error_code=error.code,
                error_detail=str(job.attempts),
                finished_at=now,
            ):
                failed += 1
                _remove_folder(job)
    return requeued, failed


def exports_prune(*, now: Any = None) -> int:
    """Delete the files of exports past ``expires_at``; the job rows stay (the record)."""
    now = now or timezone.now()
    storage = exports_storage()
    pruned = 0
    for job in ExportJob.objects.filter(state=ExportState.DONE, expires_at__lte=now):
        storage.delete(job.file_key)
        if ExportJob.objects.filter(pk=job.pk, state=ExportState.DONE).update(
            state=ExportState.EXPIRED, file_key=""
        ):
            pruned += 1
    return pruned


# ------------------------------------------------------------------ downloads


def export_download_record(
    *, job: ExportJob, user: User, ip: str | None, user_agent: str, via: str
) -> ExportDownload:
    if job.state != ExportState.DONE or (job.expires_at and job.expires_at <= timezone.now()):
        raise GridbookError(errors.NOT_READY, state=job.get_state_display())
    return ExportDownload.objects.create(
        job=job, user=user, ip=ip or None, user_agent=user_agent[:300], via=via
    )
