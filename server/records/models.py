"""Records projected from the submissions of the three shipped forms (forms/README.md field
contract; DOMAIN §2.3–2.5): visits, needs and their lifecycle events, follow-ups (回访),
satisfaction responses with per-dimension scores, needs-survey responses, and the register
changes a visit proposes.

Identity: every projected row is keyed by the *logical* submission (``root_instance_id``, shared
by all edits of one submission), so a resubmission, a task retry, an edit or a rebuild writes
the same row again instead of adding one. A need's key is ``<root instanceID>#<position>``
(1-based position in the ``needs`` repeat).

A need's lifecycle columns (status, assignee, due, resolved, follow-up figures) are derived
from its events (``NeedEvent``), in order: see ``records.lifecycle``. Events from the phone are
rewritten by the projection; events from the web or the API are never touched by it.

Rows that the per-grid record filters on carry their grid and date (denormalised from the
visit or response) so that a grid's period is one index range.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from server.grids.models import Area, Building, Household
from server.records.choices import (
    ChangeKind,
    ChangeState,
    EventKind,
    EventSource,
    FollowUpOutcome,
    HandlingLevel,
    NeedSource,
    NeedStatus,
    Urgency,
)
from server.submissions.models import Submission


class Visit(models.Model):
    """One household visit (入户走访): the current version of one ``hh_visit`` submission."""

    root_instance_id = models.CharField(max_length=255, unique=True)
    submission = models.OneToOneField(Submission, models.CASCADE, related_name="visit")
    grid = models.ForeignKey(Area, models.PROTECT, related_name="visits", verbose_name=_("grid"))
    building = models.ForeignKey(
        Building, models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    household = models.ForeignKey(
        Household,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("household"),
    )
    household_code = models.CharField(
        max_length=48, blank=True, help_text="As submitted (a code, or _new)."
    )
    new_address = models.CharField(_("new address"), max_length=200, blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("worker"),
    )
    visit_type = models.CharField(_("visit type"), max_length=32, blank=True)
    result = models.CharField(_("result"), max_length=32, blank=True)
    met_whom = models.CharField(_("person met"), max_length=32, blank=True)
    visited_at = models.DateTimeField(_("visited"), help_text="Start of the form, else receipt.")
    visit_slot = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="(ISO weekday - 1) * 24 + hour of visited_at in local time: the record's "
        "visits by weekday and hour read this column, not a time-zone conversion per row.",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    altitude = models.FloatField(null=True, blank=True)
    gps_accuracy = models.FloatField(_("GPS accuracy (m)"), null=True, blank=True)
    # Household snapshot as seen on this visit (the register itself changes via RegisterChange).
    residence_type = models.CharField(max_length=16, blank=True)
    members_total = models.PositiveSmallIntegerField(null=True, blank=True)
    members_changed = models.BooleanField(null=True, blank=True)
    members_change_note = models.TextField(blank=True)
    elderly_60 = models.PositiveSmallIntegerField(null=True, blank=True)
    elderly_living = models.CharField(max_length=16, blank=True)
    special_flags = models.JSONField(default=list, blank=True)
    disability_types = models.JSONField(default=list, blank=True)
    unemployed_count = models.PositiveSmallIntegerField(null=True, blank=True)
    hardship_note = models.TextField(blank=True)
    housing_condition = models.CharField(max_length=16, blank=True)
    hazards = models.JSONField(default=list, blank=True)
    env_issues = models.JSONField(default=list, blank=True)
    services = models.JSONField(_("services delivered"), default=list, blank=True)
    opinions = models.TextField(_("opinions"), blank=True)
    diary = models.TextField(_("diary"), blank=True)
    next_visit = models.DateField(_("next visit"), null=True, blank=True)
    photo_names = models.JSONField(
        default=list, blank=True, help_text="Attachment names of the door and hazard photos."
    )
    photo_count = models.PositiveSmallIntegerField(
        default=0, help_text="Photos the submission names (door, hazard and need photos)."
    )
    need_count = models.PositiveSmallIntegerField(default=0)
    projected_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at"]
        indexes = [
            models.Index(fields=["grid", "visited_at"], name="visit_grid_date"),
            models.Index(fields=["household", "visited_at"], name="visit_household_date"),
            models.Index(fields=["worker", "visited_at"], name="visit_worker_date"),
            # records-read: a street's or district's record reads a period's visits from this
            # index alone (PostgreSQL index-only scan; SQLite ignores ``include``).
            models.Index(
                fields=["visited_at"],
                include=[
                    "grid",
                    "household",
                    "visit_type",
                    "result",
                    "duration_seconds",
                    "photo_count",
                    "visit_slot",
                ],
                name="visit_date_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_code or self.new_address} {self.visited_at:%Y-%m-%d}"


class VisitItem(models.Model):
    """One value of a visit's multi-selects (services, hazards, environment issues, flags,
    disability types), with the visit's grid and date: the per-grid record counts these by
    ``GROUP BY kind, value`` over an index range."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service delivered")
        HAZARD = "hazard", _("Hazard")
        ENV = "env", _("Environment issue")
        FLAG = "flag", _("Special-population flag")
        DISABILITY = "disability", _("Disability type")

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="items")
    grid = models.ForeignKey(Area, models.PROTECT, related_name="+")
    visited_at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=48)
    # Hazard cases (records/hazard_cases.py, refolded from the household's visits): a hazard
    # item opens a case when the household's previous met visit did not name it; the case
    # is cleared by the first later met visit that does not name it.
    opens_case = models.BooleanField(default=False)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "kind", "value"], name="visititem_once"),
        ]
        indexes = [
            models.Index(fields=["grid", "visited_at", "kind"], name="visititem_grid_date"),
            models.Index(  # records-read: see Visit.visit_date_cover
                fields=["visited_at"],
                include=["grid", "kind", "value"],
                name="visititem_date_cover",
            ),
            # records-read: the hazard cases opened in a period (a small share of the items)
            models.Index(
                fields=["visited_at"],
                include=["grid", "value", "cleared_at"],
                condition=Q(kind="hazard", opens_case=True),
                name="visititem_hazard_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class Need(models.Model):
    """A resident's need (诉求), DOMAIN §2.3: one instance of the visit's ``needs`` repeat.

    The columns below ``status`` are derived from the events (``records.lifecycle.fold``)."""

    key = models.CharField(max_length=270, unique=True, help_text="<root instanceID>#<position>")
    source = models.CharField(
        _("source"), max_length=16, choices=NeedSource.choices, default=NeedSource.VISIT
    )
    visit = models.ForeignKey(Visit, models.SET_NULL, null=True, blank=True, related_name="needs")
    submission = models.ForeignKey(
        Submission,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        help_text="The submission version that last wrote this need.",
    )
    position = models.PositiveSmallIntegerField(default=1)
    grid = models.ForeignKey(Area, models.PROTECT, related_name="needs", verbose_name=_("grid"))
    household = models.ForeignKey(
        Household,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("household"),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    category = models.CharField(_("category"), max_length=48)
    description = models.TextField(_("description"), blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    handling = models.CharField(
        max_length=16, blank=True, help_text="The form's handling answer (on_spot, community, ...)."
    )
    photo_name = models.CharField(max_length=255, blank=True)
    on_spot = models.BooleanField(_("resolved on the spot"), default=False)
    raised_at = models.DateTimeField(_("raised"))
    withdrawn = models.BooleanField(
        default=False,
        help_text="An edit of the visit removed this need after staff had acted on it.",
    )
    # Derived from the events.
    status = models.CharField(
        _("status"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    handling_level = models.CharField(
        _("handling level"), max_length=20, choices=HandlingLevel.choices, blank=True
    )
    department = models.CharField(_("department"), max_length=48, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_needs",
        verbose_name=_("assignee"),
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("due"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution_note = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalation_count = models.PositiveSmallIntegerField(default=0)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    followup_count = models.PositiveSmallIntegerField(default=0)
    last_followup_at = models.DateTimeField(null=True, blank=True)
    followup_outcome = models.CharField(max_length=16, choices=FollowUpOutcome.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NeedStatus.values), name="need_status_known"
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values), name="need_urgency_known"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="need_position_positive"),
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("raised_at")), name="need_due_after_raised"
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "raised_at"], name="need_grid_raised"),
            models.Index(fields=["grid", "status"], name="need_grid_status"),
            models.Index(fields=["status", "due_at"], name="need_status_due"),
            models.Index(fields=["assignee", "status"], name="need_assignee_status"),
            models.Index(fields=["household", "raised_at"], name="need_household_raised"),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.description[:40]}"


class NeedEvent(models.Model):
    """One step of a need's life: who asked for which status, when, with a note.

    ``from_status`` and ``applied`` are filled by the fold: a follow-up from the phone for a
    need that is not (yet) resolved is kept but changes nothing."""

    need = models.ForeignKey(Need, models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    from_status = models.CharField(max_length=16, choices=NeedStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=NeedStatus.choices)
    applied = models.BooleanField(default=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    source = models.CharField(max_length=8, choices=EventSource.choices)
    note = models.TextField(_("note"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handling_level = models.CharField(max_length=20, choices=HandlingLevel.choices, blank=True)
    department = models.CharField(max_length=48, blank=True)
    submission = models.ForeignKey(
        Submission,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="need_events",
        help_text="The phone submission this event comes from (source field).",
    )
    followup = models.ForeignKey(
        "FollowUp", models.CASCADE, null=True, blank=True, related_name="events"
    )

    class Meta:
        verbose_name = _("need event")
        verbose_name_plural = _("need events")
        ordering = ["need", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=EventSource.values), name="needevent_source_known"
            ),
            models.CheckConstraint(
                condition=Q(source=EventSource.FIELD, submission__isnull=False)
                | ~Q(source=EventSource.FIELD),
                name="needevent_field_has_submission",
            ),
            models.UniqueConstraint(
                fields=["need", "submission", "kind"],
                condition=Q(submission__isnull=False),
                name="needevent_once_per_submission",
            ),
        ]
        indexes = [
            models.Index(fields=["need", "at"], name="needevent_need_at"),
            models.Index(fields=["at"], name="needevent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.need_id}: {self.from_status}->{self.to_status}"


class FollowUp(models.Model):
    """A 回访 from the satisfaction form's follow-up block. ``need`` is empty when the phone
    named no known need (``_other``, anonymous, or a need unknown to the server): a manager
    links it later."""

    root_instance_id = models.CharField(max_length=255, unique=True)
    submission = models.OneToOneField(Submission, models.CASCADE, related_name="followup")
    need = models.ForeignKey(Need, models.SET_NULL, null=True, blank=True, related_name="followups")
    need_key = models.CharField(max_length=270, blank=True, help_text="As submitted.")
    need_text = models.TextField(blank=True)
    grid = models.ForeignKey(Area, models.PROTECT, related_name="followups")
    household = models.ForeignKey(
        Household, models.SET_NULL, null=True, blank=True, related_name="followups"
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    resolved_status = models.CharField(max_length=16, blank=True)
    timeliness = models.CharField(max_length=16, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=FollowUpOutcome.choices, blank=True
    )
    dissat_reasons = models.JSONField(default=list, blank=True)
    reopen = models.BooleanField(default=False, help_text="The need is to be reopened.")

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=FollowUpOutcome.values),
                name="followup_outcome_known",
            ),
        ]
        indexes = [models.Index(fields=["grid", "at"], name="followup_grid_at")]

    def __str__(self) -> str:
        return f"{self.need_key or self.need_text[:30]}: {self.outcome}"


class SatisfactionResponse(models.Model):
    """One ``satisfaction`` questionnaire (DOMAIN §2.5). ``in_index`` is false for a phone
    follow-up call (``survey_mode = phone_followup``), which is not rated."""

    root_instance_id = models.CharField(max_length=255, unique=True)
    submission = models.OneToOneField(Submission, models.CASCADE, related_name="satisfaction")
    grid = models.ForeignKey(Area, models.PROTECT, related_name="satisfaction_responses")
    household = models.ForeignKey(
        Household, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    anonymous = models.BooleanField(default=False)
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    collector_role = models.CharField(max_length=24, blank=True)
    survey_mode = models.CharField(max_length=24, blank=True)
    in_index = models.BooleanField(default=True)
    responded_at = models.DateTimeField()
    resp_sex = models.CharField(max_length=16, blank=True)
    resp_age = models.CharField(max_length=16, blank=True)
    years_lived = models.CharField(max_length=16, blank=True)
    know_worker = models.CharField(max_length=24, blank=True)
    visit_freq = models.CharField(max_length=24, blank=True)
    overall = models.PositiveSmallIntegerField(null=True, blank=True)
    trend = models.CharField(max_length=16, blank=True)
    best = models.TextField(blank=True)
    improve = models.TextField(blank=True)
    comments = models.TextField(blank=True)

    class Meta:
        verbose_name = _("satisfaction response")
        verbose_name_plural = _("satisfaction responses")
        ordering = ["-responded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__isnull=True) | Q(overall__gte=1, overall__lte=5),
                name="satisfaction_overall_range",
            ),
        ]
        indexes = [models.Index(fields=["grid", "responded_at"], name="satisfaction_grid_at")]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.responded_at:%Y-%m-%d}"


class SatisfactionScore(models.Model):
    """One dimension's answer: 1–5, or empty for ``na`` (不了解). Grid, date, index membership
    and collector role are copied from the response for the per-grid aggregation."""

    response = models.ForeignKey(SatisfactionResponse, models.CASCADE, related_name="scores")
    dimension = models.CharField(max_length=24)
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty = n/a.")
    grid = models.ForeignKey(Area, models.PROTECT, related_name="+")
    responded_at = models.DateTimeField()
    in_index = models.BooleanField(default=True)
    collector_role = models.CharField(max_length=24, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "dimension"], name="satisfactionscore_once"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="satisfactionscore_range",
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "responded_at", "dimension"], name="satscore_grid_at"),
            models.Index(  # records-read: see Visit.visit_date_cover
                fields=["responded_at"],
                include=["grid", "dimension", "score", "in_index", "collector_role"],
                name="satscore_date_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}={self.score}"


class NeedsSurveyResponse(models.Model):
    """One ``needs_survey`` questionnaire (DOMAIN §2.5). The detail tables (eldercare items,
    ...) stay in ``details``; what the per-grid record ranks has its own columns."""

    root_instance_id = models.CharField(max_length=255, unique=True)
    submission = models.OneToOneField(Submission, models.CASCADE, related_name="needs_survey")
    grid = models.ForeignKey(Area, models.PROTECT, related_name="needs_survey_responses")
    household = models.ForeignKey(
        Household, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    anonymous = models.BooleanField(default=False)
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField()
    survey_mode = models.CharField(max_length=24, blank=True)
    consent = models.BooleanField(default=True)
    services_wanted = models.JSONField(default=list, blank=True)
    top1 = models.CharField(max_length=48, blank=True)
    top2 = models.CharField(max_length=48, blank=True)
    top3 = models.CharField(max_length=48, blank=True)
    pay_willing = models.CharField(max_length=24, blank=True)
    volunteer = models.CharField(max_length=24, blank=True)
    volunteer_areas = models.JSONField(default=list, blank=True)
    volunteer_hours = models.CharField(max_length=24, blank=True)
    callback_ok = models.BooleanField(null=True, blank=True)
    top_problem = models.TextField(blank=True)
    suggestion = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("needs-survey response")
        verbose_name_plural = _("needs-survey responses")
        ordering = ["-responded_at"]
        indexes = [models.Index(fields=["grid", "responded_at"], name="needssurvey_grid_at")]

    def __str__(self) -> str:
        return f"{self.grid_id} {self.responded_at:%Y-%m-%d}"


class RegisterChange(models.Model):
    """A change to the register proposed by a visit: a new household (``_new``), its flags,
    its details (members, residence type, elderly, housing, phone) or its status (moved out,
    vacant, demolished). Applied at once or after a manager's approval, per
    ``RECORDS_REGISTER_APPROVAL``. One change per kind per submission version."""

    kind = models.CharField(_("kind"), max_length=16, choices=ChangeKind.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=ChangeState.choices, default=ChangeState.PENDING
    )
    grid = models.ForeignKey(Area, models.PROTECT, related_name="register_changes")
    building = models.ForeignKey(Building, models.SET_NULL, null=True, blank=True, related_name="+")
    household = models.ForeignKey(
        Household,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="register_changes",
        help_text="Empty for a new household until it is approved.",
    )
    payload = models.JSONField(default=dict, help_text="The proposed values.")
    previous = models.JSONField(
        default=dict, blank=True, help_text="The register values when the change was applied."
    )
    submission = models.ForeignKey(Submission, models.CASCADE, related_name="register_changes")
    visit = models.ForeignKey(
        Visit, models.SET_NULL, null=True, blank=True, related_name="register_changes"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("register change")
        verbose_name_plural = _("register changes")
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind"], name="registerchange_once_per_submission"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ChangeKind.values), name="registerchange_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ChangeState.values), name="registerchange_state_known"
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(kind=ChangeKind.NEW_HOUSEHOLD),
                name="registerchange_household_unless_new",
            ),
            models.CheckConstraint(
                condition=Q(state=ChangeState.PENDING) | Q(decided_at__isnull=False),
                name="registerchange_decided_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["grid", "state", "proposed_at"], name="registerchange_grid"),
            models.Index(fields=["state", "proposed_at"], name="registerchange_state"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.state}"
