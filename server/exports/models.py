"""Export jobs and their downloads: every export is recorded (who asked for what, with which
filters, when, how many rows) and so is every download (who, when, from where)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from server.xforms.models import Form


class ExportKind(models.TextChoices):
    SUBMISSIONS = "submissions", _("Form submissions")
    HOUSEHOLDS = "households", _("Households and last visits")
    SPECIAL_POPULATIONS = "special_populations", _("Special-population lists by department")
    NEEDS_LEDGER = "needs_ledger", _("Needs ledger")
    RECORD_REPORT = "record_report", _("Grid record report")


class ExportFormat(models.TextChoices):
    CSV_ZIP = "csv_zip", _("CSV (ZIP)")
    XLSX = "xlsx", _("Excel (XLSX)")
    MEDIA_ZIP = "media_zip", _("Photos (ZIP)")
    GEOJSON = "geojson", _("Map points (GeoJSON)")


# Which formats each kind offers.
KIND_FORMATS: dict[str, tuple[str, ...]] = {
    ExportKind.SUBMISSIONS: (
        ExportFormat.CSV_ZIP,
        ExportFormat.XLSX,
        ExportFormat.MEDIA_ZIP,
        ExportFormat.GEOJSON,
    ),
    ExportKind.HOUSEHOLDS: (ExportFormat.XLSX, ExportFormat.CSV_ZIP),
    ExportKind.SPECIAL_POPULATIONS: (ExportFormat.XLSX, ExportFormat.CSV_ZIP),
    ExportKind.NEEDS_LEDGER: (ExportFormat.XLSX, ExportFormat.CSV_ZIP),
    ExportKind.RECORD_REPORT: (ExportFormat.XLSX,),
}


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


ACTIVE_STATES = (ExportState.QUEUED, ExportState.RUNNING)


class ExportJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="export_jobs"
    )
    kind = models.CharField(_("export"), max_length=32, choices=ExportKind.choices)
    format = models.CharField(_("format"), max_length=16, choices=ExportFormat.choices)
    form = models.ForeignKey(
        Form, models.PROTECT, null=True, blank=True, related_name="export_jobs"
    )
    options = models.JSONField(default=dict, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ExportState.choices, default=ExportState.QUEUED
    )
    error_code = models.CharField(max_length=64, blank=True)
    error_detail = models.CharField(max_length=500, blank=True)
    rows_done = models.PositiveBigIntegerField(default=0)
    rows_total = models.PositiveBigIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file_key = models.CharField(max_length=400, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ExportState.values), name="exportjob_state_known"
            ),
            models.CheckConstraint(
                condition=Q(format__in=ExportFormat.values), name="exportjob_format_known"
            ),
            models.CheckConstraint(
                condition=~Q(kind=ExportKind.SUBMISSIONS) | Q(form__isnull=False),
                name="exportjob_submissions_have_form",
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | ~Q(file_key=""), name="exportjob_done_has_file"
            ),
        ]
        indexes = [
            models.Index(fields=["requested_by", "created_at"], name="exportjob_user_created"),
            models.Index(fields=["state", "heartbeat_at"], name="exportjob_state_heartbeat"),
            models.Index(fields=["expires_at"], name="exportjob_expires"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.format}/{self.pk}"

    @property
    def percent(self) -> int | None:
        if self.state == ExportState.DONE:
            return 100
        if not self.rows_total:
            return None
        return min(99, int(self.rows_done * 100 / self.rows_total))

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def error_message(self) -> str:
        """Why it failed, in the active language."""
        from server.core.errors import catalog

        spec = catalog().get(self.error_code)
        if spec is not None and self.error_code == "export_failed":
            return spec.render({"reason": self.error_detail})
        if spec is not None and self.error_code == "export_worker_lost":
            return spec.render({"attempts": self.error_detail})
        return self.error_detail


class ExportDownload(models.Model):
    job = models.ForeignKey(ExportJob, models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    via = models.CharField(max_length=16, help_text="web (session) or link (signed)")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["job", "at"], name="exportdownload_job_at")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.user_id}"
