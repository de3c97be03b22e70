"""The shipped forms (forms/*.xlsx) loaded and published to the district, and a phone that
sends their submissions through the real ingest service (the processing task runs on
commit, as in production)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from server.accounts.models import User
from server.records.instance_xml import instance_xml
from server.submissions.models import Submission
from server.submissions.services import Sender, submission_receive
from server.xforms.models import FormVersion
from server.xforms.services import form_publish, form_set_state, form_upload
from tests.conftest import World
from tests.openrosa.conftest import _fresh_process_memory  # noqa: F401 - autouse fixture

FORM_FILES = {
    "hh_visit": "household_visit.xlsx",
    "needs_survey": "needs_survey.xlsx",
    "satisfaction": "satisfaction.xlsx",
}


@pytest.fixture
def shipped_forms(world: World) -> dict[str, FormVersion]:
    versions = {}
    for form_id, name in FORM_FILES.items():
        data = (Path(settings.BASE_DIR) / "forms" / name).read_bytes()
        version = form_upload(data=data, file_name=name, user=world.dave, validate=False).version
        form_set_state(form=version.form, state="open")
        form_publish(form=version.form, area=world.district)
        versions[form_id] = version
    return versions


def new_id() -> str:
    return f"uuid:{uuid.uuid4()}"


@dataclass
class Phone:
    """A collector's phone sending the shipped forms."""

    user: User
    forms: dict[str, FormVersion]
    capture: Any

    def send(
        self,
        form_id: str,
        values: dict[str, Any],
        *,
        instance_id: str | None = None,
        deprecated_id: str = "",
    ) -> Submission:
        xml = instance_xml(
            form_id=form_id,
            version=self.forms[form_id].version,
            values=values,
            instance_id=instance_id or new_id(),
            deprecated_id=deprecated_id,
        )
        with self.capture(execute=True):
            received = submission_receive(xml=xml, files={}, sender=Sender(user=self.user))
        return Submission.objects.select_related("form", "grid").get(pk=received.submission.pk)


@pytest.fixture
def bob(world: World, shipped_forms, django_capture_on_commit_callbacks) -> Iterator[Phone]:
    yield Phone(world.bob, shipped_forms, django_capture_on_commit_callbacks)


@pytest.fixture
def carol(world: World, shipped_forms, django_capture_on_commit_callbacks) -> Iterator[Phone]:
    yield Phone(world.carol, shipped_forms, django_capture_on_commit_callbacks)


META = {
    "start": "2026-11-02T09:00:05.120+08:00",
    "end": "2026-11-02T09:14:41.803+08:00",
    "today": "2026-11-02",
    "deviceid": "collect:Xk3pQ9wLm2Rt7vB1",
    "username": "bob",
}


def visit(
    *,
    grid: str = "CY1",
    building: str = "XF-1",
    household: str = "XF-1-101",
    result: str = "met",
    needs: list[dict[str, str]] | None = None,
    flags: str = "retiree",
    members: str = "3",
    start: str = META["start"],
    end: str = META["end"],
    **extra: Any,
) -> dict[str, Any]:
    """An hh_visit instance as Collect writes it: non-relevant groups left out (nobody home:
    no household, living or needs pages)."""
    met = result == "met"
    values: dict[str, Any] = {
        **META,
        "start": start,
        "end": end,
        "grp_id": {"community": "CY", "grid": grid, "building": building, "household": household},
        "new_address": extra.get("new_address"),
        "hh_label": "幸福小区1栋1单元101 王**",
        "grp_visit": {
            "hh_card": "",
            "visit_type": extra.get("visit_type", "routine"),
            "visit_result": result,
            "met_whom": "head" if met else None,
            "phone": extra.get("phone", "") if met else None,
        },
    }
    if met:
        values["grp_hh"] = {
            "residence_type": extra.get("residence_type", "registered"),
            "members_total": members,
            "members_changed": "no",
            "elderly_60": extra.get("elderly_60", "1"),
            "elderly_living": extra.get("elderly_living", "with_family"),
            "special_flags": flags,
            "disability_type": extra.get("disability_type"),
            "unemployed_n": extra.get("unemployed_n"),
        }
        values["grp_living"] = {
            "housing_condition": extra.get("housing_condition", "good"),
            "hazards": extra.get("hazards", "none"),
            "hazard_photo": extra.get("hazard_photo"),
            "env_issues": extra.get("env_issues", "none"),
        }
    values["door_photo"] = extra.get("door_photo", "1762045201000.jpg")
    values["location"] = extra.get("location", "28.871234 105.442109 312.0 8.5")
    if met:
        values["grp_needs"] = {
            "has_needs": "yes" if needs else "no",
            "needs": [
                {
                    "need_category": need.get("category", "infrastructure"),
                    "need_desc": need.get("desc", "楼道灯不亮"),
                    "need_urgency": need.get("urgency", "normal"),
                    "need_photo": need.get("photo", ""),
                    "need_handling": need.get("handling", "community"),
                    "need_spot_result": need.get("spot_result"),
                }
                for need in needs or []
            ]
            or None,
        }
    values["needs_count"] = str(len(needs or []))
    values["grp_end"] = {
        "services_done": extra.get("services", "policy" if met else None),
        "opinions": extra.get("opinions", ""),
        "diary": extra.get("diary", "走访王家，老人身体尚好。"),
        "next_visit": extra.get("next_visit", "2026-12-02"),
        "summary": "",
    }
    return values


def satisfaction(
    *,
    grid: str = "CY1",
    household: str = "XF-1-101",
    mode: str = "door",
    role: str = "own_worker",
    scores: dict[str, str] | None = None,
    followup: dict[str, str] | None = None,
) -> dict[str, Any]:
    scores = scores or {}
    groups: dict[str, dict[str, str]] = {"grp_sat_1": {}, "grp_sat_2": {}, "grp_sat_3": {}}
    from server.records.projection import DIMENSION_GROUPS

    if mode != "phone_followup":
        for dimension, group in DIMENSION_GROUPS.items():
            groups[group][f"s_{dimension}"] = scores.get(dimension, "4")
        groups["grp_sat_3"]["trend"] = "better"
    values: dict[str, Any] = {
        **META,
        "grp_id": {
            "grid": grid,
            "household": household,
            "survey_mode": mode,
            "collector_role": role,
        },
    }
    if mode != "phone_followup":
        values["grp_resp"] = {"resp_sex": "female", "resp_age": "a60_69", "years_lived": "gt10"}
        values["grp_contact"] = {"know_worker": "yes_name", "visit_freq": "2_3"}
        values["grp_sat"] = groups
    if followup is None:
        values["grp_followup"] = {"had_request": "no"}
    else:
        values["grp_followup"] = {"had_request": "yes", **followup}
    values["grp_open"] = {"best": "网格员很负责", "improve": "", "comments": ""}
    return values
