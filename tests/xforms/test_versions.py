"""Versions: a form is its form_id; a changed version is a new version and becomes current;
the same version with other content is refused with what to do; the identical file again is
a no-op; older versions stay downloadable; a failed upload changes nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from server.core.errors import GridbookError
from server.core.storage import md5_hex, media_storage
from server.xforms.models import Form, FormKind, FormState, FormVersion
from server.xforms.services import (
    form_set_state,
    form_set_testers,
    form_upload,
    suggest_version,
)
from tests.conftest import World
from tests.xforms.conftest import shipped_form, simple_form, upload_markdown

pytestmark = pytest.mark.django_db


def test_a_first_upload_creates_the_form_and_its_version(world: World) -> None:
    result = upload_markdown(simple_form(), user=world.dave)
    form = Form.objects.get(form_id="simple")
    assert result.created and result.form_created
    assert form.current_version == result.version
    assert (form.kind, form.state, form.title) == (FormKind.OTHER, FormState.DRAFT, "简单表单")
    assert result.version.xml_md5 == md5_hex(bytes(result.version.xml))
    assert result.version.created_by == world.dave
    assert result.version.schema["form_id"] == "simple"


def test_the_shipped_form_ids_set_the_kind(world: World) -> None:
    result = form_upload(
        data=shipped_form("satisfaction"), file_name="satisfaction.xlsx", user=None, validate=False
    )
    assert result.version.form.kind == FormKind.SATISFACTION


def test_the_identical_file_again_is_a_no_op(world: World) -> None:
    first = upload_markdown(simple_form())
    again = upload_markdown(simple_form())
    assert not again.created and again.version == first.version
    assert FormVersion.objects.count() == 1


def test_changed_content_under_the_same_version_is_refused_with_what_to_do(world: World) -> None:
    first = upload_markdown(simple_form(version="2026112301"))
    with pytest.raises(GridbookError) as raised:
        upload_markdown(simple_form(version="2026112301", label="Full name"))
    error = raised.value
    assert (error.code, error.status) == ("form_version_content_changed", 409)
    with translation.override("en"):
        assert "settings.version" in error.message
        assert suggest_version("2026112301") in error.message
    with translation.override("zh-hans"):
        assert "settings.version" in error.message and "版本" in error.message
    assert list(FormVersion.objects.all()) == [first.version]


def test_a_new_version_becomes_current_and_the_old_one_stays(world: World) -> None:
    old = upload_markdown(simple_form(version="1"), file_name="简单表单 v1.xlsx").version
    new = upload_markdown(simple_form(version="2", label="Full name")).version
    form = Form.objects.get(form_id="simple")
    assert form.current_version == new
    assert set(form.versions.all()) == {old, new}
    with media_storage().open(old.source_file.name) as original:
        assert original.read()[:2] == b"PK"
    assert old.source_name == "简单表单 v1.xlsx"
    assert b"Full name" not in bytes(old.xml) and b"Full name" in bytes(new.xml)


def test_an_older_version_number_is_refused(world: World) -> None:
    upload_markdown(simple_form(version="2026112302"))
    with pytest.raises(GridbookError) as raised:
        upload_markdown(simple_form(version="2026112301", label="Old"))
    assert raised.value.code == "form_version_not_newer"
    assert Form.objects.get().current_version.version == "2026112302"


def stored_files(folder: str = "") -> set[str]:
    storage = media_storage()
    if folder and not storage.exists(folder):
        return set()
    folders, files = storage.listdir(folder)
    found = {f"{folder}/{name}".lstrip("/") for name in files}
    for sub in folders:
        found |= stored_files(f"{folder}/{sub}".lstrip("/"))
    return found


def test_a_failed_upload_changes_nothing(world: World) -> None:
    broken = simple_form().replace("| image |", "| imagen |")
    before = stored_files()
    with pytest.raises(GridbookError) as raised:
        upload_markdown(broken)
    error = raised.value
    assert (error.code, error.status) == ("form_not_converted", 400)
    problems = error.as_json()["details"]["problems"]
    assert problems[0]["row"] == 3 and problems[0]["sheet"] == "survey"
    assert not Form.objects.exists()
    assert stored_files() == before  # no spreadsheet kept either


def test_error_details_render_in_the_readers_language(world: World) -> None:
    broken = simple_form().replace("| image |", "| imagen |")
    with pytest.raises(GridbookError) as raised:
        upload_markdown(broken)
    with translation.override("en"):
        english = raised.value.as_json()
    with translation.override("zh-hans"):
        chinese = raised.value.as_json()
    assert "imagen" in english["message"] and "row 3" in english["message"]
    assert "第 3 行" in chinese["details"]["problems"][0]["message"]


def test_version_suggestions_follow_the_yyyymmddnn_habit() -> None:
    assert suggest_version("2999010101") == "2999010102"
    assert suggest_version("7") == "8"
    assert suggest_version("v09") == "v10"
    assert len(suggest_version("2020010101")) == 10 and suggest_version("2020010101") > "2020010101"


def test_states_and_testers(world: World) -> None:
    form = upload_markdown(simple_form()).version.form
    for state in (FormState.OPEN, FormState.CLOSING, FormState.CLOSED, FormState.OPEN):
        assert form_set_state(form=form, state=state).state == state
    with pytest.raises(GridbookError) as raised:
        form_set_state(form=form, state="archived")
    assert raised.value.code == "form_state_unknown"
    form_set_testers(form=form, users=[world.bob])
    assert list(form.testers.all()) == [world.bob]
    with pytest.raises(GridbookError) as raised:
        form_set_testers(form=form, users=[world.alice])
    assert raised.value.code == "form_tester_not_collector"
    assert list(form.testers.all()) == [world.bob]
