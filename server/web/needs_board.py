"""The needs board: which needs a person sees (their scope), the board's filters, and the
steps a need's status offers on the web (DOMAIN §2.3: assign, start, escalate, resolve,
close). The lifecycle itself — which step is allowed (``records.lifecycle``), what it changes,
the audit event — is ``records.needs.need_transition``; this only decides what to offer.
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
from server.records.lifecycle import allowed
from server.records.models import Need
from server.records.reads import NeedQuery, needs_list
from server.web.choice_labels import LABELS
from server.web.forms import Form

ACTIVE = "active"  # the board's default: every need still being worked on


@dataclass(frozen=True)
class Action:
    to: str  # the status asked for
    label: str | Promise


ACTIONS = {
    NeedStatus.ASSIGNED: Action(NeedStatus.ASSIGNED, _("Assign")),
    NeedStatus.IN_PROGRESS: Action(NeedStatus.IN_PROGRESS, _("Start work")),
    NeedStatus.ESCALATED: Action(NeedStatus.ESCALATED, _("Escalate")),
    NeedStatus.RESOLVED: Action(NeedStatus.RESOLVED, _("Resolve")),
    NeedStatus.CLOSED: Action(NeedStatus.CLOSED, _("Close")),
}
"""The steps a manager takes on the web, in the order the board offers them (a follow-up
and a reopening come from the phone's satisfaction form)."""


def offered_actions(status: str) -> tuple[Action, ...]:
    """The steps the lifecycle allows from ``status``. The service has the last word: a need
    someone else moved meanwhile answers with a conflict, shown on the row."""
    return tuple(action for to, action in ACTIONS.items() if allowed(status, to))


def is_overdue(need: Need, now: datetime | None = None) -> bool:
    return need.status in ACTIVE_STATUSES and need.due_at < (now or timezone.now())


class NeedFilterForm(Form):
    area = forms.ChoiceField(label=_("Area"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, initial=ACTIVE)
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
    """The needs matching the board's filters (``records.reads.needs_list``, plus "still
    being worked on" and a text search), the most pressing first: by due date."""
    status = filters.get("status") or ""
    needs = needs_list(
        scope=scope,
        query=NeedQuery(
            area=areas.get(filters.get("area") or ""),
            category=filters.get("category") or "",
            status="" if status == ACTIVE else status,
            overdue=True if filters.get("overdue") else None,
        ),
        now=now,
    )
    if status == ACTIVE:
        needs = needs.filter(status__in=ACTIVE_STATUSES)
    text = (filters.get("q") or "").strip()
    if text:
        needs = needs.filter(
            Q(description__icontains=text) | Q(household__address_label__icontains=text)
        )
    return needs.order_by("due_at", "pk")


def assignable_people(scope: Scope) -> list[User]:
    """Whom a need can be given to: the active collectors and managers of the scope."""
    return list(
        users_in_scope(scope)
        .filter(is_active=True, role__in=[Role.COLLECTOR, Role.MANAGER])
        .order_by("role", "username")
    )


class TransitionForm(Form):
    """One step asked for on the board. Whether it is allowed, and what it needs (a note to
    resolve, a level to escalate, a person of the grid to assign), is the service's to say."""

    to = forms.ChoiceField(choices=[(key, action.label) for key, action in ACTIONS.items()])
    seen = forms.ChoiceField(choices=NeedStatus.choices)  # the status the person acted on
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

    @property
    def action(self) -> Action:
        return ACTIONS[self.cleaned_data["to"]]
