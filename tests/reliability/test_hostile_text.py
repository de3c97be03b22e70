"""HTML, script, SQL and spreadsheet formulas typed into every free-text field (through the
register import a district really uses, the people pages and a form's title) are stored as
the text they are and rendered escaped on every page that shows them."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from server.accounts.services import user_create
from server.grids.models import Area, Building, Compound, Household
from server.xforms.services import form_upload
from server.xforms.xlsform import xlsx_from_markdown
from tests.conftest import PASSWORD, World

SCRIPT = "<script>alert('gb')</script>"
SQL = "'; DROP TABLE grids_household; --"
FORMULA = '=HYPERLINK("http://evil.example","点击")'
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{SQL}"

HEADER = [
    "district_code", "district_name", "street_code", "street_name", "community_code",
    "community_name", "grid_code", "grid_name", "compound_code", "compound_name",
    "building_code", "building_label", "household_code", "address", "unit", "room",
    "head_name", "notes",
]  # fmt: skip


def hostile_register() -> bytes:
    row = [
        "JY", "江阳区" + SCRIPT, "JY-TY", "桃源街道" + IMG, "JY-TY-CY", "长源社区" + SQL,
        "JY-TY-CY-G01", "网格" + SCRIPT, "CY-XF", "小区" + IMG, "CY-XF-B01", "楼" + SCRIPT,
        "CY-XF-B01-1-101", "地址" + PAYLOAD, "1", "101", "王" + SCRIPT, FORMULA + SQL,
    ]  # fmt: skip
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, row])
    return buffer.getvalue().encode()


@pytest.fixture
def hostile_world(db: None, signed_in) -> None:  # type: ignore[no-untyped-def]
    admin = user_create(username="root", role="admin", password=PASSWORD)
    response = signed_in(admin).post(
        "/import/register/",
        {"file": SimpleUploadedFile("r.csv", hostile_register()), "source": "import_police"},
    )
    assert response.status_code == 200, response.content.decode()[-2000:]
    assert SCRIPT not in response.content.decode()


def test_imported_text_is_stored_exactly_as_typed(hostile_world: None) -> None:
    household = Household.objects.get(code="CY-XF-B01-1-101")
    assert household.head_name == "王" + SCRIPT
    assert household.notes == FORMULA + SQL
    assert household.address_label == "地址" + PAYLOAD
    assert Area.objects.get(code="JY").name == "江阳区" + SCRIPT
    assert Compound.objects.get(code="CY-XF").name == "小区" + IMG
    assert Building.objects.get(code="CY-XF-B01").label == "楼" + SCRIPT


PAGES = [
    "/",
    "/register/",
    "/areas/JY/",
    "/areas/JY-TY/",
    "/areas/JY-TY-CY/",
    "/areas/JY-TY-CY-G01/",
    "/households/CY-XF-B01-1-101/",
    "/people/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_hostile_text_escaped(hostile_world: None, signed_in, path: str) -> None:  # type: ignore[no-untyped-def]
    from server.accounts.models import User

    page = signed_in(User.objects.get(username="root")).get(path).content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "onerror=alert(1)>" not in page or "&lt;img" in page


def test_the_household_page_shows_the_escaped_text_itself(hostile_world: None, signed_in) -> None:  # type: ignore[no-untyped-def]
    from server.accounts.models import User

    page = signed_in(User.objects.get(username="root")).get("/households/CY-XF-B01-1-101/")
    text = page.content.decode()
    assert "王&lt;script&gt;alert(&#x27;gb&#x27;)&lt;/script&gt;" in text
    assert "&#x27;; DROP TABLE grids_household; --" in text


def test_people_and_form_titles_are_escaped(world: World, signed_in) -> None:  # type: ignore[no-untyped-def]
    user_create(
        username="mallory", role="collector", password=PASSWORD, full_name=SCRIPT,
        areas=[world.grid_a1],
    )  # fmt: skip
    markdown = f"""
| survey |
|        | type | name | label |
|        | text | q    | {IMG} |
| settings |
|          | form_id | version | form_title |
|          | evil    | 1       | {SCRIPT}   |
"""
    form_upload(
        data=xlsx_from_markdown(markdown), file_name="e.xlsx", user=world.dave, validate=False
    )
    admin = signed_in(world.admin)
    for path in ("/people/", "/person/mallory/", "/forms/", "/forms/evil/", "/forms/evil/preview/"):
        page = admin.get(path).content.decode()
        assert "<script>alert" not in page, path
        assert "<img src=x" not in page, path
    assert "&lt;script&gt;" in admin.get("/forms/").content.decode()
