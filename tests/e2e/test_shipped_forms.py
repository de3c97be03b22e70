"""Each shipped form works in an outside engine, exactly as Gridbook serves it.

The three questionnaires are loaded through the forms pipeline; ODK Web Forms' engine then
gets the XForm bytes Gridbook stored (the bytes formList's hash is computed over) and the
register lists generated for bob, a collector of grid CY1, through ``manifest_for`` /
``media_payload``, fills each form (the needs repeat with two needs and photos in the
household visit) and makes a submission whose values are checked here with lxml.

NOTE for the lead: when ``server.submissions.parsing`` lands, also feed each ``result.xml``
(and ``result.files``) to it here and check the envelope (form id, version, instanceID)
and the attachments it expects; this test stops at the engine's submission on purpose.

Without Node or the engine's node_modules these tests skip, except under CI or
GRIDBOOK_REQUIRE_ENGINE, where they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import etree

from server.core.storage import md5_hex
from server.xforms.models import FormState, FormVersion
from server.xforms.selectors import manifest_for, media_payload
from server.xforms.services import form_publish, form_set_state, form_upload
from tests.conftest import World

from . import engine_client
from .engine_client import EngineJob, EngineResult, fill_forms

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOOR_JPEG = (FIXTURES / "door.jpg").read_bytes()
BOB_PHONE = {"deviceID": "collect:bobphone00000001", "username": "bob"}
NEEDS = "/data/grp_needs/needs"

pytestmark = [pytest.mark.engine, pytest.mark.slow, pytest.mark.django_db]


def require_engine_or_skip() -> None:
    problem = engine_client.engine_problem()
    if problem is not None:
        required = os.environ.get("CI") or os.environ.get("GRIDBOOK_REQUIRE_ENGINE")
        (pytest.fail if required else pytest.skip)(problem)


HH_VISIT = [
    {"set": "/data/grp_id/community", "value": "CY"},
    {"set": "/data/grp_id/grid", "value": "CY1"},
    {"set": "/data/grp_id/building", "value": "XF-1"},
    {"set": "/data/grp_id/household", "value": "XF-1-102"},
    {"set": "/data/grp_visit/visit_result", "value": "met"},
    {"set": "/data/grp_visit/met_whom", "value": "head"},
    {"set": "/data/grp_hh/residence_type", "value": "registered"},
    {"set": "/data/grp_hh/members_total", "value": 1},
    {"set": "/data/grp_hh/members_changed", "value": "no"},
    {"set": "/data/grp_hh/elderly_60", "value": 1},
    {"set": "/data/grp_hh/elderly_living", "value": "alone"},
    {"select": "/data/grp_hh/special_flags", "values": ["dibao", "disabled"]},
    {"select": "/data/grp_hh/disability_type", "values": ["limb"]},
    {"set": "/data/grp_hh/hardship_note", "value": "医疗费用高"},
    {"set": "/data/grp_living/housing_condition", "value": "fair"},
    {"select": "/data/grp_living/hazards", "values": ["none"]},
    {"select": "/data/grp_living/env_issues", "values": ["none"]},
    {"file": "/data/door_photo", "content": DOOR_JPEG, "name": "1700000000000.jpg"},
    {"set": "/data/location", "value": "31.2304 121.4737 12.5 8"},
    {"set": "/data/grp_needs/has_needs", "value": "yes"},
    {"set": f"{NEEDS}[1]/need_category", "value": "eldercare"},
    {"set": f"{NEEDS}[1]/need_desc", "value": "需要助餐服务"},
    {"set": f"{NEEDS}[1]/need_urgency", "value": "soon"},
    {"set": f"{NEEDS}[1]/need_handling", "value": "community"},
    {"add_repeat": NEEDS},
    {"set": f"{NEEDS}[2]/need_category", "value": "infrastructure"},
    {"set": f"{NEEDS}[2]/need_desc", "value": "楼道路灯不亮"},
    {"file": f"{NEEDS}[2]/need_photo", "content": DOOR_JPEG, "name": "1700000000001.jpg"},
    {"set": f"{NEEDS}[2]/need_handling", "value": "on_spot"},
    {"set": f"{NEEDS}[2]/need_spot_result", "value": "已当场报修"},
    {"select": "/data/grp_end/services_done", "values": ["policy", "health_check"]},
    {"set": "/data/grp_end/diary", "value": "独居老人，需重点关注"},
    {"set": "/data/grp_end/next_visit", "value": "2099-01-02"},
]

NEEDS_SURVEY = [
    {"set": "/data/grp_id/grid", "value": "CY1"},
    {"set": "/data/grp_id/household", "value": "XF-1-101"},
    {"set": "/data/grp_id/survey_mode", "value": "door"},
    {"set": "/data/consent", "value": "yes"},
    {"set": "/data/grp_resp/resp_sex", "value": "female"},
    {"set": "/data/grp_resp/resp_age", "value": "a60_69"},
    {"select": "/data/grp_svc/svc_want", "values": ["eldercare", "health"]},
    {"set": "/data/grp_svc/top1", "value": "eldercare"},
    {"set": "/data/grp_svc/top2", "value": "health"},
    {"select": "/data/grp_detail/eldercare_items", "values": ["meals"]},
    {"select": "/data/grp_detail/health_items", "values": ["checkup"]},
    {"set": "/data/grp_detail/property_status", "value": "company"},
    {"set": "/data/grp_pref/pay_willing", "value": "low_cost"},
    {"set": "/data/grp_part/activity_freq", "value": "few"},
    {"set": "/data/grp_part/volunteer", "value": "maybe"},
    {"set": "/data/grp_open/callback_ok", "value": "yes"},
]

SATISFACTION = [
    {"set": "/data/grp_id/grid", "value": "CY1"},
    {"set": "/data/grp_id/household", "value": "XF-1-102"},
    {"set": "/data/grp_id/survey_mode", "value": "door"},
    {"set": "/data/grp_id/collector_role", "value": "own_worker"},
    {"set": "/data/grp_contact/know_worker", "value": "yes_name"},
    {"set": "/data/grp_contact/visit_freq", "value": "2_3"},
    *[
        {"set": f"/data/grp_sat/grp_sat_{page}/{item}", "value": "4"}
        for page, items in {
            1: ("s_attitude", "s_efficiency", "s_eldercare", "s_employment", "s_assistance"),
            2: ("s_health", "s_culture", "s_environment", "s_security", "s_property"),
            3: ("s_mediation", "s_openness", "s_convenience"),
        }.items()
        for item in items
    ],
    {"set": "/data/grp_sat/grp_sat_3/s_overall", "value": "5"},
    {"set": "/data/grp_followup/had_request", "value": "yes"},
    {"set": "/data/grp_followup/followup_need", "value": "_other"},
    {"set": "/data/grp_followup/followup_need_text", "value": "楼道路灯维修"},
    {"set": "/data/grp_followup/need_resolved", "value": "partial"},
    {"set": "/data/grp_followup/need_timely", "value": "timely"},
    {"set": "/data/grp_followup/followup_sat", "value": "basically"},
    {"set": "/data/grp_followup/reopen", "value": "yes"},
]

STEPS = {"hh_visit": HH_VISIT, "needs_survey": NEEDS_SURVEY, "satisfaction": SATISFACTION}
FILES = {
    "hh_visit": "household_visit.xlsx",
    "needs_survey": "needs_survey.xlsx",
    "satisfaction": "satisfaction.xlsx",
}


_FILLED: dict[str, tuple[str, EngineResult]] = {}


@pytest.fixture
def filled(world: World) -> dict[str, tuple[str, EngineResult]]:
    """Every form filled in one Node run (start-up is most of the cost), kept for the module:
    the submissions are plain bytes, valid after each test's database rollback."""
    require_engine_or_skip()
    if not _FILLED:
        jobs, versions = _jobs(world)
        results = fill_forms(jobs)
        for form_id, result in zip(STEPS, results, strict=True):
            _FILLED[form_id] = (versions[form_id].version, result)
    return _FILLED


def _jobs(world: World) -> tuple[list[EngineJob], dict[str, FormVersion]]:
    jobs, versions = [], {}
    for form_id in STEPS:
        data = (FORMS_DIR / FILES[form_id]).read_bytes()
        version = form_upload(
            data=data, file_name=FILES[form_id], user=None, validate=False
        ).version
        form_set_state(form=version.form, state=FormState.OPEN)
        form_publish(form=version.form, area=world.district)
        served = bytes(version.xml)
        assert md5_hex(served) == version.xml_md5  # the bytes formList's hash announces
        attachments = {
            entry.filename: media_payload(
                form_version=version, filename=entry.filename, user=world.bob
            ).read()
            for entry in manifest_for(form_version=version, user=world.bob)
        }
        versions[form_id] = version
        jobs.append(EngineJob(served, STEPS[form_id], attachments, BOB_PHONE))
    return jobs, versions


def value(root: etree._Element, path: str) -> str | None:
    """The text at an instance path like /data/grp_id/grid (namespace-agnostic)."""
    steps = [step for step in path.split("/") if step][1:]
    element = root
    for step in steps:
        name, _, index = step.partition("[")
        matches = [child for child in element if etree.QName(child).localname == name]
        position = int(index.rstrip("]")) - 1 if index else 0
        if len(matches) <= position:
            return None
        element = matches[position]
    return element.text or ""


def submission(filled, form_id: str) -> etree._Element:
    version, result = filled[form_id]
    assert result.ok, result.validation
    root = etree.fromstring(result.xml)
    assert (root.get("id"), root.get("version")) == (form_id, version)
    assert value(root, "/data/meta/instanceID").startswith("uuid:")
    return root


def test_the_household_visit_with_two_needs_and_photos(filled) -> None:
    root = submission(filled, "hh_visit")
    assert value(root, "/data/grp_id/household") == "XF-1-102"
    assert value(root, "/data/hh_label") == "幸福小区1栋1单元102 李**"  # from households.csv
    assert value(root, "/data/hh_flags") == "dibao disabled"
    assert value(root, "/data/grp_hh/special_flags") == "dibao disabled"
    assert value(root, "/data/door_photo") == "1700000000000.jpg"
    assert value(root, f"{NEEDS}[1]/need_category") == "eldercare"
    assert value(root, f"{NEEDS}[2]/need_desc") == "楼道路灯不亮"
    assert value(root, f"{NEEDS}[2]/need_photo") == "1700000000001.jpg"
    assert value(root, f"{NEEDS}[3]/need_desc") is None
    assert value(root, "/data/needs_count") == "2"
    assert value(root, "/data/username") == "bob"
    _, result = filled["hh_visit"]
    assert set(result.files) == {"1700000000000.jpg", "1700000000001.jpg"}
    assert result.files["1700000000000.jpg"] == DOOR_JPEG


def test_the_needs_survey(filled) -> None:
    root = submission(filled, "needs_survey")
    assert value(root, "/data/grp_id/grid") == "CY1"
    assert value(root, "/data/grp_svc/svc_want") == "eldercare health"
    assert (value(root, "/data/grp_svc/top1"), value(root, "/data/grp_svc/top2")) == (
        "eldercare",
        "health",
    )
    assert value(root, "/data/grp_svc/top3") is None  # not relevant: left out
    assert value(root, "/data/grp_open/callback_ok") == "yes"


def test_the_satisfaction_survey_with_a_followup(filled) -> None:
    root = submission(filled, "satisfaction")
    assert value(root, "/data/grp_sat/grp_sat_1/s_attitude") == "4"
    assert value(root, "/data/grp_sat/grp_sat_3/s_overall") == "5"
    assert value(root, "/data/grp_followup/followup_need") == "_other"  # needs_followup.csv
    assert value(root, "/data/grp_followup/reopen") == "yes"
    assert value(root, "/data/grp_followup/dissat_reason") is None
