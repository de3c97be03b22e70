"""The reads behind the forms pages: the list (counts per form, in a fixed number of
queries), a form's page, a version's schema, collectors to pick, and the register lists a
collector's phone would receive, read back as tables with the md5 the manifest gives."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.accounts.services import user_deactivate
from server.core.errors import GridbookError
from server.xforms.media import form_media_upload_bytes
from server.xforms.overview import (
    collector_named,
    collectors_to_pick,
    form_page,
    form_version_schema,
    forms_overview,
    published_area,
    register_lists_received,
)
from server.xforms.selectors import manifest_for
from server.xforms.services import form_publish, form_set_testers
from tests.conftest import World
from tests.xforms.conftest import simple_form, upload_markdown
from tests.xforms.test_media import JPEG, media_form

pytestmark = pytest.mark.django_db


def test_the_list_counts_versions_areas_and_missing_media(world: World) -> None:
    media = upload_markdown(media_form("1")).version
    upload_markdown(media_form("2"))
    form_publish(form=media.form, area=world.community_b)
    form_publish(form=media.form, area=world.community_a)
    upload_markdown(simple_form())
    rows = {row.form.form_id: row for row in forms_overview()}
    assert list(rows) == ["media_form", "simple"]
    media_row = rows["media_form"]
    assert media_row.version_count == 2
    assert media_row.form.current_version.version == "2"
    assert [area.code for area in media_row.areas] == ["BH", "CY"]  # by path
    assert (media_row.expected_media, media_row.missing_media) == (2, 2)  # logo, streets
    assert (rows["simple"].version_count, rows["simple"].missing_media) == (1, 0)


def test_uploaded_media_leave_the_missing_count(world: World) -> None:
    version = upload_markdown(media_form("1")).version
    form_media_upload_bytes(form_version=version, filename="logo.jpg", data=JPEG)
    [row] = forms_overview()
    assert (row.expected_media, row.missing_media) == (2, 1)


def test_the_list_takes_three_queries_whatever_the_number_of_forms(world: World) -> None:
    upload_markdown(simple_form("one"))
    with CaptureQueriesContext(connection) as few:
        forms_overview()
    for index in range(5):
        form = upload_markdown(simple_form(f"form_{index}")).version.form
        form_publish(form=form, area=world.district)
        upload_markdown(media_form(str(index + 1)))
    with CaptureQueriesContext(connection) as many:
        assert len(forms_overview()) == 7
    assert len(few) == len(many) == 3


def test_a_forms_page_holds_versions_newest_first_testers_areas_and_files(world: World) -> None:
    upload_markdown(media_form("1"), user=world.dave)
    version = upload_markdown(media_form("2"), user=world.admin).version
    form_set_testers(form=version.form, users=[world.carol, world.bob])
    form_publish(form=version.form, area=world.grid_a1)
    form_media_upload_bytes(form_version=version, filename="logo.jpg", data=JPEG)
    with CaptureQueriesContext(connection) as queries:
        page = form_page(form_id="media_form")
    assert len(queries) == 5
    assert [item.version for item in page.versions] == ["2", "1"]
    assert [item.created_by.username for item in page.versions] == ["admin", "dave"]
    assert [user.username for user in page.testers] == ["bob", "carol"]
    assert [publication.area.code for publication in page.publications] == ["CY1"]
    files = {item.expected.filename: item for item in page.media}
    assert files["households.csv"].expected.generated and files["households.csv"].stored is None
    assert files["logo.jpg"].stored.size == len(JPEG)
    assert files["streets.csv"].stored is None and not files["streets.csv"].expected.present


def test_an_unknown_form_has_no_page(world: World) -> None:
    with pytest.raises(GridbookError) as refused:
        form_page(form_id="nope")
    assert refused.value.code == "form_not_found"


def test_the_schema_of_the_current_or_a_named_version(world: World) -> None:
    upload_markdown(simple_form(version="1"))
    upload_markdown(simple_form(version="2", label="Full name"))
    assert form_version_schema(form_id="simple").version == "2"
    older = form_version_schema(form_id="simple", version="1")
    assert older.schema["fields"][0]["labels"]["en"] == "Name"
    with pytest.raises(GridbookError):
        form_version_schema(form_id="simple", version="9")
    with pytest.raises(GridbookError):
        form_version_schema(form_id="nope")


def test_collectors_to_pick_are_the_active_collectors(world: World) -> None:
    assert [user.username for user in collectors_to_pick()] == ["bob", "carol"]
    user_deactivate(user=world.carol, by=world.admin)
    assert [user.username for user in collectors_to_pick()] == ["bob"]
    assert collector_named("bob") == world.bob
    assert collector_named("alice") is None and collector_named("carol") is None


def test_register_lists_received_are_the_bytes_of_the_manifest(world: World) -> None:
    version = upload_markdown(media_form("1")).version
    tables = register_lists_received(form_version=version, collector=world.bob)
    assert [table.filename for table in tables] == ["households.csv"]
    [households] = tables
    [entry] = manifest_for(form_version=version, user=world.bob)
    assert (households.md5, households.size) == (entry.md5, entry.size)
    assert households.header[:3] == ["name", "label", "grid"]
    names = [row[0] for row in households.rows]
    assert names == ["XF-1-101", "XF-1-102", "XF-1-201", "_new", "_anon"]
    assert "1单元101 王**" in households.rows[0][1]  # masked by the generator
    carol = register_lists_received(form_version=version, collector=world.carol)[0]
    assert [row[0] for row in carol.rows] == ["BH-1-101", "BH-1-102", "_new", "_anon"]


def test_a_published_area_is_found_by_its_code(world: World) -> None:
    form = upload_markdown(simple_form()).version.form
    form_publish(form=form, area=world.community_a)
    assert published_area(form=form, code="CY") == world.community_a
    assert published_area(form=form, code="BH") is None
