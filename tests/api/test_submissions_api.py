"""/api/v1/submissions/: the same scope as the web pages (404 outside it), data and files
with download addresses, versions and comments, review, keyset pages; roles."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from server.submissions.models import ReviewState, Submission
from server.xforms.models import FormVersion
from tests.conftest import World
from tests.openrosa.collect import CollectClient
from tests.openrosa.conftest import _fresh_process_memory  # noqa: F401 - autouse
from tests.web.submissions_support import DOOR, NEED, Sent, edit

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_each_reader_lists_their_scope(world: World, sent: Sent):
    assert set(ids(api(world.admin).get("/api/v1/submissions/"))) == {sent.bob.pk, sent.carol.pk}
    assert ids(api(world.alice).get("/api/v1/submissions/")) == [sent.bob.pk]
    assert ids(api(world.erin).get("/api/v1/submissions/")) == [sent.carol.pk]


@pytest.mark.parametrize("who", ["bob", "carol", "dave"])
def test_collectors_and_designers_have_no_access(world: World, sent: Sent, who: str):
    client = api(getattr(world, who))
    assert client.get("/api/v1/submissions/").status_code == 403
    assert client.get(f"/api/v1/submissions/{sent.bob.pk}/").status_code == 403
    assert (
        client.post(
            f"/api/v1/submissions/{sent.bob.pk}/review/",
            {"state": "approved"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_anonymous_is_asked_to_sign_in(sent: Sent):
    assert Client().get("/api/v1/submissions/").status_code == 401


def test_outside_the_scope_is_404(world: World, sent: Sent):
    erin = api(world.erin)
    response = erin.get(f"/api/v1/submissions/{sent.bob.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "submission_not_found"
    assert erin.get(f"/api/v1/submissions/{sent.bob.pk}/attachments/{DOOR}").status_code == 404
    review = erin.post(
        f"/api/v1/submissions/{sent.bob.pk}/review/",
        {"state": "rejected"},
        content_type="application/json",
    )
    assert review.status_code == 404
    assert Submission.objects.get(pk=sent.bob.pk).review_state == ReviewState.RECEIVED


def test_detail_has_data_files_versions_and_comments(world: World, sent: Sent):
    alice = api(world.alice)
    body = alice.get(f"/api/v1/submissions/{sent.bob.pk}/").json()
    assert body["form_id"] == "hh_visit" and body["grid"] == "CY1"
    assert body["submitted_by"] == "bob"
    assert body["data"]["needs"][0]["need_desc"] == "楼道灯坏了"
    files = {f["name"]: f for f in body["attachments"]}
    assert files[NEED]["present"] is False and files[NEED]["download_url"] is None
    door = files[DOOR]
    assert door["present"] and door["is_image"]
    download = alice.get(door["download_url"])
    assert download.status_code == 200
    content = b"".join(download.streaming_content)
    assert len(content) == door["size"]
    import hashlib

    assert hashlib.md5(content).hexdigest() == door["md5"]
    thumbnail = alice.get(door["thumbnail_url"])
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    assert [v["id"] for v in body["versions"]] == [sent.bob.pk]
    assert body["comments"] == []
    missing = alice.get(f"/api/v1/submissions/{sent.bob.pk}/attachments/{NEED}")
    assert missing.status_code == 404


def test_review_and_comment(world: World, sent: Sent):
    alice = api(world.alice)
    url = f"/api/v1/submissions/{sent.bob.pk}/review/"
    response = alice.post(
        url, {"state": "has_issues", "comment": "门牌看不清"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["review_state"] == "has_issues"
    alice.post(url, {"comment": "已联系"}, content_type="application/json")
    comments = alice.get(f"/api/v1/submissions/{sent.bob.pk}/").json()["comments"]
    assert [(c["author"], c["review_state"], c["body"]) for c in comments] == [
        ("alice", "has_issues", "门牌看不清"),
        ("alice", "", "已联系"),
    ]
    empty = alice.post(url, {}, content_type="application/json")
    assert empty.status_code == 400
    wrong = alice.post(url, {"state": "maybe"}, content_type="application/json")
    assert wrong.status_code == 400


def test_edits_are_versions(
    world: World, sent: Sent, visit_form: FormVersion, bob_phone: CollectClient
):
    newer = edit(bob_phone, visit_form, sent.bob, note="已修好")
    admin = api(world.admin)
    assert sent.bob.pk not in ids(admin.get("/api/v1/submissions/"))
    assert sent.bob.pk in ids(admin.get("/api/v1/submissions/?edits=true"))
    body = admin.get(f"/api/v1/submissions/{newer.pk}/").json()
    assert [v["id"] for v in body["versions"]] == [sent.bob.pk, newer.pk]
    assert body["edit_of"] == sent.bob.instance_id


def test_filters_and_pages(world: World, sent: Sent):
    admin = api(world.admin)
    assert ids(admin.get("/api/v1/submissions/?area=BH")) == [sent.carol.pk]
    assert ids(admin.get("/api/v1/submissions/?submitter=bob")) == [sent.bob.pk]
    assert ids(admin.get("/api/v1/submissions/?q=BH1")) == [sent.carol.pk]
    assert ids(admin.get("/api/v1/submissions/?date_to=2000-01-01")) == []
    assert admin.get("/api/v1/submissions/?date_from=soon").status_code == 400
    first = admin.get("/api/v1/submissions/?page_size=1").json()
    assert len(first["results"]) == 1 and first["previous"] is None
    second = admin.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["results"][0]["id"] != first["results"][0]["id"]
    assert second["next"] is None
    back = admin.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [first["results"][0]["id"]]


def test_the_openapi_schema_has_the_submissions(world: World):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/submissions/{id}/review/" in out.getvalue()
