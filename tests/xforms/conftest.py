"""Helpers for the forms tests: shipped forms, inline XLSForms, Java for ODK Validate."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from server.accounts.models import User
from server.xforms.services import UploadResult, form_upload
from server.xforms.xlsform import xlsx_from_markdown

FORMS_DIR = Path(settings.BASE_DIR) / "forms"
SHIPPED = {
    "hh_visit": "household_visit.xlsx",
    "needs_survey": "needs_survey.xlsx",
    "satisfaction": "satisfaction.xlsx",
}


def shipped_form(form_id: str) -> bytes:
    return (FORMS_DIR / SHIPPED[form_id]).read_bytes()


def upload_markdown(
    md: str, *, user: User | None = None, file_name: str = "form.xlsx", validate: bool = False
) -> UploadResult:
    """Upload an inline XLSForm the way a designer uploads a workbook."""
    return form_upload(
        data=xlsx_from_markdown(md), file_name=file_name, user=user, validate=validate
    )


def simple_form(form_id: str = "simple", version: str = "1", label: str = "Name") -> str:
    return f"""
| survey   |
|          | type  | name | label::Chinese (zh) | label::English (en) |
|          | text  | name | 姓名                | {label}             |
|          | image | door_photo | 门牌照片      | Door photo          |
| settings |
|          | form_id   | version   | form_title | default_language |
|          | {form_id} | {version} | 简单表单   | Chinese (zh)     |
"""


@pytest.fixture
def java() -> None:
    """Skip without Java (ODK Validate), except where CI demands it."""
    if shutil.which("java") is None:
        if os.environ.get("GRIDBOOK_REQUIRE_JAVA"):
            pytest.fail("Java is required (GRIDBOOK_REQUIRE_JAVA is set) but not on the PATH")
        pytest.skip("Java is not installed: ODK Validate cannot run")


@pytest.fixture
def no_java(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A server without Java: nothing named java on the PATH."""
    monkeypatch.setenv("PATH", str(tmp_path))
