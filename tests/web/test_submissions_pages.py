"""The submissions pages: who sees which submission (404 outside the scope), answers
labelled in the page's language, photos streamed only to those who may see them, missing
files named, edits side by side, and the review."""

from __future__ import annotations

import pytest

from server.submissions.models import ReviewState, Submission
from server.xforms.models import FormVersion
from tests.conftest import World
from tests.openrosa.collect import CollectClient
from tests.openrosa.conftest import _fresh_process_memory  # noqa: F401 - autouse
from tests.web.submissions_support import DOOR, NEED, Sent, edit

pytestmark = pytest.mark.django_db


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def test_each_person_lists_only_the_submissions_in_their_scope(world: World, signed_in, sent: Sent):
    bob_row, carol_row = f"/submissions/{sent.bob.pk}/", f"/submissions/{sent.carol.pk}/"
    for person, sees, hidden in [
        (world.admin, [bob_row, carol_row], []),
        (world.alice, [bob_row], [carol_row]),
        (world.erin, [carol_row], [bob_row]),
        (world.bob, [bob_row], [carol_row]),
        (world.carol, [carol_row], [bob_row]),
    ]:
        listing = page(signed_in(person), "/submissions/")
        for link in sees:
            assert link in listing, (person.username, link)
        for link in hidden:
            assert link not in listing, (person.username, link)


@pytest.mark.parametrize("who", ["erin", "carol"])
def test_outside_the_scope_a_submission_and_its_files_do_not_exist(world, signed_in, sent, who):
    client = signed_in(getattr(world, who))
    assert client.get(f"/submissions/{sent.bob.pk}/").status_code == 404
    assert client.get(f"/submissions/{sent.bob.pk}/files/{DOOR}").status_code == 404
    review = client.post(f"/submissions/{sent.bob.pk}/review/", {"state": "approved"})
    assert review.status_code == 404
    assert Submission.objects.get(pk=sent.bob.pk).review_state == ReviewState.RECEIVED


def test_designers_have_no_submissions_pages(world: World, signed_in, sent: Sent):
    client = signed_in(world.dave)
    assert client.get("/submissions/").status_code == 404
    assert client.get(f"/submissions/{sent.bob.pk}/").status_code == 404
    assert client.get(f"/submissions/{sent.bob.pk}/files/{DOOR}").status_code == 404


def test_answers_are_labelled_in_the_page_language(world: World, signed_in, sent: Sent):
    chinese = page(signed_in(world.alice), f"/submissions/{sent.bob.pk}/")
    assert "门牌照片" in chinese and "诉求内容" in chinese and "楼道灯坏了" in chinese
    assert "走访对象" in chinese  # the group's label
    english = page(signed_in(world.alice, "en"), f"/submissions/{sent.bob.pk}/")
    assert "Door photo" in english and "What is needed" in english and "Household" in english
    assert "Need 1" in english  # the repeat's instance, numbered


def test_a_photo_is_shown_as_a_thumbnail_and_the_original_streams_byte_for_byte(
    world: World, signed_in, sent: Sent
):
    client = signed_in(world.alice)
    html = page(client, f"/submissions/{sent.bob.pk}/")
    base = f"/submissions/{sent.bob.pk}/files/{DOOR}"
    assert f'src="{base}?size=thumbnail"' in html
    original = client.get(base)
    assert original.status_code == 200
    assert original["Content-Type"] == "image/jpeg"
    stored = sent.bob.attachments.get(name=DOOR)
    body = b"".join(original.streaming_content)
    assert len(body) == stored.size
    thumbnail = client.get(base + "?size=thumbnail")
    assert thumbnail.status_code == 200
    assert b"".join(thumbnail.streaming_content) != body
    download = client.get(base + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")


def test_a_missing_file_is_named(world: World, signed_in, sent: Sent):
    html = page(signed_in(world.alice), f"/submissions/{sent.bob.pk}/")
    assert NEED in html and "缺少" in html
    assert signed_in(world.alice).get(f"/submissions/{sent.bob.pk}/files/{NEED}").status_code == 404


def test_the_grids_manager_reviews_with_a_comment(world: World, signed_in, sent: Sent):
    client = signed_in(world.alice)
    response = client.post(
        f"/submissions/{sent.bob.pk}/review/", {"state": "approved", "comment": "照片清楚"}
    )
    assert response.status_code == 302
    sent.bob.refresh_from_db()
    assert sent.bob.review_state == ReviewState.APPROVED
    html = page(client, f"/submissions/{sent.bob.pk}/")
    assert "照片清楚" in html and "已通过" in html
    assert page(client, "/submissions/?state=approved").count(f"/submissions/{sent.bob.pk}/") >= 1
    assert f"/submissions/{sent.bob.pk}/" not in page(client, "/submissions/?state=rejected")


def test_a_collector_reads_their_review_but_cannot_review(world: World, signed_in, sent: Sent):
    client = signed_in(world.bob)
    html = page(client, f"/submissions/{sent.bob.pk}/")
    assert "review/" not in html
    response = client.post(f"/submissions/{sent.bob.pk}/review/", {"state": "approved"})
    assert response.status_code == 403
    assert client.post(f"/submissions/{sent.bob.pk}/review/", {}).status_code == 403  # no form
    sent.bob.refresh_from_db()
    assert sent.bob.review_state == ReviewState.RECEIVED


def test_personal_data_is_masked_for_collectors(world: World, signed_in, sent: Sent):
    from server.xforms.schema import derive_schema  # noqa: F401 - documents where labels come from

    data = dict(sent.bob.data)
    data["grp_id"] = {**data["grp_id"], "phone": "13812345678"}
    schema = dict(sent.bob.form_version.schema)
    schema["fields"] = [
        *schema["fields"],
        {
            "path": "/data/grp_id/phone",
            "name": "phone",
            "type": "text",
            "group": "/data/grp_id",
            "labels": {"zh": "电话", "en": "Phone"},
        },
    ]
    FormVersion.objects.filter(pk=sent.bob.form_version_id).update(schema=schema)
    Submission.objects.filter(pk=sent.bob.pk).update(data=data)
    assert "13812345678" in page(signed_in(world.alice), f"/submissions/{sent.bob.pk}/")
    collector = page(signed_in(world.bob), f"/submissions/{sent.bob.pk}/")
    assert "13812345678" not in collector and "138****5678" in collector


def test_an_edit_shows_both_versions_and_what_changed(
    world: World, signed_in, sent: Sent, visit_form: FormVersion, bob_phone: CollectClient
):
    newer = edit(bob_phone, visit_form, sent.bob, note="楼道灯已修好")
    client = signed_in(world.alice)
    listing = page(client, "/submissions/")
    assert f"/submissions/{newer.pk}/" in listing
    assert f"/submissions/{sent.bob.pk}/" not in listing  # only current versions by default
    assert f"/submissions/{sent.bob.pk}/" in page(client, "/submissions/?edits=on")
    html = page(client, f"/submissions/{newer.pk}/")
    assert "楼道灯坏了" in html and "楼道灯已修好" in html
    older = page(client, f"/submissions/{sent.bob.pk}/")
    assert f"/submissions/{newer.pk}/" in older  # a link to the current version


def test_filters_narrow_the_list(world: World, signed_in, sent: Sent):
    client = signed_in(world.admin)
    bob_row, carol_row = f"/submissions/{sent.bob.pk}/", f"/submissions/{sent.carol.pk}/"
    by_area = page(client, "/submissions/?area=BH")
    assert carol_row in by_area and bob_row not in by_area
    by_person = page(client, "/submissions/?submitter=bob")
    assert bob_row in by_person and carol_row not in by_person
    by_name = page(client, "/submissions/?q=BH1-")
    assert carol_row in by_name and bob_row not in by_name
    by_form = page(client, "/submissions/?form=hh_visit&version=nope")
    assert bob_row not in by_form and carol_row not in by_form
    future = page(client, "/submissions/?date_from=2099-01-01")
    assert bob_row not in future
    junk = page(client, "/submissions/?date_from=yesterday&after=%%%&state=bogus")
    assert bob_row in junk and carol_row in junk  # invalid filters are ignored
    assert bob_row not in page(signed_in(world.alice), "/submissions/?area=BH")


def test_pages_follow_each_other_newest_first(world: World, signed_in, sent: Sent):
    from datetime import timedelta

    from django.utils import timezone

    original = sent.bob
    rows = []
    for number in range(60):
        rows.append(
            Submission(
                form=original.form,
                form_version=original.form_version,
                instance_id=f"uuid:bulk-{number}",
                root_instance_id=f"uuid:bulk-{number}",
                xml=b"<data/>",
                xml_md5="0" * 32,
                data=original.data,
                submitted_by=world.bob,
                grid=world.grid_a1,
                received_at=timezone.now() - timedelta(minutes=number % 7),
                instance_name=f"bulk-{number}",
            )
        )
    Submission.objects.bulk_create(rows)
    client = signed_in(world.alice)
    seen: list[str] = []
    html = page(client, "/submissions/")
    import re

    def links(text: str) -> list[str]:
        return re.findall(r'<td><a href="/submissions/(\d+)/">', text)

    pages = 0
    while True:
        pages += 1
        seen += links(html)
        older = re.search(r'rel="next" href="\?([^"]+)"', html)
        if not older:
            break
        html = page(client, "/submissions/?" + older.group(1).replace("&amp;", "&"))
    assert pages == 3
    assert len(seen) == len(set(seen)) == 61
    newer = re.search(r'rel="prev" href="\?([^"]+)"', html)
    assert newer
    back = links(page(client, "/submissions/?" + newer.group(1).replace("&amp;", "&")))
    assert back == seen[25:50]


def test_the_list_and_a_submission_cost_the_same_queries_with_more_rows(
    world: World, signed_in, sent: Sent, visit_form: FormVersion, bob_phone: CollectClient
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(world.alice)

    def cost(path: str) -> int:
        client.get(path)  # warm the session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    list_before = cost("/submissions/")
    detail_before = cost(f"/submissions/{sent.bob.pk}/")
    older = sent.bob
    for number in range(3):
        older = edit(bob_phone, visit_form, older, note=f"第{number}次修改")
    assert cost("/submissions/") == list_before
    assert cost(f"/submissions/{older.pk}/") == detail_before
