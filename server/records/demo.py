"""Three months of field work in the demo street (``seed_demo_activity``), so a fresh
``make run`` shows a living district: visits, needs in every status with the managers'
decisions, satisfaction surveys with follow-ups (one in five dissatisfied: reopened), a few
needs surveys and register changes waiting for approval.

Everything enters through the real ingest service (``submissions.services.submission_receive``)
and the real projection; only the receipt time is set to the form's end time afterwards, as if
each phone had sent its form the same day. Deterministic (a fixed seed, instance IDs derived
from it): a second run finds the first submission and changes nothing.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from server.accounts.models import Role, User
from server.accounts.selectors import scope_for
from server.accounts.services import user_create
from server.grids.choices import AreaLevel
from server.grids.models import Area, Building, Household
from server.records.instance_xml import instance_xml
from server.records.models import Need
from server.records.needs import need_transition
from server.records.projection import DIMENSION_GROUPS
from server.records.services import submission_project
from server.submissions.models import Submission
from server.submissions.services import Sender, submission_receive
from server.xforms.models import Form

SEED = 20261124
NAMESPACE = uuid.UUID("6f1c1d0e-3b7a-4c55-9a57-5a1e0d2b9c41")
DAYS = 91
VISIT_SHARE = 0.25  # of a grid's households visited each month
NEED_CATEGORIES = (
    ("infrastructure", 20, ("楼道灯不亮", "单元门禁坏了", "下水道堵塞", "屋顶漏水")),
    ("eldercare", 14, ("申请老年助餐", "老人需要上门探望", "咨询居家养老服务")),
    ("environment", 12, ("楼下垃圾清运不及时", "小区绿化带杂物堆积")),
    ("assistance", 8, ("申请临时救助", "咨询低保申请条件")),
    ("health", 8, ("需要家庭医生签约", "慢病随访")),
    ("property_mgmt", 8, ("物业维修拖延", "电梯经常故障")),
    ("security", 6, ("电动车楼道充电", "楼栋外来人员多")),
    ("dispute", 5, ("邻里噪音纠纷", "漏水引起邻里矛盾")),
    ("documents", 7, ("代办居住证", "咨询户口迁移")),
    ("employment", 6, ("子女求职咨询", "失业登记")),
    ("other", 6, ("其他诉求",)),
)
HANDLING = (("on_spot", 30), ("community", 45), ("street", 12), ("department", 8), ("volunteer", 5))
RESULTS = (("met", 80), ("nobody_home", 15), ("refused", 3), ("moved_out", 1), ("vacant", 1))
SERVICES = ("policy", "condolence", "documents", "insurance", "health_check", "info_update")
DIARY = (
    "入户了解家庭情况，宣传社区活动。",
    "老人身体尚好，叮嘱注意防滑。",
    "住户反映的问题已记录，回社区后协调。",
    "核对家庭成员信息，无变化。",
    "宣传防诈骗知识，留下联系方式。",
)
DEPARTMENTS = ("市容/城管", "民政", "卫生", "司法")


@dataclass
class Plan:
    """Everything to send, in time order."""

    submissions: list[tuple[datetime, str, User, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Report:
    submissions: int = 0
    transitions: int = 0
    skipped: bool = False


def _uid(n: int) -> str:
    return f"uuid:{uuid.uuid5(NAMESPACE, f'demo-activity-{n}')}"


def demo_activity(*, today: date | None = None, visit_share: float = VISIT_SHARE) -> Report:
    forms = {form.form_id: form for form in Form.objects.filter(form_id__in=_FORM_IDS)}
    if set(forms) != set(_FORM_IDS):
        raise LookupError("load the shipped forms first (python manage.py load_forms)")
    if Submission.objects.filter(instance_id=_uid(0)).exists():
        return Report(skipped=True)
    rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
    zone = ZoneInfo(settings.TIME_ZONE)
    today = today or timezone.localdate()
    start = today - timedelta(days=DAYS)
    grids = list(Area.objects.filter(level=AreaLevel.GRID, is_active=True).order_by("code"))
    collectors = {grid.pk: _collector(grid) for grid in grids}
    versions = {
        form_id: form.versions.order_by("-created_at").values_list("version", flat=True).first()
        for form_id, form in forms.items()
    }
    report = Report()
    counter = iter(range(10**9))
    managers = list(User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk"))
    for grid in grids:  # one transaction per grid: an interrupted run leaves whole grids
        manager = next((m for m in managers if scope_for(m).sees_area(grid)), None)
        households = list(
            Household.objects.filter(building__grid=grid)
            .select_related("building")
            .order_by("code")
        )
        with transaction.atomic():
            plan = _plan_grid(rng, grid, households, start, today, zone, visit_share)
            _send(plan, collectors[grid.pk], versions, counter, report)
            if manager is not None:
                report.transitions += _decide(rng, grid, manager, collectors[grid.pk], today, zone)
            _follow_up(rng, grid, collectors[grid.pk], versions, counter, report, today, zone)
            if manager is not None:
                report.transitions += _close(rng, grid, manager, today, zone)
    return report


_FORM_IDS = ("hh_visit", "satisfaction", "needs_survey")


def _collector(grid: Area) -> User:
    existing = (
        User.objects.filter(role=Role.COLLECTOR, assignments__area=grid, is_active=True)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    username = f"demo-{grid.code.lower()}"[:30].replace("_", "-")
    user = User.objects.filter(username=username).first()
    return user or user_create(
        username=username, role=Role.COLLECTOR, full_name=f"{grid.name}网格员", areas=[grid]
    )


def _moment(day: date, rng: random.Random, zone: ZoneInfo) -> datetime:
    hour = rng.choices((9, 10, 14, 15, 16, 19), weights=(20, 20, 20, 20, 10, 10))[0]
    return datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), zone)


def _plan_grid(
    rng: random.Random,
    grid: Area,
    households: list[Household],
    start: date,
    today: date,
    zone: ZoneInfo,
    visit_share: float,
) -> list[tuple[datetime, str, dict[str, Any]]]:
    plan = []
    for month in range(3):
        for household in households:
            if rng.random() > visit_share:
                continue
            day = start + timedelta(days=month * 30 + rng.randrange(30))
            if day >= today:
                continue
            when = _moment(day, rng, zone)
            plan.append((when, "hh_visit", _visit_values(rng, grid, household, when)))
    for number in range(2):  # newcomers not in the register yet (waiting for approval)
        building = rng.choice(households).building
        when = _moment(start + timedelta(days=rng.randrange(DAYS - 1)), rng, zone)
        plan.append((when, "hh_visit", _new_household_values(rng, grid, building, number, when)))
    for _ in range(max(3, len(households) // 15)):
        household = rng.choice(households)
        when = _moment(start + timedelta(days=rng.randrange(DAYS - 1)), rng, zone)
        plan.append((when, "needs_survey", _survey_values(rng, grid, household, when)))
    for _ in range(max(5, len(households) // 8)):
        household = rng.choice(households)
        when = _moment(start + timedelta(days=rng.randrange(DAYS - 1)), rng, zone)
        plan.append((when, "satisfaction", _satisfaction_values(rng, grid, household, when)))
    plan.sort(key=lambda item: item[0])
    return plan


def _pick(rng: random.Random, mix: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _ in mix], weights=[weight for _, weight in mix])[0]


def _meta(when: datetime, minutes: int) -> dict[str, str]:
    return {
        "start": when.isoformat(timespec="milliseconds"),
        "end": (when + timedelta(minutes=minutes)).isoformat(timespec="milliseconds"),
        "today": when.date().isoformat(),
        "deviceid": "collect:demo",
    }


def _visit_values(
    rng: random.Random, grid: Area, household: Household, when: datetime
) -> dict[str, Any]:
    result = _pick(rng, RESULTS)
    met = result == "met"
    values: dict[str, Any] = {
        **_meta(when, rng.randrange(6, 25) if met else 2),
        "grp_id": {
            "community": grid.parent.code if grid.parent else "",
            "grid": grid.code,
            "building": household.building.code,
            "household": household.code,
        },
        "grp_visit": {
            "visit_type": rng.choices(
                ("routine", "followup", "special_policy", "condolence", "info_check"),
                weights=(70, 10, 8, 6, 6),
            )[0],
            "visit_result": result,
            "met_whom": rng.choice(("head", "spouse", "elder", "child")) if met else None,
        },
        "door_photo": None,
        "location": f"28.87{rng.randrange(1000, 9999)} 105.44{rng.randrange(1000, 9999)} 300.0 "
        f"{rng.choice((5.0, 8.5, 12.0, 30.0))}",
    }
    if not met:
        return values
    flags = sorted(household.flags.values_list("flag", flat=True)) if rng.random() < 0.3 else None
    if flags is not None and rng.random() < 0.1:  # the worker noticed something new
        flags = sorted({*flags, rng.choice(("unemployed", "serious_ill", "hardship"))})
    values["grp_hh"] = {
        "residence_type": household.residence_type,
        "members_total": household.members_count or 1,
        "members_changed": "no",
        "elderly_60": household.elderly_60_count or 0,
        "elderly_living": household.elderly_living or None,
        "special_flags": " ".join(flags or []) or "none" if flags is not None else None,
    }
    values["grp_living"] = {
        "housing_condition": rng.choices(("good", "fair", "poor"), weights=(70, 25, 5))[0],
        "hazards": rng.choice(("gas", "wiring", "ebike", "clutter"))
        if rng.random() < 0.06
        else "none",
        "env_issues": rng.choice(("garbage", "parking", "lighting"))
        if rng.random() < 0.1
        else "none",
    }
    needs = [_need(rng) for _ in range(rng.choices((0, 1, 2), weights=(78, 18, 4))[0])]
    values["grp_needs"] = {"has_needs": "yes" if needs else "no", "needs": needs or None}
    values["grp_end"] = {
        "services_done": " ".join(sorted(set(rng.sample(SERVICES, rng.choice((1, 1, 2))))))
        if rng.random() < 0.7
        else "none",
        "diary": rng.choice(DIARY),
    }
    return values


def _new_household_values(
    rng: random.Random, grid: Area, building: Building, number: int, when: datetime
) -> dict[str, Any]:
    return {
        **_meta(when, 15),
        "grp_id": {
            "community": grid.parent.code if grid.parent else "",
            "grid": grid.code,
            "building": building.code,
            "household": "_new",
        },
        "new_address": f"{building.label}{number + 1}单元新住户{rng.randrange(101, 699)}",
        "grp_visit": {"visit_type": "new_household", "visit_result": "met", "met_whom": "head"},
        "grp_hh": {
            "residence_type": "renter",
            "members_total": rng.choice((1, 2, 3)),
            "members_changed": "no",
            "elderly_60": 0,
            "special_flags": rng.choice(("none", "migrant")),
        },
        "grp_living": {"housing_condition": "fair", "hazards": "none", "env_issues": "none"},
        "grp_needs": {"has_needs": "no"},
        "grp_end": {"services_done": "info_update", "diary": "新入住租户，已登记基本信息。"},
    }


def _need(rng: random.Random) -> dict[str, str | None]:
    category, _, texts = rng.choices(NEED_CATEGORIES, weights=[w for _, w, _ in NEED_CATEGORIES])[0]
    handling = _pick(rng, HANDLING)
    return {
        "need_category": category,
        "need_desc": rng.choice(texts),
        "need_urgency": rng.choices(("urgent", "soon", "normal"), weights=(10, 35, 55))[0],
        "need_handling": handling,
        "need_spot_result": "已当场解答并告知办理流程" if handling == "on_spot" else None,
    }


def _survey_values(
    rng: random.Random, grid: Area, household: Household, when: datetime
) -> dict[str, Any]:
    wanted = rng.sample(("eldercare", "health", "culture", "environment", "property", "legal"), 3)
    return {
        **_meta(when, 12),
        "grp_id": {"grid": grid.code, "household": household.code, "survey_mode": "door"},
        "consent": "yes",
        "grp_svc": {
            "svc_want": " ".join(wanted),
            "top1": wanted[0],
            "top2": wanted[1],
            "top3": wanted[2],
        },
        "grp_pref": {"pay_willing": rng.choice(("free_only", "low_cost", "depends"))},
        "grp_part": {"volunteer": rng.choice(("yes", "maybe", "no"))},
    }


def _satisfaction_values(
    rng: random.Random,
    grid: Area,
    household: Household,
    when: datetime,
    followup: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    mode = "phone_followup" if followup and rng.random() < 0.5 else "door"
    values: dict[str, Any] = {
        **_meta(when, 8),
        "grp_id": {
            "grid": grid.code,
            "household": household.code,
            "survey_mode": mode,
            "collector_role": rng.choices(("own_worker", "other_worker"), weights=(70, 30))[0],
        },
    }
    if mode != "phone_followup":
        groups: dict[str, dict[str, str]] = {"grp_sat_1": {}, "grp_sat_2": {}, "grp_sat_3": {}}
        for dimension, group in DIMENSION_GROUPS.items():
            na = dimension != "overall" and rng.random() < 0.12
            groups[group][f"s_{dimension}"] = (
                "na" if na else rng.choices("54321", weights=(45, 35, 13, 5, 2))[0]
            )
        groups["grp_sat_3"]["trend"] = rng.choice(("better", "same", "better", "unsure"))
        values["grp_contact"] = {"know_worker": rng.choice(("yes_name", "yes", "no"))}
        values["grp_sat"] = groups
    values["grp_followup"] = (
        {"had_request": "yes", **followup} if followup else {"had_request": "no"}
    )
    return values


def _send(
    plan: list[tuple[datetime, str, dict[str, Any]]],
    collector: User,
    versions: dict[str, str | None],
    counter: Any,
    report: Report,
) -> None:
    for when, form_id, values in plan:
        _submit(form_id, values, collector, versions, next(counter), when)
        report.submissions += 1


def _submit(
    form_id: str,
    values: dict[str, Any],
    collector: User,
    versions: dict[str, str | None],
    number: int,
    when: datetime,
) -> None:
    xml = instance_xml(
        form_id=form_id, version=str(versions[form_id]), values=values, instance_id=_uid(number)
    )
    received = submission_receive(xml=xml, files={}, sender=Sender(user=collector))
    submission = received.submission
    submission.received_at = when + timedelta(minutes=20)
    Submission.objects.filter(pk=submission.pk).update(received_at=submission.received_at)
    submission_project(submission=submission)


def _decide(
    rng: random.Random, grid: Area, manager: User, collector: User, today: date, zone: ZoneInfo
) -> int:
    """The manager works the grid's open needs: most get assigned, some escalated, most
    resolved within days; the youngest stay open or in progress."""
    done = 0
    horizon = datetime.combine(today, time(8), zone)
    for need in Need.objects.filter(grid=grid, status="open").order_by("raised_at", "pk"):
        if rng.random() < 0.08:
            continue  # not looked at yet
        at = need.raised_at + timedelta(hours=rng.randrange(2, 30))
        steps: list[tuple[str, dict[str, Any]]] = [("assigned", {"assignee": collector})]
        if rng.random() < 0.2:
            level = rng.choice(("street", "district_platform", "department"))
            steps.append(
                (
                    "escalated",
                    {
                        "handling_level": level,
                        "department": rng.choice(DEPARTMENTS) if level == "department" else "",
                        "note": "超出社区处理能力，上报",
                    },
                )
            )
        elif rng.random() < 0.5:
            steps.append(("in_progress", {}))
        if rng.random() < 0.85:
            steps.append(("resolved", {"note": "已协调解决并告知住户"}))
        for to, extra in steps:
            at += timedelta(hours=rng.randrange(6, 96))
            if at >= horizon:
                break
            need = need_transition(need=need, to=to, actor=manager, at=at, **extra)
            done += 1
    return done


def _follow_up(
    rng: random.Random,
    grid: Area,
    collector: User,
    versions: dict[str, str | None],
    counter: Any,
    report: Report,
    today: date,
    zone: ZoneInfo,
) -> None:
    """回访 of most resolved needs a few days after resolution; one in five dissatisfied."""
    horizon = datetime.combine(today, time(8), zone)
    for need in Need.objects.filter(grid=grid, status="resolved", household__isnull=False).order_by(
        "resolved_at", "pk"
    ):
        if need.resolved_at is None or rng.random() < 0.25:
            continue
        when = need.resolved_at + timedelta(days=rng.randrange(1, 6))
        if when >= horizon:
            continue
        outcome = rng.choices(("satisfied", "basically", "dissatisfied"), weights=(60, 25, 15))[0]
        followup: dict[str, str | None] = {
            "followup_need": need.key,
            "need_resolved": "resolved" if outcome != "dissatisfied" else "partial",
            "need_timely": rng.choice(("timely", "basically")),
            "followup_sat": outcome,
            "dissat_reason": "slow unresolved" if outcome == "dissatisfied" else None,
            "reopen": "yes" if outcome == "dissatisfied" else "no",
        }
        assert need.household is not None
        values = _satisfaction_values(rng, grid, need.household, when, followup)
        _submit("satisfaction", values, collector, versions, next(counter), when)
        report.submissions += 1


def _close(rng: random.Random, grid: Area, manager: User, today: date, zone: ZoneInfo) -> int:
    """The manager closes most needs followed up more than a week ago."""
    done = 0
    week_ago = datetime.combine(today, time(8), zone) - timedelta(days=7)
    for need in Need.objects.filter(
        grid=grid, status="followed_up", last_followup_at__lt=week_ago
    ).order_by("pk"):
        if rng.random() < 0.7 and need.last_followup_at is not None:
            at = need.last_followup_at + timedelta(days=rng.randrange(1, 7))
            need_transition(need=need, to="closed", actor=manager, at=at, note="回访满意，结案")
            done += 1
    return done
