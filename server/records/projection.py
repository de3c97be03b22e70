"""Reading ``submission.data`` of the three shipped forms by the field contract
(forms/README.md): pure functions, no ORM. Codes (grid, building, household, need ids) stay
codes here; ``records.services`` resolves them.

Rules of the contract applied everywhere: an absent field and an empty one mean the same;
multi-selects are space-separated values where ``none`` is an explicit empty set; select
values are kept as they arrive (open lists grow without code changes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from server.records.choices import SATISFACTION_DIMENSIONS, FollowUpOutcome, Urgency

NEW_HOUSEHOLD = "_new"
ANONYMOUS = "_anon"
OTHER_NEED = "_other"
STATUS_RESULTS = frozenset({"moved_out", "vacant", "demolished"})
DETAIL_FIELDS = (
    "residence_type",
    "members_count",
    "elderly_60_count",
    "elderly_living",
    "housing_condition",
    "phone",
)
# Where each satisfaction dimension is asked (grp_sat_1..3).
DIMENSION_GROUPS = {
    **dict.fromkeys(SATISFACTION_DIMENSIONS[:5], "grp_sat_1"),
    **dict.fromkeys(SATISFACTION_DIMENSIONS[5:10], "grp_sat_2"),
    **dict.fromkeys(SATISFACTION_DIMENSIONS[10:], "grp_sat_3"),
}


def text(data: Any, *path: str) -> str:
    """The answer at ``path`` as stripped text ("" when absent, empty or not a leaf)."""
    value = data
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    return value.strip() if isinstance(value, str) else ""


def choices(data: Any, *path: str) -> list[str] | None:
    """A multi-select as a list without ``none`` (duplicates removed, order kept); None when
    the question was not answered (absent or empty) — different from an explicit ``none``."""
    raw = text(data, *path)
    if not raw:
        return None
    values = list(dict.fromkeys(raw.split()))
    return [value for value in values if value != "none"]


def integer(data: Any, *path: str) -> int | None:
    raw = text(data, *path)
    try:
        number = int(raw)
    except ValueError:
        return None
    return number if 0 <= number <= 32767 else None


def yes_no(data: Any, *path: str) -> bool | None:
    return {"yes": True, "no": False}.get(text(data, *path))


def a_date(data: Any, *path: str) -> date | None:
    try:
        return date.fromisoformat(text(data, *path))
    except ValueError:
        return None


def moment(data: Any, *path: str) -> datetime | None:
    raw = text(data, *path)
    try:
        value = datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    return value if value is not None and value.tzinfo is not None else None


@dataclass(frozen=True)
class GeoPoint:
    latitude: Decimal
    longitude: Decimal
    altitude: float | None
    accuracy: float | None


def geopoint(data: Any, *path: str) -> GeoPoint | None:
    """ODK's ``lat lon alt accuracy``; None when empty or out of range."""
    parts = text(data, *path).split()
    if len(parts) < 2:
        return None
    try:
        latitude = Decimal(parts[0]).quantize(Decimal("0.000001"))
        longitude = Decimal(parts[1]).quantize(Decimal("0.000001"))
        altitude = float(parts[2]) if len(parts) > 2 else None
        accuracy = float(parts[3]) if len(parts) > 3 else None
    except (InvalidOperation, ValueError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return GeoPoint(latitude, longitude, altitude, accuracy)


def repeat(data: Any, *path: str) -> list[dict[str, Any]]:
    value = data
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    if isinstance(value, dict):
        value = [value]
    return [item if isinstance(item, dict) else {} for item in value or []]


# ------------------------------------------------------------------ hh_visit


@dataclass(frozen=True)
class NeedRow:
    position: int  # 1-based position in the needs repeat
    category: str
    description: str
    urgency: str
    handling: str
    photo_name: str
    on_spot: bool
    spot_result: str


@dataclass(frozen=True)
class VisitData:
    grid_code: str
    community_code: str
    building_code: str
    household_code: str
    new_address: str
    visit_type: str
    result: str
    met_whom: str
    started_at: datetime | None
    ended_at: datetime | None
    location: GeoPoint | None
    residence_type: str
    members_total: int | None
    members_changed: bool | None
    members_change_note: str
    elderly_60: int | None
    elderly_living: str
    special_flags: list[str] | None
    disability_types: list[str]
    unemployed_count: int | None
    hardship_note: str
    housing_condition: str
    hazards: list[str]
    env_issues: list[str]
    services: list[str]
    opinions: str
    diary: str
    next_visit: date | None
    phone: str
    photo_names: list[str]
    needs: list[NeedRow] = field(default_factory=list)

    @property
    def is_new_household(self) -> bool:
        return self.household_code == NEW_HOUSEHOLD

    def register_details(self) -> dict[str, Any]:
        """Household fields this visit states (only when someone was met), by model name."""
        if self.result != "met":
            return {}
        values = {
            "residence_type": self.residence_type,
            "members_count": self.members_total,
            "elderly_60_count": self.elderly_60,
            "elderly_living": self.elderly_living,
            "housing_condition": self.housing_condition,
            "phone": self.phone,
        }
        return {name: value for name, value in values.items() if value not in ("", None)}

    def register_flags(self) -> list[str] | None:
        """The flag set the visit states (None: not asked)."""
        return self.special_flags if self.result == "met" else None

    def register_status(self) -> str:
        return self.result if self.result in STATUS_RESULTS else ""


def visit_data(data: dict[str, Any]) -> VisitData:
    location = geopoint(data, "location")
    photos = [
        name
        for name in (text(data, "door_photo"), text(data, "grp_living", "hazard_photo"))
        if name
    ]
    return VisitData(
        grid_code=text(data, "grp_id", "grid"),
        community_code=text(data, "grp_id", "community"),
        building_code=text(data, "grp_id", "building"),
        household_code=text(data, "grp_id", "household"),
        new_address=text(data, "new_address")[:200],
        visit_type=text(data, "grp_visit", "visit_type")[:32],
        result=text(data, "grp_visit", "visit_result")[:32],
        met_whom=text(data, "grp_visit", "met_whom")[:32],
        started_at=moment(data, "start"),
        ended_at=moment(data, "end"),
        location=location,
        residence_type=text(data, "grp_hh", "residence_type")[:16],
        members_total=integer(data, "grp_hh", "members_total"),
        members_changed=yes_no(data, "grp_hh", "members_changed"),
        members_change_note=text(data, "grp_hh", "members_change_note"),
        elderly_60=integer(data, "grp_hh", "elderly_60"),
        elderly_living=text(data, "grp_hh", "elderly_living")[:16],
        special_flags=choices(data, "grp_hh", "special_flags"),
        disability_types=choices(data, "grp_hh", "disability_type") or [],
        unemployed_count=integer(data, "grp_hh", "unemployed_n"),
        hardship_note=text(data, "grp_hh", "hardship_note"),
        housing_condition=text(data, "grp_living", "housing_condition")[:16],
        hazards=choices(data, "grp_living", "hazards") or [],
        env_issues=choices(data, "grp_living", "env_issues") or [],
        services=choices(data, "grp_end", "services_done") or [],
        opinions=text(data, "grp_end", "opinions"),
        diary=text(data, "grp_end", "diary"),
        next_visit=a_date(data, "grp_end", "next_visit"),
        phone=text(data, "grp_visit", "phone")[:32],
        photo_names=photos,
        needs=visit_needs(data),
    )


def visit_needs(data: dict[str, Any]) -> list[NeedRow]:
    """One row per instance of the ``needs`` repeat, read only when ``has_needs = yes``.
    Instances without a category or a description (an empty page) are skipped; positions
    stay those of the repeat, so a need's id never shifts."""
    if text(data, "grp_needs", "has_needs") != "yes":
        return []
    rows = []
    for position, item in enumerate(repeat(data, "grp_needs", "needs"), start=1):
        category, description = text(item, "need_category"), text(item, "need_desc")
        if not category and not description:
            continue
        urgency = text(item, "need_urgency")
        handling = text(item, "need_handling")
        rows.append(
            NeedRow(
                position=position,
                category=(category or "other")[:48],
                description=description,
                urgency=urgency if urgency in Urgency.values else Urgency.NORMAL,
                handling=handling[:16],
                photo_name=text(item, "need_photo")[:255],
                on_spot=handling == "on_spot",
                spot_result=text(item, "need_spot_result"),
            )
        )
    return rows


def need_photo_names(visit: VisitData) -> list[str]:
    return [need.photo_name for need in visit.needs if need.photo_name]


# ------------------------------------------------------------------ satisfaction


@dataclass(frozen=True)
class FollowUpData:
    need_key: str  # "" for _other or anonymous
    need_text: str
    resolved_status: str
    timeliness: str
    outcome: str
    dissat_reasons: list[str]
    reopen: bool


@dataclass(frozen=True)
class SatisfactionData:
    grid_code: str
    household_code: str
    anonymous: bool
    survey_mode: str
    collector_role: str
    in_index: bool
    resp_sex: str
    resp_age: str
    years_lived: str
    know_worker: str
    visit_freq: str
    scores: dict[str, int | None]  # dimension -> 1..5, None for n/a; unanswered left out
    trend: str
    best: str
    improve: str
    comments: str
    followup: FollowUpData | None

    @property
    def overall(self) -> int | None:
        return self.scores.get("overall")


def score(raw: str) -> int | None:
    return int(raw) if raw in {"1", "2", "3", "4", "5"} else None


def satisfaction_data(data: dict[str, Any]) -> SatisfactionData:
    household = text(data, "grp_id", "household")
    mode = text(data, "grp_id", "survey_mode")[:24]
    scores: dict[str, int | None] = {}
    for dimension, group in DIMENSION_GROUPS.items():
        raw = text(data, "grp_sat", group, f"s_{dimension}")
        if raw:
            scores[dimension] = score(raw)
    return SatisfactionData(
        grid_code=text(data, "grp_id", "grid"),
        household_code="" if household == ANONYMOUS else household,
        anonymous=household == ANONYMOUS,
        survey_mode=mode,
        collector_role=text(data, "grp_id", "collector_role")[:24],
        in_index=mode != "phone_followup",
        resp_sex=text(data, "grp_resp", "resp_sex")[:16],
        resp_age=text(data, "grp_resp", "resp_age")[:16],
        years_lived=text(data, "grp_resp", "years_lived")[:16],
        know_worker=text(data, "grp_contact", "know_worker")[:24],
        visit_freq=text(data, "grp_contact", "visit_freq")[:24],
        scores=scores,
        trend=text(data, "grp_sat", "grp_sat_3", "trend")[:16],
        best=text(data, "grp_open", "best"),
        improve=text(data, "grp_open", "improve"),
        comments=text(data, "grp_open", "comments"),
        followup=followup_data(data),
    )


def followup_data(data: dict[str, Any]) -> FollowUpData | None:
    """The 回访 block, when ``had_request = yes``. The need is reopened when the form says so
    (``reopen = yes``) or when the resident is dissatisfied (不满意 always reopens, DOMAIN
    §1.10)."""
    if text(data, "grp_followup", "had_request") != "yes":
        return None
    need = text(data, "grp_followup", "followup_need")
    outcome = text(data, "grp_followup", "followup_sat")
    outcome = outcome if outcome in FollowUpOutcome.values else ""
    return FollowUpData(
        need_key="" if need in ("", OTHER_NEED) else need[:270],
        need_text=text(data, "grp_followup", "followup_need_text"),
        resolved_status=text(data, "grp_followup", "need_resolved")[:16],
        timeliness=text(data, "grp_followup", "need_timely")[:16],
        outcome=outcome,
        dissat_reasons=choices(data, "grp_followup", "dissat_reason") or [],
        reopen=text(data, "grp_followup", "reopen") == "yes"
        or outcome == FollowUpOutcome.DISSATISFIED,
    )


# ------------------------------------------------------------------ needs_survey

DETAIL_ITEMS = (
    "eldercare_items",
    "childcare_items",
    "employment_items",
    "health_items",
    "culture_items",
    "env_sec_items",
    "property_items",
    "legal_items",
)


@dataclass(frozen=True)
class NeedsSurveyData:
    grid_code: str
    household_code: str
    anonymous: bool
    survey_mode: str
    consent: bool
    services_wanted: list[str]
    top: tuple[str, str, str]
    pay_willing: str
    volunteer: str
    volunteer_areas: list[str]
    volunteer_hours: str
    callback_ok: bool | None
    top_problem: str
    suggestion: str
    details: dict[str, Any]


def needs_survey_data(data: dict[str, Any]) -> NeedsSurveyData:
    household = text(data, "grp_id", "household")
    details: dict[str, Any] = {
        name: choices(data, "grp_detail", name) or [] for name in DETAIL_ITEMS
    }
    details.update(
        property_status=text(data, "grp_detail", "property_status"),
        resp_sex=text(data, "grp_resp", "resp_sex"),
        resp_age=text(data, "grp_resp", "resp_age"),
        resp_employment=text(data, "grp_resp", "resp_employment"),
        hh_size=integer(data, "grp_resp", "hh_size"),
        hh_has=choices(data, "grp_resp", "hh_has") or [],
        contact_time=choices(data, "grp_pref", "contact_time") or [],
        info_channel=choices(data, "grp_pref", "info_channel") or [],
        activity_freq=text(data, "grp_part", "activity_freq"),
        no_part_reason=choices(data, "grp_part", "no_part_reason") or [],
    )
    return NeedsSurveyData(
        grid_code=text(data, "grp_id", "grid"),
        household_code="" if household == ANONYMOUS else household,
        anonymous=household == ANONYMOUS,
        survey_mode=text(data, "grp_id", "survey_mode")[:24],
        consent=text(data, "consent") != "no",
        services_wanted=choices(data, "grp_svc", "svc_want") or [],
        top=(
            text(data, "grp_svc", "top1")[:48],
            text(data, "grp_svc", "top2")[:48],
            text(data, "grp_svc", "top3")[:48],
        ),
        pay_willing=text(data, "grp_pref", "pay_willing")[:24],
        volunteer=text(data, "grp_part", "volunteer")[:24],
        volunteer_areas=choices(data, "grp_part", "volunteer_area") or [],
        volunteer_hours=text(data, "grp_part", "volunteer_hours")[:24],
        callback_ok=yes_no(data, "grp_open", "callback_ok"),
        top_problem=text(data, "grp_open", "top_problem"),
        suggestion=text(data, "grp_open", "suggestion"),
        details=details,
    )
