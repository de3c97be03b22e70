"""A manager opens a submission sent from a phone, reads its answers labelled in Chinese and
in English, opens its photo and approves it with a comment; the collector reads the review;
an administrator issues and prints a collector's ODK Collect QR code."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from server.submissions.models import ReviewState, Submission
from server.submissions.tasks import submission_process
from server.xforms.models import FormVersion
from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD, World
from tests.openrosa.collect import CollectClient, Part
from tests.openrosa.conftest import (  # noqa: F401 - fixtures
    _fresh_process_memory,
    photo,
    visit_form,
    visit_xml,
)

DOOR = "1763859601123.jpg"


@pytest.fixture
def sent(world: World, visit_form: FormVersion) -> Submission:  # noqa: F811
    phone = CollectClient(Client(), username="bob", password=PASSWORD)
    xml = visit_xml(visit_form, need_photos=("need-1.jpg",), note="楼道灯坏了")
    response = phone.submit(xml, [Part(DOOR, photo(640, 480)), Part("need-1.jpg", photo())])
    assert response.status_code == 201, response.content
    submission = Submission.objects.get()
    submission_process.enqueue(submission.pk)
    return submission


def test_a_manager_reads_a_submission_opens_its_photo_and_approves_it(
    world: World, open_session, sent: Submission
):
    session = open_session()
    page = session.page
    session.sign_in("alice")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="提交").click()
    expect(page.locator("h1")).to_have_text("提交")
    expect(page.locator("table.submissions")).to_contain_text("CY1-XF-1-101")
    session.screenshot("zh-submissions.png")

    page.get_by_role("link", name="CY1-XF-1-101").click()
    answers = page.locator(".answers-card")
    expect(answers).to_contain_text("门牌照片")
    expect(answers).to_contain_text("诉求内容")
    expect(answers).to_contain_text("楼道灯坏了")
    expect(answers).to_contain_text("诉求 1")
    thumbnail = answers.get_by_role("img", name="门牌照片")
    expect(thumbnail).to_be_visible()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    session.screenshot("zh-submission.png")

    thumbnail.click()
    lightbox = page.locator("dialog#lightbox")
    expect(lightbox).to_be_visible()
    big = lightbox.locator("img")
    page.wait_for_function("() => document.querySelector('#lightbox img').naturalWidth === 640")
    expect(big).to_have_attribute("alt", "门牌照片")
    page.keyboard.press("Escape")
    expect(lightbox).to_be_hidden()

    page.get_by_label("已通过").check()
    page.get_by_label("意见").fill("照片清楚，情况属实")
    page.get_by_role("button", name="保存审核").click()
    expect(page.locator(".messages")).to_contain_text("审核状态已保存")
    expect(page.get_by_test_id("review-state")).to_have_text("已通过")
    expect(page.locator(".comments")).to_contain_text("照片清楚，情况属实")
    sent.refresh_from_db()
    assert sent.review_state == ReviewState.APPROVED

    page.select_option("#language-select", "en")
    expect(page.locator("#answers-title")).to_have_text("Answers")
    expect(answers).to_contain_text("Door photo")
    expect(answers).to_contain_text("What is needed")
    expect(answers).to_contain_text("Need 1")
    expect(page.get_by_test_id("review-state")).to_have_text("Approved")
    session.screenshot("en-submission.png")

    collector = open_session(viewport=PHONE)
    collector.sign_in("bob")
    collector.page.goto("/submissions/")
    assert not collector.overflows()
    collector.page.get_by_role("link", name="CY1-XF-1-101").click()
    expect(collector.page.locator(".comments")).to_contain_text("照片清楚，情况属实")
    expect(collector.page.get_by_role("button", name="保存审核")).to_have_count(0)
    assert not collector.overflows()
    collector.screenshot("zh-submission-phone.png")


def test_an_administrator_issues_and_prints_a_collectors_qr_code(world: World, open_session):
    session = open_session()
    page = session.page
    session.sign_in("admin")
    page.goto("/person/bob/")
    page.get_by_role("button", name="生成二维码").click()
    expect(page.locator(".messages")).to_contain_text("已为鲍明生成二维码")
    qr = page.get_by_role("img", name="鲍明的 ODK Collect 设置二维码")
    expect(qr).to_be_visible()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 200", arg=qr.element_handle()
    )
    session.screenshot("zh-person-collect.png")

    page.get_by_role("link", name="打印二维码").click()
    sheet = page.locator(".collector-sheet")
    expect(sheet).to_contain_text("鲍明")
    expect(sheet).to_contain_text("长源第一网格")
    expect(page.get_by_test_id("server-url")).to_have_text(session.base_url + "/")
    code = sheet.get_by_role("img", name="ODK Collect 设置二维码")
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=code.element_handle()
    )
    page.emulate_media(media="print")
    expect(page.locator(".mainnav")).to_be_hidden()
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    session.screenshot("zh-collector-qr-print.png")
