"""A file uploaded as a new version of a given form must be that form: another form's file
is refused and nothing is stored, whether converted at once or in the background."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings

from server.core.errors import GridbookError
from server.xforms.background import form_upload_accept, form_upload_get
from server.xforms.models import Form, FormUpload, FormUploadStatus
from server.xforms.services import form_upload
from server.xforms.xlsform import xlsx_from_markdown
from tests.conftest import World
from tests.xforms.conftest import simple_form

pytestmark = pytest.mark.django_db


def test_another_forms_file_is_refused_as_a_new_version(world: World) -> None:
    data = xlsx_from_markdown(simple_form(form_id="other"))
    with pytest.raises(GridbookError) as refused:
        form_upload(
            data=data,
            file_name="other.xlsx",
            user=world.dave,
            validate=False,
            expected_form_id="simple",
        )
    assert refused.value.code == "form_upload_other_form"
    assert refused.value.params == {"found": "other", "expected": "simple"}
    assert not Form.objects.exists()


def test_the_right_forms_file_is_accepted(world: World) -> None:
    data = xlsx_from_markdown(simple_form(form_id="simple", version="1"))
    result = form_upload(
        data=data,
        file_name="simple.xlsx",
        user=world.dave,
        validate=False,
        expected_form_id="simple",
    )
    assert result.created and result.version.form.form_id == "simple"


@override_settings(GRIDBOOK_FORM_INLINE_MAX_KB=0, GRIDBOOK_ODK_VALIDATE="off")
def test_the_expectation_travels_with_a_background_upload(
    world: World, django_capture_on_commit_callbacks
) -> None:
    upload = ContentFile(xlsx_from_markdown(simple_form(form_id="other")), name="other.xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        record = form_upload_accept(
            upload=upload, file_name="other.xlsx", user=world.dave, expected_form_id="simple"
        )
    assert isinstance(record, FormUpload) and record.expected_form_id == "simple"
    finished = form_upload_get(upload_id=record.pk)
    assert finished.status == FormUploadStatus.FAILED
    assert finished.error["code"] == "form_upload_other_form"
    assert not Form.objects.exists()
