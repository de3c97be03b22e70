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
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("digest credential")
        verbose_name_plural = _("digest credentials")

    def __str__(self) -> str:
        return f"digest:{self.user_id}"
