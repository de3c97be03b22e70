"""The needs board: which needs a person sees (their scope), the board's filters, and the
actions a need's status offers on the web (DOMAIN §2.3: assign, start, escalate, resolve,
close). The lifecycle itself — which step is allowed, what it changes, the audit event — is
``records``' ``need_transition``; the actions here only decide which buttons to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from server.accounts.models import Role, User
from server.accounts.selectors import Scope, users_in_scope
from server.grids.choices import AreaLevel
from server.grids.models import Area
from server.records.choices import ACTIVE_STATUSES, HandlingLevel, NeedStatus
from server.records.models import Need
from server.web.choice_labels import LABELS
from server.web.forms import Form

ACTIVE = "active"  # the board's default: every need still being worked on


@dataclass(frozen=True)
class Action:
    to: str  # the status asked for
    label: str | Promise
    needs_assignee: bool = False
    needs_level: bool = False
    note_required: bool = False


ASSIGN = Action(NeedStatus.ASSIGNED, _("Assign"), needs_assignee=True)
START = Action(NeedStatus.IN_PROGRESS, _("Start work"))
ESCALATE = Action(NeedStatus.ESCALATED, _("Escalate"), needs_level=True, note_required=True)
RESOLVE = Action(NeedStatus.RESOLVED, _("Resolve"), note_required=True)
CLOSE = Action(NeedStatus.CLOSED, _("Close"))
ACTIONS = {action.to: action for action in (ASSIGN, START, ESCALATE, RESOLVE, CLOSE)}

OFFERED: dict[str, tuple[Action, ...]] = {
    NeedStatus.OPEN: (ASSIGN, ESCALATE, RESOLVE),
    NeedStatus.REOPENED: (ASSIGN, ESCALATE, RESOLVE),
    NeedStatus.ASSIGNED: (START, ASSIGN, ESCALATE, RESOLVE),
    NeedStatus.IN_PROGRESS: (ESCALATE, RESOLVE, ASSIGN),
    NeedStatus.ESCALATED: (ASSIGN, RESOLVE),
    NeedStatus.RESOLVED: (CLOSE,),
    NeedStatus.FOLLOWED_UP: (CLOSE,),
    NeedStatus.CLOSED: (),
}
"""What the board offers for each status; the service has the last word (a need another
person moved meanwhile answers with a conflict, shown on the row)."""


def offered_actions(status: str) -> tuple[Action, ...]:
    return OFFERED.get(status, ())


def is_overdue(need: Need, now: datetime | None = None) -> bool:
    return need.status in ACTIVE_STATUSES and need.due_at < (now or timezone.now())


class NeedFilterForm(Form):
    area = forms.ChoiceField(label=_("Area"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(
        label=_("Search description or address"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args: Any, areas: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = {area.code: area for area in areas}
        area_field = cast(forms.ChoiceField, self.fields["area"])
        area_field.choices = [
            ("", _("All my areas")),
            *((area.code, f"{'· ' * _depth(area)}{area.name}") for area in areas),
        ]
        category_field = cast(forms.ChoiceField, self.fields["category"])
        category_field.choices = [("", _("All")), *LABELS["need_category"].items()]
        status_field = cast(forms.ChoiceField, self.fields["status"])
        status_field.choices = [
            (ACTIVE, _("Still being worked on")),
            ("", _("All")),
            *NeedStatus.choices,
        ]

    def cleaned(self) -> dict[str, Any]:
        """The valid filters (an invalid value filters nothing); the status defaults to the
        needs still being worked on."""
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        if "status" not in self.data:
            data["status"] = ACTIVE
        return data


def _depth(area: Area) -> int:
    return max(0, area.path.count("/") - 2)


def board_areas(scope: Scope) -> list[Area]:
    """The areas the board can be narrowed to: the person's visible areas from the
    communities down (a district has few; a street's grids are at most a few hundred)."""
    return list(
        scope.areas()
        .filter(is_active=True, level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID])
        .order_by("path")
    )


def board_needs(
    *, scope: Scope, filters: dict[str, Any], areas: dict[str, Area], now: datetime | None = None
) -> QuerySet[Need]:
    """The needs matching the board's filters, overdue first, then by due date."""
    now = now or timezone.now()
    needs = scope.filter_by_grid(Need.objects.filter(withdrawn=False), "grid")
    area = areas.get(filters.get("area") or "")
    if area is not None:
        needs = needs.filter(grid__path__startswith=area.path)
    if filters.get("category"):
        needs = needs.filter(category=filters["category"])
    status = filters.get("status")
    if status == ACTIVE:
        needs = needs.filter(status__in=ACTIVE_STATUSES)
    elif status:
        needs = needs.filter(status=status)
    if filters.get("overdue"):
        needs = needs.filter(status__in=ACTIVE_STATUSES, due_at__lt=now)
    if filters.get("q"):
        text = filters["q"].strip()
        needs = needs.filter(
            Q(description__icontains=text) | Q(household__address_label__icontains=text)
        )
    return needs.select_related("grid", "household", "assignee").order_by("due_at", "pk")


def assignable_people(scope: Scope) -> list[User]:
    """Whom a need can be given to: the active collectors and managers of the scope."""
    return list(
        users_in_scope(scope)
        .filter(is_active=True, role__in=[Role.COLLECTOR, Role.MANAGER])
        .order_by("role", "username")
    )


class TransitionForm(Form):
    """One step asked for on the board; the service checks it against the need's state."""

    to = forms.ChoiceField(choices=[(key, action.label) for key, action in ACTIONS.items()])
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea)
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none(), required=False
    )
    handling_level = forms.ChoiceField(
        label=_("Escalate to"), required=False, choices=[("", "—"), *HandlingLevel.choices]
    )
    department = forms.CharField(label=_("Department"), required=False, max_length=48)

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = ACTIONS.get(data.get("to", ""))
        if action is None:
            return data
        if action.needs_assignee and not data.get("assignee"):
            self.add_error("assignee", _("Choose whom to assign the need to."))
        if action.needs_level and not data.get("handling_level"):
            self.add_error("handling_level", _("Choose where the need goes."))
        if action.note_required and not (data.get("note") or "").strip():
            self.add_error("note", _("Write a note: what was done, or why."))
        return data

    @property
    def action(self) -> Action:
        return ACTIONS[self.cleaned_data["to"]]
