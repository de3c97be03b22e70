"""A manager exports a form's submissions as a CSV ZIP from the exports page, watches it
finish, downloads it, and finds the download in the export record."""

from __future__ import annotations

import csv
import io
import zipfile

from playwright.sync_api import expect

from server.submissions.services import Sender, submission_receive
from server.xforms.services import form_publish, form_set_state
from tests.conftest import World
from tests.exports.conftest import Need, upload_export_form, visit_xml


def test_manager_exports_csv_zip_and_downloads_it(world: World, open_session) -> None:
    version = upload_export_form(world)
    form_set_state(form=version.form, state="open")
    form_publish(form=version.form, area=world.street)
    submission_receive(
        xml=visit_xml(version, needs=(Need("repair", "楼道灯坏了"),)),
        files={},
        sender=Sender(user=world.bob, device_id="collect:Xk3pQ9wLm2Rt7vB1"),
    )
    session = open_session()
    page = session.page
    session.sign_in("alice")

    page.get_by_role("link", name="导出").click()
    expect(page.locator("h1")).to_have_text("导出")
    page.get_by_label("导出内容").select_option("form:hh_visit")
    page.locator("#id_format").select_option("csv_zip")
    page.locator("#id_language").select_option("zh")
    page.get_by_role("button", name="开始导出").click()

    job = page.locator(".export-job").first
    expect(job).to_have_attribute("data-state", "done")
    expect(job).to_contain_text("入户走访")
    session.screenshot("zh-exports.png")
    with page.expect_download() as download_info:
        job.get_by_role("link", name="下载").click()
    download = download_info.value
    assert download.suggested_filename.startswith(
        "hh_visit_"
    ) and download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as archive:
        assert sorted(archive.namelist()) == ["hh_visit-needs.csv", "hh_visit.csv"]
        main = archive.read("hh_visit.csv")
        needs = archive.read("hh_visit-needs.csv")
    assert main.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(main[3:].decode())))
    assert rows[0]["走访结果"] == "见到住户" and rows[0]["网格名称"] == "长源第一网格"
    assert "楼道灯坏了" in needs.decode()

    page.reload()
    expect(page.locator("table.export-audit")).to_contain_text("李爱丽")
    expect(page.locator("table.export-audit tbody tr").first).to_contain_text("127.0.0.1")
