"""Code lists of the register. The codes are the choice ``name``s of the shipped XLSForms
(DOMAIN §3.d), so a value written by a phone and a value imported from a department's
spreadsheet mean the same thing. Labels are English msgids translated to Chinese.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")


LEVEL_ORDER: tuple[str, ...] = (
    AreaLevel.DISTRICT,
    AreaLevel.STREET,
    AreaLevel.COMMUNITY,
    AreaLevel.GRID,
)
PARENT_LEVEL: dict[str, str | None] = {
    AreaLevel.DISTRICT: None,
    AreaLevel.STREET: AreaLevel.DISTRICT,
    AreaLevel.COMMUNITY: AreaLevel.STREET,
    AreaLevel.GRID: AreaLevel.COMMUNITY,
}


class CommunityType(models.TextChoices):
    BLOCK = "block", _("Neighbourhood community")
    UNIT = "unit", _("Work-unit community")


class GridLayer(models.TextChoices):
    SOCIAL_WORK = "social_work", _("Social-work grid")
    PARTY = "party", _("Party grid")
    URBAN_MANAGEMENT = "urban_mgmt", _("Urban-management grid")
    COMPREHENSIVE = "comprehensive", _("Comprehensive-governance grid")


class PropertyStatus(models.TextChoices):
    COMPANY = "company", _("Property company")
    UNIT = "unit", _("Managed by work unit")
    NONE = "none", _("No property management")
    UNKNOWN = "unknown", _("Unknown")


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("Resident with local hukou")
    HUKOU_SEPARATED = "hukou_sep", _("Living apart from hukou")
    RENTER = "renter", _("Renter")
    MIGRANT = "migrant", _("Migrant household")
    OTHER = "other", _("Other")


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MOVED_OUT = "moved_out", _("Moved out")
    VACANT = "vacant", _("Vacant")
    DEMOLISHED = "demolished", _("Demolished")


class ElderlyLiving(models.TextChoices):
    WITH_FAMILY = "with_family", _("Lives with children")
    EMPTY_NEST = "empty_nest", _("Empty nest")
    ALONE = "alone", _("Lives alone")
    CHILDLESS = "childless", _("Childless, no carer")


class SpecialPopulation(models.TextChoices):
    DIBAO = "dibao", _("Minimum-living-allowance household")
    DIBAO_EDGE = "dibao_edge", _("Near-dibao household")
    HARDSHIP = "hardship", _("Hardship household")
    ZERO_EMPLOYMENT = "zero_employment", _("Zero-employment family")
    UNEMPLOYED = "unemployed", _("Laid-off or unemployed member")
    DISABLED = "disabled", _("Person with disability")
    ELDERLY_80 = "elderly_80", _("Aged 80 or over")
    SERIOUS_ILL = "serious_ill", _("Serious or chronic illness")
    CHILDBEARING_WOMEN = "childbearing_women", _("Woman of childbearing age")
    CHILD_DIFFICULTY = "child_difficulty", _("Orphaned, disabled or vulnerable child")
    MIGRANT = "migrant", _("Migrant")
    RETIREE = "retiree", _("Retiree")
    VETERAN = "veteran", _("Veteran")
    PARTY_MEMBER = "party_member", _("Party member")


class Source(models.TextChoices):
    """Who asserted a register value (DOMAIN §2.2 provenance)."""

    VISIT = "visit", _("Household visit")
    IMPORT_POLICE = "import_police", _("Import: public security")
    IMPORT_FAMILY_PLANNING = "import_family_planning", _("Import: family planning")
    IMPORT_LABOUR = "import_labour", _("Import: labour")
    IMPORT_CIVIL_AFFAIRS = "import_civil_affairs", _("Import: civil affairs")
    IMPORT = "import", _("Import")
    MANUAL = "manual", _("Entered by staff")
    DEMO = "demo", _("Demo data")
