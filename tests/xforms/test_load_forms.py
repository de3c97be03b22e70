"""load_forms loads the shipped questionnaires through the upload pipeline, opens and
publishes new ones to every district, and is idempotent."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from server.xforms.models import Form, FormKind, FormState, FormVersion
from tests.conftest import World
from tests.xforms.conftest import FORMS_DIR

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_forms", *args, stdout=out, stderr=io.StringIO(), language="en")
    return out.getvalue()


def test_the_shipped_forms_load_open_published_and_odk_validated(world: World, java: None) -> None:
    output = load()
    forms = {form.form_id: form for form in Form.objects.all()}
    assert set(forms) == {"hh_visit", "needs_survey", "satisfaction"}
    for form_id, form in forms.items():
        assert form.kind == FormKind(form_id)
        assert form.state == FormState.OPEN
        assert [p.area.code for p in form.publications.all()] == ["JY"]
        version = form.current_version
        assert version.version == "2026112301" and version.validated
        assert version.warnings == []
        assert f"{form_id} 2026112301 (new form)" in output


def test_loading_again_changes_nothing(world: World) -> None:
    load("--no-validate")
    before = list(FormVersion.objects.values_list("pk", "xml_md5"))
    output = load("--no-validate")
    assert list(FormVersion.objects.values_list("pk", "xml_md5")) == before
    assert output.count("(unchanged)") == 3


def test_a_closed_form_stays_closed_when_loaded_again(world: World) -> None:
    load("--no-validate")
    Form.objects.filter(form_id="hh_visit").update(state=FormState.CLOSED)
    load("--no-validate")
    assert Form.objects.get(form_id="hh_visit").state == FormState.CLOSED


def test_draft_and_area_options(world: World) -> None:
    path = str(FORMS_DIR / "needs_survey.xlsx")
    load(path, "--draft", "--area", "CY", "--no-validate")
    form = Form.objects.get()
    assert form.state == FormState.DRAFT
    assert [p.area.code for p in form.publications.all()] == ["CY"]


def test_a_broken_file_is_reported_and_the_others_still_load(world: World, tmp_path) -> None:
    good = tmp_path / "satisfaction.xlsx"
    shutil.copy(FORMS_DIR / "satisfaction.xlsx", good)
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a workbook")
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "load_forms", str(bad), str(good), "--no-validate", stderr=errors, stdout=io.StringIO()
        )
    assert "broken.xlsx" in errors.getvalue()
    assert Form.objects.filter(form_id="satisfaction").exists()
