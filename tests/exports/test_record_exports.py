"""Exports from the records: the needs ledger (every need with its lifecycle, scoped,
filtered, masked) and the per-grid record report (a sheet per block, a row per grid, a
subtotal per community, a total; satisfaction as dimension × grid)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from server.core.errors import GridbookError
from server.exports.services import export_request
from server.grids.choices import SpecialPopulation
from server.records.models import Need as NeedRecord
from server.submissions.tasks import process
from tests.conftest import World
from tests.exports.conftest import Need, Send
from tests.exports.support import csv_rows, file_bytes, run_export, zip_members


@pytest.fixture
def needs(world: World, send: Send) -> list:
    """Two visits in CY1 raising three needs, one in BH1 raising one; projected into the
    records as the background task does."""
    submissions = [
        send(
            household="XF-1-101",
            needs=(Need("health", "需要上门体检"), Need("repair", "楼道灯坏了")),
        ),
        send(household="XF-1-102", needs=(Need("repair", "=水管漏水"),)),
        send("carol", grid="BH1", household="BH-1-101", needs=(Need("health", "高血压随访"),)),
    ]
    for submission in submissions:
        process(submission)
    assert NeedRecord.objects.count() == 4
    return submissions


def sheets(job) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(file_bytes(job)))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_the_needs_ledger_has_every_need_in_scope_with_its_lifecycle(
    world: World, needs, django_capture_on_commit_callbacks
) -> None:
    job = run_export(
        django_capture_on_commit_callbacks, world.alice, kind="needs_ledger", format="csv_zip"
    )
    (rows,) = [csv_rows(data) for data in zip_members(job).values()]
    assert [(row["住户编码"], row["诉求类别"], row["诉求内容"]) for row in rows] == [
        ("XF-1-101", "医疗健康", "需要上门体检"),
        ("XF-1-101", "维修", "楼道灯坏了"),
        ("XF-1-102", "维修", "'=水管漏水"),
    ]
    first = rows[0]
    assert first["户主"] == "王建国" and "*" not in first["电话"]  # managers see them in full
    assert first["状态"] and first["承诺期限"] and first["登记时间"]
    assert first["社区"] == "长源社区" and first["网格"] == "长源第一网格"
    assert job.rows_done == 3


def test_the_ledger_filters_by_category_and_overdue_and_masks_for_collectors(
    world: World, needs, django_capture_on_commit_callbacks
) -> None:
    health = run_export(
        django_capture_on_commit_callbacks,
        world.admin,
        kind="needs_ledger",
        format="csv_zip",
        filters={"answers": {"category": "health"}},
    )
    (rows,) = [csv_rows(data) for data in zip_members(health).values()]
    assert [row["住户编码"] for row in rows] == ["BH-1-101", "XF-1-101"]  # by area path
    now = timezone.now()
    NeedRecord.objects.filter(household__code="XF-1-102").update(
        raised_at=now - timedelta(days=10), due_at=now - timedelta(days=2)
    )
    overdue = run_export(
        django_capture_on_commit_callbacks,
        world.alice,
        kind="needs_ledger",
        format="xlsx",
        filters={"answers": {"overdue": "yes"}},
    )
    (ledger,) = sheets(overdue).values()
    header, *data = ledger
    assert len(data) == 1 and dict(zip(header, data[0], strict=True))["是否超期"] == "是"
    collector = run_export(
        django_capture_on_commit_callbacks, world.bob, kind="needs_ledger", format="csv_zip"
    )
    (rows,) = [csv_rows(data) for data in zip_members(collector).values()]
    assert {row["户主"] for row in rows} == {"王**", "李**"}
    with pytest.raises(GridbookError):
        export_request(
            user=world.alice,
            kind="needs_ledger",
            format="xlsx",
            filters={"answers": {"visit_result": "met"}},
        )


def test_the_record_report_has_a_sheet_per_block_and_community_subtotals(
    world: World, needs, django_capture_on_commit_callbacks
) -> None:
    today = timezone.localdate()
    world.building_a1.head_name = "赵大爷"
    world.building_a1.save()
    job = run_export(
        django_capture_on_commit_callbacks,
        world.admin,
        kind="record_report",
        format="xlsx",
        filters={
            "date_from": (today - timedelta(days=7)).isoformat(),
            "date_to": today.isoformat(),
        },
    )
    found = sheets(job)
    assert list(found) == [
        "基础台账",
        "走访覆盖",
        "诉求",
        "回访",
        "满意度",
        "特殊人群",
        "上门服务",
        "安全与环境",
        "需求调查",
    ]
    header, *rows = found["走访覆盖"]
    table = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in rows}
    assert [key[1] for key in table] == [
        "滨河第一网格",
        "小计",
        "长源第一网格",
        "长源第二网格",
        "小计",
        "合计",
    ]
    assert table[("长源社区", "长源第一网格")]["走访次数"] == 2
    assert table[("长源社区", "小计")]["走访次数"] == 2
    assert table[("江阳区", "合计")]["走访次数"] == 3  # the administrator's root: the district
    header, *rows = found["诉求"]
    needs_table = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in rows}
    assert needs_table[("长源社区", "长源第一网格")]["登记诉求"] == 3
    assert needs_table[("长源社区", "长源第一网格")]["维修"] == 2
    header, *rows = found["基础台账"]
    register = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in rows}
    assert register[("长源社区", "长源第一网格")]["住户"] == 3
    heads = {key: row["楼栋长"] for key, row in register.items()}
    assert heads[("长源社区", "长源第一网格")] == heads[("江阳区", "合计")] == 1
    assert heads[("滨河社区", "滨河第一网格")] == 0
    # The world's households got their flags this week: each counts as given in the period.
    header, *rows = found["特殊人群"]
    flags = {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in rows}
    given = {
        flag: sum(1 for household in world.households_a1 if household.flags.filter(flag=flag))
        for flag in ("retiree", "dibao", "disabled", "migrant")
    }
    for flag, n in given.items():
        column = f"本期新增：{SpecialPopulation(flag).label}"
        assert flags[("长源社区", "长源第一网格")][column] == n, flag
    assert job.rows_total == 3  # grids


def test_a_manager_gets_only_their_community(
    world: World, needs, django_capture_on_commit_callbacks
) -> None:
    job = run_export(
        django_capture_on_commit_callbacks, world.erin, kind="record_report", format="xlsx"
    )
    _header, *rows = sheets(job)["走访覆盖"]
    assert [row[1] for row in rows] == ["滨河第一网格", "小计"]


def test_a_bad_period_is_refused(world: World, export_form) -> None:
    with pytest.raises(GridbookError) as raised:
        export_request(
            user=world.admin,
            kind="record_report",
            format="xlsx",
            filters={"date_from": "2020-01-01", "date_to": "2026-11-01"},
        )
    assert raised.value.code == "export_bad_option"
