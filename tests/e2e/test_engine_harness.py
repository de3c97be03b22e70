"""The engine harness fills a real form the way an outside client does.

ODK Web Forms' engine loads fixtures/hh_visit_mini.xml (a register list with a
choice_filter, a calculate reading it, a repeat, a photo, a "none"-exclusive
select_multiple, a geopoint, a date), is filled by fill.mjs and produces the
submission these tests read back. Every job runs in one Node process.

Without Node or node_modules these tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from . import engine_client
from .engine_client import (
    EngineJob,
    EngineJobError,
    EngineResult,
    EngineUnavailable,
    fill_form,
    fill_forms,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FORM = (FIXTURES / "hh_visit_mini.xml").read_bytes()
DOOR_JPEG = (FIXTURES / "door.jpg").read_bytes()
LARGE_JPEG = (
    FIXTURES / "door_large.jpg"
).read_bytes()  # 1600 x 1200, the form says max-pixels=1280
ATTACHMENTS = {"households.csv": (FIXTURES / "households.csv").read_bytes()}
BOB_PHONE = {"deviceID": "collect:bob-phone-01", "username": "bob"}

HOUSEHOLD = "/data/grp_id/household"
NEEDS = "/data/grp_needs/needs"

Step = dict[str, Any]

VALID_STEPS: list[Step] = [
    {"set": "/data/grp_id/grid", "value": "g1"},
    {"set": HOUSEHOLD, "value": "h101"},
    {"set": "/data/grp_hh/members_total", "value": 3},
    {"set": "/data/grp_hh/area_m2", "value": "55.5"},
    {"select": "/data/grp_hh/special_flags", "values": ["dibao", "disabled"]},
    {"set": "/data/grp_hh/hardship_note", "value": "医疗费用高 <药费>"},
    {"file": "/data/door_photo", "content": DOOR_JPEG, "name": "door.jpg"},
    {"set": "/data/location", "value": "31.2304 121.4737 12.5 8"},
    {"set": "/data/next_visit", "value": "2099-01-02"},
    # pyxform's forms start with one repeat row: fill it, then add the second.
    {"set": f"{NEEDS}[1]/need_category", "value": "eldercare"},
    {"set": f"{NEEDS}[1]/need_desc", "value": "需要助餐服务"},
    {"add_repeat": NEEDS},
    {"select": f"{NEEDS}[2]/need_category", "values": ["repair"]},
    {"set": f"{NEEDS}[2]/need_desc", "value": "楼道灯坏了"},
]


def without(*paths: str) -> list[Step]:
    actions = ("set", "select", "add_repeat", "file")
    return [
        step for step in VALID_STEPS if not any(step.get(action) in paths for action in actions)
    ]


def answers(*answers: tuple[str, str]) -> list[Step]:
    return [{"set": path, "value": value} for path, value in answers]


JOBS = {
    "valid": EngineJob(
        FORM, VALID_STEPS, ATTACHMENTS, BOB_PHONE, geolocation="31.2305 121.4738 15 20"
    ),
    "missing_required": EngineJob(FORM, without(HOUSEHOLD, f"{NEEDS}[2]/need_desc"), ATTACHMENTS),
    "broken_constraints": EngineJob(
        FORM,
        [
            *VALID_STEPS,
            {"set": "/data/grp_hh/members_total", "value": "25"},
            {"select": "/data/grp_hh/special_flags", "values": ["none", "dibao"]},
            {"set": f"{NEEDS}[1]/need_desc", "value": "修灯"},
        ],
        ATTACHMENTS,
    ),
    "household_outside_filter": EngineJob(
        FORM, answers(("/data/grp_id/grid", "g1"), (HOUSEHOLD, "h201")), ATTACHMENTS
    ),
    "household_inside_filter": EngineJob(
        FORM, answers(("/data/grp_id/grid", "g2"), (HOUSEHOLD, "h201")), ATTACHMENTS
    ),
    "grid_changed_after_household": EngineJob(
        FORM,
        answers(("/data/grp_id/grid", "g2"), (HOUSEHOLD, "h201"), ("/data/grp_id/grid", "g1")),
        ATTACHMENTS,
    ),
    "large_photo": EngineJob(
        FORM,
        [{"file": "/data/door_photo", "content": LARGE_JPEG, "name": "1700000000000.jpg"}],
        ATTACHMENTS,
    ),
    "unknown_path": EngineJob(
        FORM, [{"set": f"{NEEDS}/need_category", "value": "repair"}], ATTACHMENTS
    ),
    "unknown_choice": EngineJob(
        FORM, [{"select": "/data/grp_hh/special_flags", "values": ["vip"]}], ATTACHMENTS
    ),
    "integer_given_a_fraction": EngineJob(
        FORM, [{"set": "/data/grp_hh/members_total", "value": 2.5}], ATTACHMENTS
    ),
    "answer_to_irrelevant_question": EngineJob(
        FORM, [{"set": "/data/grp_hh/hardship_note", "value": "not shown yet"}], ATTACHMENTS
    ),
    "missing_register_list": EngineJob(FORM, VALID_STEPS[:1], {}),
}


def require_engine_or_skip() -> None:
    problem = engine_client.engine_problem()
    if problem is not None:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(problem)


@pytest.fixture(scope="module")
def results() -> dict[str, EngineResult]:
    require_engine_or_skip()
    return dict(zip(JOBS, fill_forms(JOBS.values(), check=False), strict=True))


@pytest.fixture(scope="module")
def valid(results: dict[str, EngineResult]) -> EngineResult:
    return results["valid"]


@pytest.fixture(scope="module")
def submission(valid: EngineResult) -> ET.Element:
    return ET.fromstring(valid.xml)


# ---------------------------------------------------------------- a valid fill


def test_valid_fill_is_accepted_by_the_engine(valid: EngineResult) -> None:
    assert (valid.ok, valid.error, valid.validation) == (True, None, [])


def test_submission_holds_the_answers(submission: ET.Element) -> None:
    assert (submission.tag, submission.get("id"), submission.get("version")) == (
        "data",
        "hh_visit_mini",
        "2024010101",
    )
    assert submission.findtext("grp_id/grid") == "g1"
    assert submission.findtext("grp_id/household") == "h101"
    assert submission.findtext("grp_hh/members_total") == "3"
    assert submission.findtext("grp_hh/area_m2") == "55.5"
    assert submission.findtext("grp_hh/special_flags") == "dibao disabled"
    assert submission.findtext("grp_hh/hardship_note") == "医疗费用高 <药费>"
    assert submission.findtext("next_visit") == "2099-01-02"
    assert [float(part) for part in submission.findtext("location", "").split()] == [
        31.2304,
        121.4737,
        12.5,
        8.0,
    ]


def test_calculations_read_the_register_list(submission: ET.Element) -> None:
    assert submission.findtext("hh_label") == "1栋101 张**"
    assert submission.findtext("meta/instanceName") == "g1-1栋101 张**"
    assert submission.findtext("grp_needs/needs_count") == "2"


def test_repeat_rows_arrive_in_order(submission: ET.Element) -> None:
    rows = [
        (row.findtext("need_category"), row.findtext("need_desc"))
        for row in submission.iter("needs")
    ]
    assert rows == [("eldercare", "需要助餐服务"), ("repair", "楼道灯坏了")]


def test_meta_holds_instance_id_device_and_times(
    valid: EngineResult, submission: ET.Element
) -> None:
    assert re.fullmatch(
        r"uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}",
        valid.instance_id or "",
    )
    assert submission.findtext("meta/instanceID") == valid.instance_id
    assert (submission.findtext("deviceid"), submission.findtext("username")) == (
        "collect:bob-phone-01",
        "bob",
    )
    start = datetime.fromisoformat(submission.findtext("start", ""))
    end = datetime.fromisoformat(submission.findtext("end", ""))
    assert (
        start.utcoffset() == end.utcoffset() == timedelta(hours=8)
    )  # fill_forms runs Node with TZ=Asia/Shanghai
    assert start <= end
    assert date.fromisoformat(submission.findtext("today", "")) == start.date()
    assert submission.findtext("start_location") == "31.2305 121.4738 15.0 20.0"


def test_instance_has_no_declaration_and_no_namespace(valid: EngineResult) -> None:
    assert valid.xml.startswith(b'<data id="hh_visit_mini" version="2024010101">')


def test_photo_arrives_byte_identical_under_the_name_the_instance_gives(
    valid: EngineResult, submission: ET.Element
) -> None:
    assert submission.findtext("door_photo") == "door.jpg"
    assert valid.files == {"door.jpg": DOOR_JPEG}


def test_engine_does_not_downscale_to_max_pixels(results: dict[str, EngineResult]) -> None:
    assert b'orx:max-pixels="1280"' in FORM
    assert results["large_photo"].files == {"1700000000000.jpg": LARGE_JPEG}


# ---------------------------------------------------------------- rules the engine enforces


def test_unanswered_required_questions_are_reported(results: dict[str, EngineResult]) -> None:
    result = results["missing_required"]
    assert (result.ok, result.error) == (False, None)
    reported = {(violation.path, violation.condition) for violation in result.validation}
    assert reported == {(HOUSEHOLD, "required"), (f"{NEEDS}[2]/need_desc", "required")}


def test_broken_constraints_are_reported_with_the_forms_messages(
    results: dict[str, EngineResult],
) -> None:
    result = results["broken_constraints"]
    assert (result.ok, result.error) == (False, None)
    reported = {
        (violation.path, violation.condition, violation.message) for violation in result.validation
    }
    assert reported == {
        ("/data/grp_hh/members_total", "constraint", "人数须在0到20之间"),
        ("/data/grp_hh/special_flags", "constraint", '"无"不能与其他选项同选'),
        (f"{NEEDS}[1]/need_desc", "constraint", "至少4个字"),
    }
    assert (
        ET.fromstring(result.xml).findtext("grp_hh/members_total") == "25"
    )  # the payload is still made


def test_choice_filter_refuses_a_household_of_another_grid(
    results: dict[str, EngineResult],
) -> None:
    error = results["household_outside_filter"].error or ""
    assert '["h201"] not among the choices /data/grp_id/household' in error
    assert '["h101","h102","_new"]' in error


def test_choice_filter_admits_a_household_of_the_chosen_grid(
    results: dict[str, EngineResult],
) -> None:
    result = results["household_inside_filter"]
    assert result.error is None
    assert ET.fromstring(result.xml).findtext("hh_label") == "2栋201 王**"


def test_engine_clears_an_answer_the_filter_no_longer_offers(
    results: dict[str, EngineResult],
) -> None:
    result = results["grid_changed_after_household"]
    assert ET.fromstring(result.xml).findtext("grp_id/household") == ""
    assert HOUSEHOLD in result.invalid_paths


# ---------------------------------------------------------------- what the harness refuses


@pytest.mark.parametrize(
    ("job", "message"),
    [
        (
            "unknown_path",
            f"no node {NEEDS}/need_category in this form; nodes with that name now: {NEEDS}[1]/need_",
        ),
        ("unknown_choice", '["vip"] not among the choices /data/grp_hh/special_flags'),
        (
            "integer_given_a_fraction",
            'did not accept "2.5" for /data/grp_hh/members_total (input) of type int',
        ),
        ("answer_to_irrelevant_question", "/data/grp_hh/hardship_note (input) is not relevant now"),
        ("missing_register_list", "the form needs jr://file-csv/households.csv"),
    ],
)
def test_steps_the_engine_would_silently_drop_are_errors(
    results: dict[str, EngineResult], job: str, message: str
) -> None:
    result = results[job]
    assert (result.ok, result.xml, result.files) == (False, b"", {})
    assert message in (result.error or "")


def test_fill_form_raises_on_a_job_error_by_default() -> None:
    require_engine_or_skip()
    with pytest.raises(EngineJobError, match=r"job 0: step 1: no node /data/nowhere"):
        fill_form(FORM, [{"set": "/data/nowhere", "value": "x"}], attachments=ATTACHMENTS)


def test_cli_reads_stdin_prints_a_line_per_job_and_fails_if_one_could_not_run(
    tmp_path: Path,
) -> None:
    require_engine_or_skip()
    (tmp_path / "form.xml").write_bytes(FORM)
    (tmp_path / "households.csv").write_bytes(ATTACHMENTS["households.csv"])
    job = {
        "form": str(tmp_path / "form.xml"),
        "attachments": {"households.csv": str(tmp_path / "households.csv")},
    }
    jobs = [
        job | {"out_dir": str(tmp_path / "a")},
        job | {"out_dir": str(tmp_path / "b"), "steps": [{"typo": 1}]},
    ]
    completed = subprocess.run(
        [engine_client.node_executable() or "node", str(engine_client.FILL_SCRIPT)],
        input=json.dumps({"jobs": jobs}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [json.loads(line) for line in completed.stdout.splitlines()]
    assert completed.returncode == 1
    assert [(line["ok"], line["error"] is None) for line in lines] == [
        (False, True),
        (False, False),
    ]
    assert lines[0]["instance"] == str(tmp_path / "a" / "submission.xml")
    assert "exactly one of set, select, add_repeat, remove_repeat, file" in lines[1]["error"]


# ---------------------------------------------------------------- without the engine


def test_missing_node_is_reported_with_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GRIDBOOK_NODE", str(tmp_path / "no-node-here"))
    assert not engine_client.engine_available()
    with pytest.raises(EngineUnavailable, match="npm ci"):
        fill_forms([])


def test_missing_node_modules_is_reported_with_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if engine_client.node_problem() is not None:
        pytest.skip(
            f"needs a working Node to get past the Node check: {engine_client.node_problem()}"
        )
    (tmp_path / "package.json").write_text('{"dependencies": {"@getodk/xforms-engine": "0.22.0"}}')
    monkeypatch.setattr(engine_client, "ENGINE_DIR", tmp_path)
    problem = engine_client.engine_problem() or ""
    assert "@getodk/xforms-engine is not installed" in problem
    assert "npm ci" in problem
