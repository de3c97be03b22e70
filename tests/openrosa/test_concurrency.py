"""Phones on a bad network send the same submission several times at once (a retry while the
first request is still running). Against a live server, real threads, each answered 201, and
exactly one submission with one copy of its photo is stored. (On SQLite writers queue; the
test means most on PostgreSQL, where CI runs it.)"""

from __future__ import annotations

import threading

import pytest
import requests
from requests.auth import HTTPDigestAuth

from server.submissions.models import Attachment, Submission
from server.xforms.models import FormVersion
from tests.conftest import PASSWORD, World
from tests.openrosa.collect import USER_AGENT, Part, multipart
from tests.openrosa.conftest import photo, upload_visit_form, visit_xml
from tests.openrosa.test_submission import stored_keys

SENDERS = 8


@pytest.fixture
def open_visit_form(transactional_db: None, world: World) -> FormVersion:
    from django.db import connection

    from server.xforms.services import form_publish, form_set_state

    if connection.vendor == "sqlite":
        # The SQLite test database lives in memory, shared by the live server's threads
        # through one connection: it reports "table is locked" instead of queueing writers
        # as the file database does in production. PostgreSQL (CI) runs this test.
        pytest.skip("concurrent writers need PostgreSQL (DATABASE_URL=postgres://…)")

    version = upload_visit_form(world)
    form_set_state(form=version.form, state="open")
    form_publish(form=version.form, area=world.community_a)
    return version


def send(url: str, body: bytes, content_type: str) -> int:
    session = requests.Session()
    session.auth = HTTPDigestAuth("bob", PASSWORD)  # requests' own Digest: an outside client
    headers = {"X-OpenRosa-Version": "1.0", "User-Agent": USER_AGENT}
    head = session.head(url, headers=headers, timeout=60)
    assert head.status_code == 204
    assert head.headers["X-OpenRosa-Accept-Content-Length"] == "100000000"
    assert "Date" in head.headers and "," not in head.headers["Date"].split(" ", 1)[1]
    response = session.post(
        url, data=body, headers=headers | {"Content-Type": content_type}, timeout=60
    )
    return response.status_code


@pytest.mark.slow
def test_identical_posts_at_the_same_time_store_one_submission(
    live_server,
    open_visit_form: FormVersion,  # type: ignore[no-untyped-def]
) -> None:
    door = photo(1280, 960)
    xml = visit_xml(open_visit_form)
    body, content_type = multipart(xml, [Part("1763859601123.jpg", door)])
    url = f"{live_server.url}/submission?deviceID=collect%3AXk3pQ9wLm2Rt7vB1"
    statuses = send_all_at_once(url, body, content_type)

    assert statuses == [201] * SENDERS
    assert Submission.objects.count() == 1
    attachment = Attachment.objects.get()
    assert attachment.present
    # One photo and its thumbnail: the losers removed their copies of the photo.
    assert stored_keys() == sorted([attachment.file.name, attachment.thumbnail.name])


def send_all_at_once(url: str, body: bytes, content_type: str) -> list[int]:
    start = threading.Barrier(SENDERS)
    statuses: list[int] = []

    def worker() -> None:
        start.wait()
        statuses.append(send(url, body, content_type))

    threads = [threading.Thread(target=worker) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return statuses


@pytest.mark.slow
def test_the_last_part_of_a_split_upload_sent_many_times_at_once_is_stored_once(
    live_server,
    open_visit_form: FormVersion,  # type: ignore[no-untyped-def]
) -> None:
    xml = visit_xml(open_visit_form, door_photo="door.jpg", need_photos=("need.jpg",))
    url = f"{live_server.url}/submission?deviceID=collect%3AXk3pQ9wLm2Rt7vB1"
    first, first_type = multipart(xml, [Part("door.jpg", photo())], incomplete=True)
    assert send(url, first, first_type) == 201
    need = photo(800, 600, (0, 90, 200))
    last, last_type = multipart(xml, [Part("need.jpg", need)])

    assert send_all_at_once(url, last, last_type) == [201] * SENDERS

    submission = Submission.objects.get()
    assert submission.is_complete and submission.attachments_present == 2
    files = [attachment.file.name for attachment in Attachment.objects.all()]
    thumbnails = [attachment.thumbnail.name for attachment in Attachment.objects.all()]
    assert stored_keys() == sorted(files + thumbnails)
