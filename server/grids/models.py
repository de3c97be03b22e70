"""The register: areas (district > street > community > grid), compounds, buildings and
households (DOMAIN §2.1–2.2).

Identity is the code: every area, compound, building and household has a unique code, and
imports upsert by it. A household has no grid column of its own: its grid is its building's
grid, so the two can never disagree (moving a building moves its households with it).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.grids.choices import (
    AreaLevel,
    CommunityType,
    ElderlyLiving,
    GridLayer,
    HouseholdStatus,
    PropertyStatus,
    ResidenceType,
    Source,
    SpecialPopulation,
)

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$"
code_validator = RegexValidator(
    CODE_PATTERN,
    _(
        "A code uses letters, digits, '-', '_' and '.', starts with a letter or digit, "
        "and has at most 48 characters."
    ),
)


class Area(models.Model):
    """A node of the area tree. ``path`` is the chain of codes from the district down
    (``/D01/S01/C01/G01/``): a subtree is every area whose path starts with its root's."""

    code = models.CharField(_("code"), max_length=48, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent area"),
    )
    path = models.CharField(max_length=200, unique=True, editable=False)
    community_type = models.CharField(
        _("community type"), max_length=16, choices=CommunityType.choices, blank=True
    )
    grid_layer = models.CharField(
        _("grid layer"), max_length=16, choices=GridLayer.choices, blank=True
    )
    target_households = models.PositiveIntegerField(_("target households"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=AreaLevel.values), name="area_level_known"
            ),
            models.CheckConstraint(
                condition=Q(level=AreaLevel.DISTRICT, parent__isnull=True)
                | (~Q(level=AreaLevel.DISTRICT) & Q(parent__isnull=False)),
                name="area_only_districts_are_roots",
            ),
            models.CheckConstraint(
                condition=Q(level=AreaLevel.GRID) | Q(grid_layer=""),
                name="area_grid_layer_only_on_grids",
            ),
            models.CheckConstraint(
                condition=Q(level=AreaLevel.COMMUNITY) | Q(community_type=""),
                name="area_community_type_only_on_communities",
            ),
        ]
        indexes = [models.Index(fields=["level", "path"], name="area_level_path")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_grid(self) -> bool:
        return self.level == AreaLevel.GRID

    def contains(self, other: Area) -> bool:
        return other.path.startswith(self.path)


class Compound(models.Model):
    """A residential compound (小区) inside one community."""

    code = models.CharField(_("code"), max_length=48, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    community = models.ForeignKey(
        Area,
        models.PROTECT,
        related_name="compounds",
        verbose_name=_("community"),
        limit_choices_to={"level": AreaLevel.COMMUNITY},
    )
    property_status = models.CharField(
        _("property management"),
        max_length=16,
        choices=PropertyStatus.choices,
        default=PropertyStatus.UNKNOWN,
    )

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    """A building (楼栋) in one grid, optionally in a compound of that grid's community."""

    code = models.CharField(_("code"), max_length=48, unique=True, validators=[code_validator])
    label = models.CharField(_("label"), max_length=100)
    grid = models.ForeignKey(
        Area,
        models.PROTECT,
        related_name="buildings",
        verbose_name=_("grid"),
        limit_choices_to={"level": AreaLevel.GRID},
    )
    compound = models.ForeignKey(
        Compound,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="buildings",
        verbose_name=_("compound"),
    )
    unit_count = models.PositiveSmallIntegerField(_("units"), null=True, blank=True)
    floor_count = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    # The building head (楼栋长): a resident volunteer, the grid worker's contact in the
    # building (DOMAIN §2.6, identity block). Personal data, masked like a household head.
    head_name = models.CharField(_("building head"), max_length=64, blank=True)
    head_phone = models.CharField(_("building head's phone"), max_length=32, blank=True)
    # Register lists on the phones are remembered until a row they show changes
    # (xforms/register_cache.py): every write of a building must move this.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["code"]
        indexes = [models.Index(fields=["grid", "code"], name="building_grid_code")]

    def __str__(self) -> str:
        return self.label


class Household(models.Model):
    """A household (户). Personal fields (head's name, phone) never leave the server unmasked
    except to roles that need them; ``provenance`` records, per field, who asserted the value:
    ``{"head_name": {"source": "import_police", "at": "...", "verified_at": null}}``."""

    code = models.CharField(_("code"), max_length=48, unique=True, validators=[code_validator])
    building = models.ForeignKey(
        Building, models.PROTECT, related_name="households", verbose_name=_("building")
    )
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=16, blank=True)
    address_label = models.CharField(_("address"), max_length=200)
    head_name = models.CharField(_("head of household"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    residence_type = models.CharField(
        _("residence type"),
        max_length=16,
        choices=ResidenceType.choices,
        default=ResidenceType.REGISTERED,
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=HouseholdStatus.choices,
        default=HouseholdStatus.ACTIVE,
    )
    members_count = models.PositiveSmallIntegerField(_("members"), null=True, blank=True)
    elderly_60_count = models.PositiveSmallIntegerField(
        _("members aged 60+"), null=True, blank=True
    )
    elderly_80_count = models.PositiveSmallIntegerField(
        _("members aged 80+"), null=True, blank=True
    )
    elderly_living = models.CharField(
        _("elderly living arrangement"), max_length=16, choices=ElderlyLiving.choices, blank=True
    )
    housing_condition = models.CharField(_("housing condition"), max_length=32, blank=True)
    priority = models.BooleanField(
        _("priority household"),
        default=False,
        help_text=_("Priority households are visited every month."),
    )
    last_visit_at = models.DateTimeField(_("last visit"), null=True, blank=True)
    last_visit_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last visited by"),
    )
    notes = models.TextField(_("notes"), blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    provenance = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(residence_type__in=ResidenceType.values),
                name="household_residence_known",
            ),
            models.CheckConstraint(
                condition=Q(status__in=HouseholdStatus.values), name="household_status_known"
            ),
            models.CheckConstraint(
                condition=Q(elderly_60_count__isnull=True)
                | Q(members_count__isnull=True)
                | Q(elderly_60_count__lte=models.F("members_count")),
                name="household_elderly_within_members",
            ),
            models.CheckConstraint(
                condition=Q(elderly_80_count__isnull=True)
                | Q(elderly_60_count__isnull=True)
                | Q(elderly_80_count__lte=models.F("elderly_60_count")),
                name="household_80_within_60",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="household_coordinates_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["building", "unit", "room"], name="household_building_room"),
            models.Index(fields=["last_visit_at"], name="household_last_visit"),
        ]

    def __str__(self) -> str:
        return self.address_label


class HouseholdFlag(models.Model):
    """One special-population flag of a household (DOMAIN §1.7), with its provenance."""

    household = models.ForeignKey(Household, models.CASCADE, related_name="flags")
    flag = models.CharField(max_length=24, choices=SpecialPopulation.choices)
    source = models.CharField(max_length=32, choices=Source.choices, default=Source.MANUAL)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("special-population flag")
        verbose_name_plural = _("special-population flags")
        constraints = [
            models.UniqueConstraint(fields=["household", "flag"], name="household_flag_once"),
            models.CheckConstraint(
                condition=Q(flag__in=SpecialPopulation.values), name="household_flag_known"
            ),
        ]
        indexes = [models.Index(fields=["flag", "household"], name="householdflag_flag")]

    def __str__(self) -> str:
        return f"{self.household_id}:{self.flag}"


class FlagChange(models.Model):
    """A special-population flag given to or taken from a household, whatever wrote it (a
    visit, an import, a manager): the register keeps its current flags only, so the record's
    "change in the period" (DOMAIN §2.6) is read from here. ``grid`` is the household's grid
    at the time, so a record counts the change where it happened."""

    household = models.ForeignKey(Household, models.CASCADE, related_name="+")
    grid = models.ForeignKey(Area, models.PROTECT, related_name="+")
    flag = models.CharField(max_length=24)
    added = models.BooleanField(help_text="True: the flag was given; False: taken away.")
    source = models.CharField(max_length=32, choices=Source.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("special-population flag change")
        verbose_name_plural = _("special-population flag changes")
        indexes = [
            models.Index(fields=["grid", "at"], name="flagchange_grid_at"),
            models.Index(fields=["at"], include=["grid", "flag", "added"], name="flagchange_at"),
        ]

    def __str__(self) -> str:
        return f"{'+' if self.added else '-'}{self.flag} {self.household_id}"
