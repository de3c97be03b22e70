"""Two designers upload the same form at the same moment: the database, not a check before
the insert, keeps one version, and both uploads succeed (one of them as a no-op)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from server.xforms.models import Form, FormVersion
from server.xforms.services import UploadResult, form_upload
from server.xforms.xlsform import xlsx_from_markdown
from tests.xforms.conftest import simple_form

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_identical_uploads_store_one_version() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency means something on PostgreSQL only (SQLite serialises writers)")
    data = xlsx_from_markdown(simple_form(form_id="race", version="7"))
    start = threading.Barrier(2)
    results: list[UploadResult] = []
    failures: list[BaseException] = []

    def upload() -> None:
        try:
            start.wait()
            results.append(form_upload(data=data, file_name="race.xlsx", user=None, validate=False))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(result.created for result in results) == [False, True]
    assert FormVersion.objects.count() == 1 and Form.objects.count() == 1
    assert Form.objects.get().current_version == FormVersion.objects.get()
