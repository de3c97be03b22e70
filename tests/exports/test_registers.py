"""Register exports: households with their last visit (overdue list per grid and worker,
printable), special-population lists in each department's layout, masked for collectors."""

from __future__ import annotations

import io
from datetime import timedelta

from django.utils import timezone
from openpyxl import load_workbook

from server.grids.models import Household
from tests.conftest import World
from tests.exports.support import csv_rows, file_bytes, run_export, zip_members


def sheets(job) -> dict[str, list[dict]]:
    book = load_workbook(io.BytesIO(file_bytes(job)))
    result = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        result[sheet.title] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    return result


def test_overdue_households_one_printable_sheet_per_grid(
    world: World, django_capture_on_commit_callbacks
) -> None:
    now = timezone.now()
    Household.objects.filter(code="XF-1-101").update(
        last_visit_at=now - timedelta(days=2), last_visit_by=world.bob
    )
    Household.objects.filter(code="XF-1-102").update(last_visit_at=now - timedelta(days=45))
    job = run_export(
        django_capture_on_commit_callbacks,
        world.alice,
        kind="households",
        format="xlsx",
        options={"overdue_days": 30},
    )
    found = sheets(job)
    assert list(found) == ["CY1 长源第一网格", "CY2 长源第二网格"]
    cy1 = found["CY1 长源第一网格"]
    assert [row["地址"] for row in cy1] == ["幸福小区1栋1单元102", "幸福小区1栋1单元201"]
    assert cy1[0]["距上次走访天数"] == 45 and cy1[1]["距上次走访天数"] is None  # never visited
    assert cy1[0]["网格员"] == "鲍明" and cy1[0]["户主"] == "李秀英"
    assert "低保户" in cy1[0]["特殊人群"]
    book = load_workbook(io.BytesIO(file_bytes(job)))
    sheet = book["CY1 长源第一网格"]
    assert sheet.print_title_rows == "$1:$1" and sheet.page_setup.orientation == "landscape"
    assert "鲍明" in sheet.oddHeader.center.text
    assert job.rows_done == 3  # XF-1-102, XF-1-201, XF-2-101


def test_collectors_get_their_grid_with_names_and_phones_masked(
    world: World, django_capture_on_commit_callbacks
) -> None:
    job = run_export(
        django_capture_on_commit_callbacks, world.bob, kind="households", format="csv_zip"
    )
    ((_name, data),) = zip_members(job).items()
    rows = csv_rows(data)
    assert [row["住户编码"] for row in rows] == ["XF-1-101", "XF-1-102", "XF-1-201"]
    assert rows[0]["户主"] == "王**" and rows[0]["电话"] == "138****0001"
    manager = csv_rows(
        next(
            iter(
                zip_members(
                    run_export(
                        django_capture_on_commit_callbacks,
                        world.alice,
                        kind="households",
                        format="csv_zip",
                    )
                ).values()
            )
        )
    )
    assert manager[0]["户主"] == "王建国" and manager[0]["电话"] == "13800000001"


def test_special_population_lists_per_department(
    world: World, django_capture_on_commit_callbacks
) -> None:
    job = run_export(
        django_capture_on_commit_callbacks, world.admin, kind="special_populations", format="xlsx"
    )
    found = sheets(job)
    assert list(found) == ["公安", "计生", "劳动就业", "民政", "残联"]
    assert [row["地址"] for row in found["公安"]] == ["幸福小区1栋1单元201"]  # migrant renter
    assert "居住类型" in found["公安"][0] and "60岁以上" not in found["公安"][0]
    assert [row["地址"] for row in found["民政"]] == [
        "滨河花园1栋1单元102",
        "幸福小区1栋1单元102",
    ]  # by area path
    assert "老人居住状况" in found["民政"][0]
    assert [row["地址"] for row in found["残联"]] == ["幸福小区1栋1单元102"]
    assert found["计生"] == [] and found["劳动就业"] == []


def test_department_lists_respect_scope_and_choice(
    world: World, django_capture_on_commit_callbacks
) -> None:
    job = run_export(
        django_capture_on_commit_callbacks,
        world.erin,
        kind="special_populations",
        format="csv_zip",
        options={"departments": ["civil_affairs"]},
    )
    members = zip_members(job)
    assert list(members) == ["民政.csv"]
    assert [row["地址"] for row in csv_rows(members["民政.csv"])] == ["滨河花园1栋1单元102"]
