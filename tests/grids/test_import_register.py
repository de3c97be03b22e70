"""import_register: good files are upserted by code; a file with bad rows imports nothing and
reports every bad row with its number and reason; --skip-bad imports the rest."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from server.grids.models import Area, Building, Compound, FlagChange, Household, HouseholdFlag

pytestmark = pytest.mark.django_db

FLAT_HEADER = (
    "district_code,district_name,street_code,street_name,community_code,"
    "community_name,grid_code,grid_name,compound_code,compound_name,building_code,"
    "building_label,household_code,unit,floor,room,head_name,phone,residence_type,"
    "members,elderly_60,flags"
)
FLAT_ROWS = [
    "JY,江阳区,TY,桃源街道,CY,长源社区,CY1,长源第一网格,XF,幸福小区,XF-1,幸福小区1栋,XF-1-101,1,1,101,王建国,13800000001,registered,3,1,retiree",
    "JY,江阳区,TY,桃源街道,CY,长源社区,CY1,长源第一网格,XF,幸福小区,XF-1,幸福小区1栋,XF-1-102,1,1,102,李秀英,,租赁户,1,1,低保户 残疾人",
    "JY,江阳区,TY,桃源街道,BH,滨河社区,BH1,滨河第一网格,,,BH-1,滨河花园1栋,BH-1-101,1,1,101,陈明,,migrant,2,0,",
]


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run_import(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command(
            "import_register", str(path), *args, "--language", "en", stdout=out, stderr=err
        )
    return out.getvalue(), err.getvalue()


def test_a_flat_csv_builds_the_whole_tree(tmp_path: Path) -> None:
    path = write(tmp_path, "register.csv", "\n".join([FLAT_HEADER, *FLAT_ROWS]))
    out, _ = run_import(path, "--source", "import_police")
    assert Area.objects.get(code="CY1").path == "/JY/TY/CY/CY1/"
    assert Building.objects.get(code="XF-1").compound == Compound.objects.get(code="XF")
    household = Household.objects.get(code="XF-1-102")
    assert household.building.grid.code == "CY1"
    assert household.residence_type == "renter"  # the Chinese label 租赁户 was understood
    assert set(household.flags.values_list("flag", flat=True)) == {"dibao", "disabled"}
    assert household.provenance["head_name"]["source"] == "import_police"
    assert "households: 3 created" in out


def test_importing_the_same_file_again_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "register.csv", "\n".join([FLAT_HEADER, *FLAT_ROWS]))
    run_import(path)
    before = list(Household.objects.order_by("code").values())
    out, _ = run_import(path)
    assert list(Household.objects.order_by("code").values()) == before
    assert "created" not in out


def test_an_update_changes_only_what_the_file_says(tmp_path: Path) -> None:
    run_import(write(tmp_path, "register.csv", "\n".join([FLAT_HEADER, *FLAT_ROWS])))
    update = write(
        tmp_path, "update.csv", "household_code,building_code,phone\nXF-1-101,XF-1,13900000009\n"
    )
    run_import(update, "--source", "import_labour")
    household = Household.objects.get(code="XF-1-101")
    assert household.phone == "13900000009"
    assert household.head_name == "王建国"
    assert household.provenance["phone"]["source"] == "import_labour"
    assert household.provenance["head_name"]["source"] == "import"


def test_bad_rows_import_nothing_and_every_one_is_reported(tmp_path: Path) -> None:
    rows = [
        FLAT_ROWS[0],
        FLAT_ROWS[1].replace(",1,1,低保户", ",1,5,低保户"),  # more elderly than members
        FLAT_ROWS[2].replace("migrant", "martian"),
        FLAT_ROWS[2].replace("BH-1-101", "bad code!"),
    ]
    path = write(tmp_path, "register.csv", "\n".join([FLAT_HEADER, *rows]))
    with pytest.raises(CommandError) as error:
        run_import(path)
    assert "3 rows have errors; nothing was imported" in str(error.value)
    assert not Area.objects.exists() and not Household.objects.exists()


def test_the_report_names_each_bad_row_and_column(tmp_path: Path, capsys) -> None:
    rows = [FLAT_ROWS[0], FLAT_ROWS[2].replace("migrant", "martian")]
    path = write(tmp_path, "register.csv", "\n".join([FLAT_HEADER, *rows]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_register", str(path), "--language", "en", stderr=err)
    report = err.getvalue()
    assert "register.csv row 3 [residence_type]: martian is not one of" in report


def test_the_report_speaks_chinese_by_default(tmp_path: Path) -> None:
    rows = [FLAT_ROWS[0], FLAT_ROWS[2].replace("migrant", "martian")]
    path = write(tmp_path, "register.csv", "\n".join([FLAT_HEADER, *rows]))
    err = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_register", str(path), stderr=err)
    assert "第 3 行" in err.getvalue()
    assert "未导入任何数据" in str(error.value)


def test_skip_bad_imports_the_good_rows_and_their_parents_only(tmp_path: Path) -> None:
    rows = [
        FLAT_ROWS[0],
        FLAT_ROWS[1],
        FLAT_ROWS[2].replace("13800000001", "").replace("BH1,滨河第一网格", "BH1,"),
    ]
    rows[2] = rows[2].replace("migrant", "martian")
    path = write(tmp_path, "register.csv", "\n".join([FLAT_HEADER, *rows]))
    out, err = run_import(path, "--skip-bad")
    assert set(Household.objects.values_list("code", flat=True)) == {"XF-1-101", "XF-1-102"}
    assert "1 bad rows were skipped" in out
    assert "row 4" in err


def test_a_household_in_an_unknown_building_is_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path, "households.csv", "household_code,building_code,address\nH1,NOPE,某地址\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_register", str(path), "--language", "en", stderr=err)
    assert "row 2 [building_code]: NOPE is not a building" in err.getvalue()


def test_a_gbk_csv_from_chinese_excel_with_chinese_headers_is_read(tmp_path: Path) -> None:
    text = (
        "编码,名称,层级,上级编码\nJY,江阳区,区,\nTY,桃源街道,街道,JY\n"
        "CY,长源社区,社区,TY\nCY1,长源第一网格,网格,CY\n"
    )
    run_import(write(tmp_path, "areas.csv", text, encoding="gbk"))
    assert Area.objects.get(code="CY1").name == "长源第一网格"
    assert Area.objects.get(code="CY").level == "community"


def test_a_workbook_with_one_sheet_per_level(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheets = {
        "说明": [["这是说明页，不导入"]],
        "areas": [
            ["编码 code", "名称 name", "层级 level", "上级编码 parent_code"],
            ["JY", "江阳区", "district", None],
            ["TY", "桃源街道", "street", "JY"],
            ["CY", "长源社区", "community", "TY"],
            ["CY1", "长源第一网格", "grid", "CY"],
        ],
        "buildings": [
            ["building_code", "building_label", "grid_code", "floors", "楼栋长", "楼栋长电话"],
            ["XF-1", "幸福小区1栋", "CY1", 6, "赵大爷", "13900000009"],
        ],
        "households": [
            ["household_code", "building_code", "unit", "room", "members", "priority"],
            ["XF-1-502", "XF-1", 2, 502, 2, "是"],
        ],
    }
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "register.xlsx"
    workbook.save(path)
    run_import(path)
    household = Household.objects.get(code="XF-1-502")
    assert (household.room, household.unit, household.priority) == ("502", "2", True)
    assert household.address_label == "幸福小区1栋2单元502"
    building = Building.objects.get(code="XF-1")
    assert (building.floor_count, building.head_name, building.head_phone) == (
        6,
        "赵大爷",
        "13900000009",
    )


def test_flags_from_one_source_do_not_erase_another_sources(tmp_path: Path) -> None:
    run_import(
        write(tmp_path, "register.csv", "\n".join([FLAT_HEADER, *FLAT_ROWS])),
        "--source",
        "import_civil_affairs",
    )
    labour = write(
        tmp_path, "labour.csv", "household_code,building_code,flags\nXF-1-102,XF-1,unemployed\n"
    )
    run_import(labour, "--source", "import_labour")
    flags = dict(
        HouseholdFlag.objects.filter(household__code="XF-1-102").values_list("flag", "source")
    )
    assert flags == {
        "dibao": "import_civil_affairs",
        "disabled": "import_civil_affairs",
        "unemployed": "import_labour",
    }
    # The labour bureau takes its flag back: the history keeps both changes, each with
    # its source and the household's grid.
    run_import(
        write(tmp_path, "again.csv", "household_code,building_code,flags\nXF-1-102,XF-1,无\n"),
        "--source",
        "import_labour",
    )
    history = FlagChange.objects.filter(household__code="XF-1-102").order_by("pk")
    assert [(c.flag, c.added, c.source, c.grid.code) for c in history] == [
        ("dibao", True, "import_civil_affairs", "CY1"),
        ("disabled", True, "import_civil_affairs", "CY1"),
        ("unemployed", True, "import_labour", "CY1"),
        ("unemployed", False, "import_labour", "CY1"),
    ]


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    with pytest.raises(CommandError) as error:
        run_import(path)
    assert "cannot be read" in str(error.value)
    assert not Area.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\xff\xd8\xff\xe0 not a workbook")
    with pytest.raises(CommandError) as error:
        run_import(path)
    assert "not an XLSX" in str(error.value)


def test_columns_that_match_no_layout_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as error:
        run_import(write(tmp_path, "x.csv", "foo,bar\n1,2\n"))
    assert "do not match any register layout" in str(error.value)


DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("template", ["register-template.xlsx", "register-template-flat.csv"])
def test_the_shipped_templates_import_cleanly(template: str) -> None:
    run_import(DOCS / template)
    household = Household.objects.get(code="CY-XF-B01-1-101")
    assert household.building.grid.code == "JY-TY-CY-G01"
    assert household.head_name == "王建国"
