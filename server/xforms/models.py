"""Questionnaires: forms, their versions, their media, and who is offered them.

A form is identified by its XForm id (``form_id``); every upload with a new ``version`` is a
new ``FormVersion`` holding the exact XForm bytes served to ODK Collect (and their md5), the
original spreadsheet, the warnings of the conversion and the field schema derived from the
XForm XML. Older versions keep accepting submissions and stay downloadable.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from server.grids.models import Area


class FormState(models.TextChoices):
    DRAFT = "draft", _("Draft (testers only)")
    OPEN = "open", _("Open")
    CLOSING = "closing", _("Closing (not offered, still accepting submissions)")
    CLOSED = "closed", _("Closed")


class FormKind(models.TextChoices):
    """Which records a form's submissions feed (the field contract in forms/README.md)."""

    HOUSEHOLD_VISIT = "hh_visit", _("Household visit")
    NEEDS_SURVEY = "needs_survey", _("Needs survey")
    SATISFACTION = "satisfaction", _("Satisfaction survey")
    OTHER = "other", _("Other form (stored and exported, not projected)")


class Form(models.Model):
    form_id = models.CharField(_("form ID"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=FormKind.choices, default=FormKind.OTHER
    )
    state = models.CharField(
        _("state"), max_length=16, choices=FormState.choices, default=FormState.DRAFT
    )
    current_version = models.ForeignKey(
        "FormVersion",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
        help_text=_("The version offered to phones; older versions still accept submissions."),
    )
    testers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="testing_forms",
        verbose_name=_("testers"),
        help_text=_("Collectors who are offered the form while it is a draft."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("form")
        verbose_name_plural = _("forms")
        ordering = ["form_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=FormState.values), name="form_state_known"
            ),
            models.CheckConstraint(condition=Q(kind__in=FormKind.values), name="form_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.form_id})"


def _source_upload_to(instance: FormVersion, filename: str) -> str:
    from server.core.storage import safe_file_name, storage_key

    return storage_key(
        "forms",
        safe_file_name(instance.form.form_id),
        safe_file_name(instance.version),
        safe_file_name(filename, fallback="form.xlsx"),
    )


class FormVersion(models.Model):
    form = models.ForeignKey(Form, models.PROTECT, related_name="versions")
    version = models.CharField(_("version"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    xml = models.BinaryField(help_text="The exact XForm bytes served to ODK Collect.")
    xml_md5 = models.CharField(max_length=32)
    schema = models.JSONField(
        default=dict, help_text="The field schema derived from the XForm XML (xforms.schema)."
    )
    source_file = models.FileField(
        _("original file"), upload_to=_source_upload_to, max_length=300, blank=True
    )
    source_name = models.CharField(_("original file name"), max_length=255, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    validated = models.BooleanField(
        _("checked by ODK Validate"),
        default=False,
        help_text=_("False when Java was not available to run ODK Validate."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["form", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["form", "version"], name="form_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.form.form_id} v{self.version}"


def _media_upload_to(instance: FormMedia, filename: str) -> str:
    from server.core.storage import safe_file_name, storage_key

    version = instance.form_version
    return storage_key(
        "forms",
        safe_file_name(version.form.form_id),
        safe_file_name(version.version),
        "media",
        safe_file_name(instance.filename),
    )


class FormMedia(models.Model):
    """A static attachment a designer uploaded for a form version (image, audio, CSV),
    named exactly as the form references it (``jr://images/<filename>``)."""

    form_version = models.ForeignKey(FormVersion, models.CASCADE, related_name="media")
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to=_media_upload_to, max_length=300)
    md5 = models.CharField(max_length=32)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form media file")
        verbose_name_plural = _("form media files")
        constraints = [
            models.UniqueConstraint(fields=["form_version", "filename"], name="form_media_once"),
        ]

    def __str__(self) -> str:
        return self.filename


class FormPublication(models.Model):
    """A form offered in an area: the collectors of every grid below it get the form."""

    form = models.ForeignKey(Form, models.CASCADE, related_name="publications")
    area = models.ForeignKey(Area, models.CASCADE, related_name="form_publications")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form publication")
        verbose_name_plural = _("form publications")
        constraints = [
            models.UniqueConstraint(fields=["form", "area"], name="form_publication_once"),
        ]

    def __str__(self) -> str:
        return f"{self.form_id} → {self.area_id}"


class FormUploadStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Converting")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def _upload_to(instance: FormUpload, filename: str) -> str:
    from server.core.storage import safe_file_name, storage_key

    return storage_key("form-uploads", str(instance.pk), safe_file_name(filename, fallback="form"))


class FormUpload(models.Model):
    """A large form file converted in the background, with its status for the uploader.

    The uploaded bytes wait in ``file`` until the conversion ran (then they are removed; the
    version keeps its own copy). ``problems`` holds a failed conversion's problems (records,
    rendered per reader); ``error`` any other refusal as ``{"code", "params"}``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(upload_to=_upload_to, max_length=300, blank=True)
    file_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    status = models.CharField(
        max_length=16, choices=FormUploadStatus.choices, default=FormUploadStatus.QUEUED
    )
    problems = models.JSONField(default=list, blank=True)
    error = models.JSONField(default=dict, blank=True)
    version = models.ForeignKey(
        FormVersion, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_version = models.BooleanField(null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("form upload")
        verbose_name_plural = _("form uploads")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FormUploadStatus.values), name="form_upload_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
