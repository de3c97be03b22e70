"""Submissions as ODK Collect sent them: the exact XML, its data as JSON, who sent it from
which phone, and each attachment it names, stored through the media storage.

Identity is (form, instanceID), enforced by the database. An edit (``meta/deprecatedID``) is a
new row with its own instanceID that ``supersedes`` the older one; both are kept, and exactly
one version of each logical submission (same ``root_instance_id``) is current.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.grids.models import Area
from server.xforms.models import Form, FormVersion


class ReviewState(models.TextChoices):
    RECEIVED = "received", _("Received")
    HAS_ISSUES = "has_issues", _("Has issues")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Submission(models.Model):
    form = models.ForeignKey(Form, models.PROTECT, related_name="submissions")
    form_version = models.ForeignKey(FormVersion, models.PROTECT, related_name="submissions")
    instance_id = models.CharField(_("instance ID"), max_length=255)
    root_instance_id = models.CharField(
        max_length=255, help_text="The instanceID of the first version (edits share it)."
    )
    deprecated_id = models.CharField(max_length=255, blank=True)
    supersedes = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    is_current = models.BooleanField(default=True)
    instance_name = models.CharField(_("instance name"), max_length=255, blank=True)
    xml = models.BinaryField(help_text="The submission XML exactly as received.")
    xml_md5 = models.CharField(max_length=32)
    data = models.JSONField(default=dict, help_text="The instance as JSON (submissions.parsing).")
    encrypted = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        related_name="submissions",
        verbose_name=_("submitted by"),
    )
    device_id = models.CharField(_("device ID"), max_length=100, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("finished"), null=True, blank=True)
    grid = models.ForeignKey(
        Area, models.PROTECT, null=True, blank=True, related_name="submissions"
    )
    attachments_expected = models.PositiveIntegerField(default=0)
    attachments_present = models.PositiveIntegerField(default=0)
    review_state = models.CharField(
        _("review state"),
        max_length=16,
        choices=ReviewState.choices,
        default=ReviewState.RECEIVED,
    )
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["form", "instance_id"], name="submission_once"),
            models.UniqueConstraint(
                fields=["form", "root_instance_id"],
                condition=Q(is_current=True),
                name="submission_one_current_version",
            ),
            models.CheckConstraint(
                condition=Q(review_state__in=ReviewState.values),
                name="submission_review_state_known",
            ),
            models.CheckConstraint(
                condition=Q(attachments_present__lte=models.F("attachments_expected")),
                name="submission_attachments_counted",
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "received_at"], name="submission_grid_received"),
            models.Index(fields=["form", "received_at"], name="submission_form_received"),
            models.Index(fields=["submitted_by", "received_at"], name="submission_user_received"),
            # The submissions list: newest first, one page at a time (submissions.browse).
            models.Index(fields=["-received_at", "-id"], name="submission_newest"),
            # Every version of one logical submission (a submission's page).
            models.Index(fields=["form", "root_instance_id"], name="submission_versions"),
        ]

    def __str__(self) -> str:
        return f"{self.form_id}:{self.instance_id}"

    @property
    def is_complete(self) -> bool:
        """Every attachment the XML names has arrived."""
        return self.attachments_present >= self.attachments_expected


class Attachment(models.Model):
    """A file the submission XML names, present once its bytes are stored."""

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="attachments")
    name = models.CharField(_("file name"), max_length=255, help_text="As named in the XML.")
    field_path = models.CharField(max_length=255, blank=True)
    present = models.BooleanField(default=False)
    file = models.FileField(upload_to="submissions", max_length=400, blank=True)
    md5 = models.CharField(max_length=32, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    is_image = models.BooleanField(default=False)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail = models.FileField(upload_to="submissions", max_length=400, blank=True)
    # Set by the background task when a photo that passed the structural check on receipt
    # does not decode (server.submissions.images): the file is kept, but has no thumbnail.
    damaged = models.BooleanField(_("damaged"), default=False)
    received_at = models.DateTimeField(null=True, blank=True)
    # The file was removed by the photo retention (``manage.py prune``): it did arrive.
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["submission", "name"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "name"], name="attachment_once"),
            models.CheckConstraint(
                condition=Q(present=False) | ~Q(file="") | Q(removed_at__isnull=False),
                name="attachment_present_has_file",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SubmissionComment(models.Model):
    """A manager's note on a submission, optionally setting its review state."""

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), blank=True)
    review_state = models.CharField(
        max_length=16, choices=ReviewState.choices, blank=True, help_text="Set by this comment."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("submission comment")
        verbose_name_plural = _("submission comments")
        ordering = ["submission", "created_at"]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.author_id}"
