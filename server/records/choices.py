"""Code lists of the records. Values that arrive from the phone are the choice ``name``s of the
shipped XLSForms (forms/README.md, choice-value contract); the rest are the server's own."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NeedStatus(models.TextChoices):
    """DOMAIN §2.3. A need resolved on the spot is ``resolved`` with ``on_spot`` set."""

    OPEN = "open", pgettext_lazy("need status", "Open")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")
    FOLLOWED_UP = "followed_up", _("Followed up")
    CLOSED = "closed", pgettext_lazy("need status", "Closed")
    REOPENED = "reopened", _("Reopened")


# Statuses in which the need is still being worked on (it can be overdue).
ACTIVE_STATUSES = frozenset(
    {
        NeedStatus.OPEN,
        NeedStatus.ASSIGNED,
        NeedStatus.IN_PROGRESS,
        NeedStatus.ESCALATED,
        NeedStatus.REOPENED,
    }
)
DONE_STATUSES = frozenset({NeedStatus.RESOLVED, NeedStatus.FOLLOWED_UP, NeedStatus.CLOSED})


class Urgency(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    SOON = "soon", _("Soon")
    NORMAL = "normal", _("Normal")


class HandlingLevel(models.TextChoices):
    """Who handles a need: the form's ``handling`` values plus the escalation chain."""

    GRID = "grid", _("Grid worker")
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    DISTRICT_PLATFORM = "district_platform", _("District platform")
    DEPARTMENT = "department", _("Department")
    VOLUNTEER = "volunteer", _("Volunteers")


class NeedSource(models.TextChoices):
    VISIT = "visit", _("Household visit")
    WALK_IN = "walk_in", _("Walk-in")
    HOTLINE = "hotline", _("Hotline")
    NEEDS_SURVEY = "needs_survey", _("Needs survey")


class EventSource(models.TextChoices):
    FIELD = "field", _("Phone")
    WEB = "web", _("Web")
    API = "api", _("API")
    SYSTEM = "system", _("System")


class EventKind(models.TextChoices):
    """What an event does; ``to_status`` is the status it asks for."""

    RAISED = "raised", _("Raised")
    ASSIGN = "assign", _("Assigned")
    START = "start", _("Work started")
    ESCALATE = "escalate", _("Escalated")
    RESOLVE = "resolve", _("Resolved")
    FOLLOW_UP = "follow_up", _("Followed up")
    CLOSE = "close", pgettext_lazy("need status", "Closed")
    REOPEN = "reopen", _("Reopened")
    NOTE = "note", _("Note")


class FollowUpOutcome(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class ChangeKind(models.TextChoices):
    """A register change proposed by a visit (forms/README.md, hh_visit contract)."""

    NEW_HOUSEHOLD = "new_household", _("New household")
    FLAGS = "flags", _("Special-population flags")
    DETAILS = "details", _("Household details")
    STATUS = "status", _("Household status")


class ChangeState(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", pgettext_lazy("register change", "Rejected")
    SUPERSEDED = "superseded", _("Replaced by an edit")


class CollectorRole(models.TextChoices):
    OWN_WORKER = "own_worker", _("The grid's own worker")
    OTHER_WORKER = "other_worker", _("Another worker")
    STREET_OR_THIRD_PARTY = "street_or_third_party", _("Street or third party")
    RESIDENT_SELF = "resident_self", _("Resident, self-completed")


SATISFACTION_DIMENSIONS: tuple[str, ...] = (
    "attitude",
    "efficiency",
    "eldercare",
    "employment",
    "assistance",
    "health",
    "culture",
    "environment",
    "security",
    "property",
    "mediation",
    "openness",
    "convenience",
    "overall",
)
