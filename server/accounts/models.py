"""People and their roles.

Every user has exactly one role. What a person may see is answered by one selector,
``server.accounts.selectors.scope_for``; nothing else decides it.

- administrator: everything, including people and settings;
- manager: the subtrees of the areas assigned to them (community, street or district level);
- designer: forms and their media; no household data;
- collector: the grids assigned to them (usually one), through ODK Collect.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.grids.models import Area


class Role(models.TextChoices):
    ADMINISTRATOR = "admin", _("Administrator")
    MANAGER = "manager", _("Manager")
    DESIGNER = "designer", _("Survey designer")
    COLLECTOR = "collector", _("Collector")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("zh-hans", "中文"), ("en", "English")],
        default="zh-hans",
    )
    areas = models.ManyToManyField(
        Area, through="AreaAssignment", related_name="assigned_users", blank=True
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_known"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_designer(self) -> bool:
        return self.role == Role.DESIGNER

    @property
    def is_collector(self) -> bool:
        return self.role == Role.COLLECTOR


class AreaAssignment(models.Model):
    """A manager's area (the root of a subtree they see) or a collector's grid."""

    user = models.ForeignKey(User, models.CASCADE, related_name="assignments")
    area = models.ForeignKey(Area, models.CASCADE, related_name="assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("area assignment")
        verbose_name_plural = _("area assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "area"], name="assignment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.area_id}"


class DigestCredential(models.Model):
    """The secret HTTP Digest needs (HA1 = md5(user:realm:password)), kept apart from the
    Django password hash and replaced whenever the password changes. Only collectors have
    one: Collect speaks Digest over plain http."""

    user = models.OneToOneField(User, models.CASCADE, related_name="digest_credential")
    realm = models.CharField(max_length=100)
    ha1 = models.CharField(max_length=32)
    # sha256 of the user's password hash when this secret was made: a password changed any
    # other way (``manage.py changepassword``, the admin) no longer matches, and the old
    # secret stops working at once (``collect_auth``), even before a new one is made.
    password_fingerprint = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("digest credential")
        verbose_name_plural = _("digest credentials")

    def __str__(self) -> str:
        return f"digest:{self.user_id}"


class CollectorToken(models.Model):
    """A collector's key for the token server URL ``<server>/key/<token>/`` (like ODK
    Central's app users), which the onboarding QR code carries so Collect needs no password.

    The token itself is never stored: it is ``key`` followed by an HMAC of the key with
    SECRET_KEY (``server.accounts.collector_tokens``), so a copy of the database alone
    cannot be turned into working URLs. Revoking keeps the row (who had access, when)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="collector_tokens")
    key = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("collector token")
        verbose_name_plural = _("collector tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="collector_token_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"token:{self.user_id}:{self.key[:4]}…"


class CollectorDevice(models.Model):
    """A phone a collector used, as ODK Collect names it (``deviceID``), with when it was
    first seen and when it last fetched forms and sent a submission. Written at most about
    once a minute per device (``server.accounts.collector_devices``)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="devices")
    device_id = models.CharField(_("device ID"), max_length=100, blank=True)
    user_agent = models.CharField(_("app and phone"), max_length=300, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"))
    last_seen_at = models.DateTimeField(_("last seen"))
    last_form_list_at = models.DateTimeField(_("last fetched forms"), null=True, blank=True)
    last_submission_at = models.DateTimeField(_("last sent a submission"), null=True, blank=True)

    class Meta:
        verbose_name = _("collector device")
        verbose_name_plural = _("collector devices")
        ordering = ["user", "-last_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "device_id"], name="collector_device_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.device_id or '?'}"


class AuditAction(models.TextChoices):
    HOUSEHOLD_VIEWED = "household_viewed", _("Viewed a household")
    USER_CREATED = "user_created", _("Created a person")
    USER_CHANGED = "user_changed", _("Changed a person's details or role")
    AREAS_ASSIGNED = "areas_assigned", _("Changed a person's areas")
    PASSWORD_SET = "password_set", _("Set a password")
    USER_DEACTIVATED = "user_deactivated", _("Deactivated a person")
    USER_REACTIVATED = "user_reactivated", _("Reactivated a person")
    TOKEN_ISSUED = "token_issued", _("Issued a collector's QR code key")
    TOKEN_REVOKED = "token_revoked", _("Revoked a collector's QR code key")
    REGISTER_IMPORTED = "register_imported", _("Imported a register file")
    FILE_DOWNLOADED = "file_downloaded", _("Downloaded a file")
    AUDIT_EXPORTED = "audit_exported", _("Downloaded the audit log")


class AuditEvent(models.Model):
    """One thing a person did that a district must be able to account for later: who saw
    which household's personal data, who changed whose role, areas or password, who
    downloaded what. Written explicitly by the service or selector doing it
    (``accounts.audit.audit_record``), never by signals; read by administrators only."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    actor_name = models.CharField(_("who"), max_length=150)  # kept if the account goes
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    target_type = models.CharField(_("object type"), max_length=32, blank=True)
    target = models.CharField(_("object"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["action", "-at"]),
            models.Index(fields=["target_type", "target"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AuditAction.values), name="audit_action_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target}"
