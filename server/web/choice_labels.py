"""Labels for the codes a record counts (need statuses and categories, satisfaction
dimensions, visit types and results, follow-up answers), in the reader's language.

Statuses and the server's own codes are the records app's TextChoices. Codes that arrive from
the phone (categories, dimensions, visit types and results) are the choice names of the
shipped XLSForms (DOMAIN §3d); their labels are repeated here as translatable strings for the
pages. A code this module does not know (a newer form's) is shown as it is, never an error.
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from server.records.choices import (
    ChangeKind,
    ChangeState,
    EventKind,
    FollowUpOutcome,
    HandlingLevel,
    NeedSource,
    NeedStatus,
    Urgency,
)

CHOICES: dict[str, type[TextChoices]] = {
    "need_status": NeedStatus,
    "urgency": Urgency,
    "handling_level": HandlingLevel,
    "followup": FollowUpOutcome,
    "need_source": NeedSource,
    "event_kind": EventKind,
    "change_kind": ChangeKind,
    "change_state": ChangeState,
}

LABELS: dict[str, dict[str, Promise]] = {
    "need_category": {
        "eldercare": _("Elderly care"),
        "employment": _("Employment assistance"),
        "assistance": _("Dibao & social assistance"),
        "social_insurance": _("Pension / medical insurance procedures"),
        "health": _("Health care"),
        "disability": _("Disability support"),
        "family_planning": _("Family-planning services"),
        "housing": _("Housing & repairs"),
        "environment": _("Environment & sanitation"),
        "security": _("Public security"),
        "dispute": _("Dispute mediation"),
        "property_mgmt": _("Property management"),
        "infrastructure": _("Infrastructure (roads, lights, old estates)"),
        "culture_sport": _("Culture & sport"),
        "legal": _("Legal advice / aid"),
        "documents": _("Certificates & paperwork"),
        "convenience": _("Housekeeping & convenience services"),
        "youth": _("Children & youth"),
        "relocation": _("Demolition & relocation"),
        "other": _("Other"),
    },
    "dimension": {
        "attitude": _("Staff attitude"),
        "efficiency": _("Efficiency and timeliness"),
        "eldercare": _("Elderly care"),
        "employment": _("Employment services"),
        "assistance": _("Minimum-living allowance and hardship support"),
        "health": _("Community health services"),
        "culture": _("Cultural / sports activities and facilities"),
        "environment": _("Environment and sanitation"),
        "security": _("Public security"),
        "property": _("Property management"),
        "mediation": _("Dispute mediation"),
        "openness": _("Openness of community affairs"),
        "convenience": _("Convenience services"),
        "overall": _("Overall"),
    },
    "visit_type": {
        "routine": _("Routine visit"),
        "followup": _("Follow-up visit"),
        "special_policy": _("Policy outreach / special task"),
        "condolence": _("Caring visit"),
        "new_household": _("New-household registration"),
        "info_check": _("Information check"),
    },
    "visit_result": {
        "met": _("Met a resident"),
        "nobody_home": _("Nobody at home"),
        "refused": _("Refused"),
        "moved_out": _("Moved out"),
        "vacant": _("Vacant"),
        "demolished": _("Demolished"),
    },
}


def label_of(kind: str, code: str) -> str:
    if kind == "dimension" and code.startswith("s_"):
        code = code[2:]
    labels = LABELS.get(kind)
    if labels is not None:
        return str(labels.get(code, code))
    choices = CHOICES.get(kind)
    if choices is None:
        return code
    try:
        return str(choices(code).label)
    except ValueError:
        return code
