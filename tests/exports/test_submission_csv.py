"""CSV ZIP exports of submissions: ODK Central's layout (a file per repeat, KEY/PARENT_KEY),
system columns, labels in both languages or names, choice labels or codes, 0/1 columns,
Excel safety, and masking."""

from __future__ import annotations

from tests.conftest import World
from tests.exports.conftest import Need, Send
from tests.exports.support import csv_rows, run_export, zip_members


def test_main_file_and_repeat_file_are_linked_by_keys(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    first = send(needs=(Need("repair", "楼道灯坏了"), Need("health", "需要上门体检")))
    second = send(household="XF-1-102", needs=())
    job = run_export(django_capture_on_commit_callbacks, world.alice, options={"language": "names"})
    members = zip_members(job)
    assert sorted(members) == ["hh_visit-needs.csv", "hh_visit.csv"]
    main = csv_rows(members["hh_visit.csv"])
    needs = csv_rows(members["hh_visit-needs.csv"])
    assert [row["KEY"] for row in main] == [first.instance_id, second.instance_id]
    assert [row["household"] for row in main] == ["XF-1-101", "XF-1-102"]
    assert [(row["need_category"], row["need_desc"]) for row in needs] == [
        ("维修", "楼道灯坏了"),
        ("医疗健康", "需要上门体检"),
    ]
    assert {row["PARENT_KEY"] for row in needs} == {first.instance_id}
    assert [row["KEY"] for row in needs] == [
        f"{first.instance_id}/grp_needs/needs[1]",
        f"{first.instance_id}/grp_needs/needs[2]",
    ]
    row = main[0]
    assert row["GridCode"] == "CY1" and row["GridName"] == "长源第一网格"
    assert row["CommunityCode"] == "CY" and row["CommunityName"] == "长源社区"
    assert row["SubmitterID"] == "bob" and row["SubmitterName"] == "鲍明"
    assert row["FormVersion"] == "2026112301" and row["ReviewState"] == "received"
    assert row["DeviceID"] == "collect:Xk3pQ9wLm2Rt7vB1"
    assert row["SubmissionDate"].endswith("+08:00")
    assert row["members_total"] == "3" and row["next_visit"] == "2026-12-20"
    assert row["location-Latitude"] == "30.5728" and row["location-Longitude"] == "104.0668"
    assert row["special_flags"] == "低保户 残疾人"
    assert job.rows_done == 2 and job.rows_total == 2 and job.percent == 100


def test_labels_in_chinese_and_english_with_group_paths(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send(needs=(Need("repair", "漏水"),))
    zh = run_export(django_capture_on_commit_callbacks, world.alice, options={"language": "zh"})
    en = run_export(
        django_capture_on_commit_callbacks,
        world.alice,
        options={"language": "en", "group_paths": True},
    )
    zh_row = csv_rows(zip_members(zh)["hh_visit.csv"])[0]
    en_row = csv_rows(zip_members(en)["hh_visit.csv"])[0]
    assert zh_row["走访结果"] == "见到住户" and zh_row["网格"] == "CY1"
    assert zh_row["提交时间"] and zh_row["社区名称"] == "长源社区"
    assert en_row["Visit-Outcome"] == "Met"
    assert en_row["Household-Grid"] == "CY1"
    assert en_row["Submission date"] and en_row["Community name"] == "长源社区"
    en_need = csv_rows(zip_members(en)["hh_visit-needs.csv"])[0]
    assert en_need["Category"] == "Repairs"
    assert en_need["PARENT_KEY"]


def test_codes_and_one_column_per_choice(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send(flags="dibao")
    send(household="XF-1-102", flags="")
    job = run_export(
        django_capture_on_commit_callbacks,
        world.alice,
        options={"language": "names", "choice_labels": False, "split_multiple": True},
    )
    rows = csv_rows(zip_members(job)["hh_visit.csv"])
    assert rows[0]["visit_result"] == "met"
    assert rows[0]["special_flags"] == "dibao"
    assert (rows[0]["special_flags/dibao"], rows[0]["special_flags/disabled"]) == ("1", "0")
    assert rows[1]["special_flags/dibao"] == ""  # not answered is not "no"


def test_formulas_are_neutralised_and_numbers_are_not(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send(
        opinions="=HYPERLINK(&quot;http://evil&quot;)",
        household="+86",
        members="-1",
        needs=(Need("repair", "@SUM(A1)"),),
    )
    job = run_export(django_capture_on_commit_callbacks, world.alice, options={"language": "names"})
    members = zip_members(job)
    row = csv_rows(members["hh_visit.csv"])[0]
    assert row["opinions"] == '\'=HYPERLINK("http://evil")'
    assert row["household"] == "'+86"
    assert row["members_total"] == "-1"  # an integer answer stays a number
    assert csv_rows(members["hh_visit-needs.csv"])[0]["need_desc"] == "'@SUM(A1)"
    assert b"\r\n" in members["hh_visit.csv"]


def test_collectors_get_phones_masked_and_managers_in_full(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    send(phone="13812345678")
    manager = run_export(
        django_capture_on_commit_callbacks, world.alice, options={"language": "names"}
    )
    collector = run_export(
        django_capture_on_commit_callbacks, world.bob, options={"language": "names"}
    )
    assert csv_rows(zip_members(manager)["hh_visit.csv"])[0]["phone"] == "13812345678"
    assert csv_rows(zip_members(collector)["hh_visit.csv"])[0]["phone"] == "138****5678"
