"""Load at once, on PostgreSQL (SQLite serialises writers; the test means nothing there):
fifty collectors submitting at the same moment, storms of identical resubmissions, split
uploads whose parts and retries interleave across phones. Real threads against a live
server: every answer is 201, nothing is duplicated, nothing is lost, no deadlock.

An export running while submissions arrive: the export is one consistent snapshot (every
submission committed before it started, each once, repeats with their parents), no
submission is lost or blocked. Two managers transitioning the same need at once are in
tests/records/test_lifecycle.py (one wins, the other is told; one history entry)."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

import pytest
import requests
from django.db import connection

from server.accounts.collector_tokens import collector_token_issue
from server.accounts.services import user_create
from server.exports.services import export_request
from server.submissions.models import Attachment, Submission
from server.xforms.models import FormVersion
from server.xforms.services import form_publish, form_set_state
from tests.conftest import PASSWORD, World
from tests.exports.support import csv_rows, zip_members
from tests.openrosa.collect import USER_AGENT, Part, multipart
from tests.openrosa.conftest import new_instance_id, photo, upload_visit_form, visit_xml
from tests.openrosa.test_submission import stored_keys

pytestmark = pytest.mark.slow


@pytest.fixture
def form(transactional_db: None, world: World) -> FormVersion:
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (DATABASE_URL=postgres://…)")
    version = upload_visit_form(world)
    form_set_state(form=version.form, state="open")
    form_publish(form=version.form, area=world.community_a)
    return version


def collectors(world: World, count: int) -> list[str]:
    """``count`` collectors of grid CY1, each with the token URL key on their phone."""
    keys = []
    for index in range(count):
        user = user_create(
            username=f"c{index:02d}", role="collector", password=PASSWORD, areas=[world.grid_a1]
        )
        keys.append(collector_token_issue(user=user))
    return keys


def post(base: str, key: str, body: bytes, content_type: str) -> int:
    response = requests.post(
        f"{base}/key/{key}/submission?deviceID=collect%3A{key[-8:]}",
        data=body,
        headers={
            "Content-Type": content_type,
            "X-OpenRosa-Version": "1.0",
            "User-Agent": USER_AGENT,
        },
        timeout=120,
    )
    return response.status_code


def all_at_once(jobs: list[Callable[[], int]]) -> list[int | str]:
    start = threading.Barrier(len(jobs))
    statuses: list[int | str] = [0] * len(jobs)

    def run(index: int) -> None:
        start.wait()
        try:
            statuses[index] = jobs[index]()
        except requests.RequestException as error:
            statuses[index] = repr(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return statuses


def test_fifty_collectors_submitting_at_once(live_server, form: FormVersion, world: World) -> None:  # type: ignore[no-untyped-def]
    keys = collectors(world, 50)
    bodies = []
    for index, key in enumerate(keys):
        xml = visit_xml(form, door_photo=f"door{index}.jpg")
        body, content_type = multipart(xml, [Part(f"door{index}.jpg", photo(color=(index, 9, 9)))])
        bodies.append((key, body, content_type))
    jobs = [lambda k=k, b=b, t=t: post(live_server.url, k, b, t) for k, b, t in bodies]

    assert all_at_once(jobs) == [201] * 50

    assert Submission.objects.count() == 50
    assert Submission.objects.values("submitted_by").distinct().count() == 50
    assert Attachment.objects.filter(present=True).count() == 50
    files = sorted(Attachment.objects.values_list("file", flat=True))
    thumbnails = sorted(Attachment.objects.values_list("thumbnail", flat=True))
    assert stored_keys() == sorted(files + thumbnails)


def test_a_storm_of_identical_resubmissions(live_server, form: FormVersion, world: World) -> None:  # type: ignore[no-untyped-def]
    """Ten phones' worth of retries: the same three submissions, each sent ten times at
    once from the phone that made it."""
    keys = collectors(world, 3)
    jobs = []
    for index, key in enumerate(keys):
        xml = visit_xml(form, door_photo="door.jpg", note=f"第{index}户")
        body, content_type = multipart(xml, [Part("door.jpg", photo(color=(index * 40, 0, 0)))])
        jobs += [lambda k=key, b=body, t=content_type: post(live_server.url, k, b, t)] * 10
    random.Random(7).shuffle(jobs)

    assert all_at_once(jobs) == [201] * 30

    assert Submission.objects.count() == 3
    assert Attachment.objects.count() == 3 and Attachment.objects.filter(present=True).count() == 3
    files = list(Attachment.objects.values_list("file", flat=True))
    thumbnails = list(Attachment.objects.values_list("thumbnail", flat=True))
    assert stored_keys() == sorted(files + thumbnails)  # the losers removed their copies


def test_split_uploads_interleaved_with_their_retries(
    live_server, form: FormVersion, world: World
) -> None:  # type: ignore[no-untyped-def]
    """Eight phones each send a three-photo submission in three POSTs (Collect splits what
    exceeds the server's limit), every POST twice (a retry after a lost answer), all of it
    shuffled together and sent at once: whatever order the parts arrive in, each
    submission ends complete, with each photo once."""
    keys = collectors(world, 8)
    jobs = []
    expected: dict[str, dict[str, bytes]] = {}
    for index, key in enumerate(keys):
        names = ("door.jpg", "need1.jpg", "need2.jpg")
        instance_id = new_instance_id()
        xml = visit_xml(form, instance_id=instance_id, door_photo=names[0], need_photos=names[1:])
        contents = {name: photo(color=(index * 20, n * 60, 5)) for n, name in enumerate(names)}
        expected[instance_id] = contents
        for position, name in enumerate(names):
            last = position == len(names) - 1
            body, content_type = multipart(xml, [Part(name, contents[name])], incomplete=not last)
            jobs += [lambda k=key, b=body, t=content_type: post(live_server.url, k, b, t)] * 2
    random.Random(11).shuffle(jobs)

    assert all_at_once(jobs) == [201] * len(jobs)

    assert Submission.objects.count() == 8
    for submission in Submission.objects.all():
        assert submission.is_complete, submission.instance_id
        attachments = list(submission.attachments.all())
        assert sorted(a.name for a in attachments) == sorted(expected[submission.instance_id])
        assert all(a.present for a in attachments)
    assert Attachment.objects.count() == 24


def stored_copies(original: Submission, count: int) -> set[str]:
    """``count`` more submissions like ``original`` (distinct instanceIDs), in bulk."""
    copies = []
    for index in range(count):
        instance_id = f"uuid:stored-{index:05d}"
        copies.append(
            Submission(
                form=original.form,
                form_version=original.form_version,
                instance_id=instance_id,
                root_instance_id=instance_id,
                xml=original.xml,
                xml_md5=original.xml_md5,
                data=original.data,
                submitted_by=original.submitted_by,
                received_at=original.received_at,
                grid=original.grid,
            )
        )
    Submission.objects.bulk_create(copies, batch_size=1000)
    return {copy.instance_id for copy in copies}


def test_an_export_while_submissions_arrive(live_server, form: FormVersion, world: World) -> None:  # type: ignore[no-untyped-def]
    """A CSV export of 3,001 stored submissions and 20 phones sending new ones, started
    together: every phone gets 201, the export holds every submission stored before it
    started exactly once (and none twice of those that arrived meanwhile), and each row of
    the repeat table belongs to an exported submission."""
    keys = collectors(world, 21)
    first, content_type = multipart(visit_xml(form, door_photo=None), [])
    assert post(live_server.url, keys[0], first, content_type) == 201
    original = Submission.objects.get()
    before = {original.instance_id} | stored_copies(original, 3000)
    bodies = [multipart(visit_xml(form, door_photo=None), []) for _ in keys[1:]]
    jobs: list[Callable[[], int]] = [
        lambda k=k, b=b, t=t: post(live_server.url, k, b, t)
        for k, (b, t) in zip(keys[1:], bodies, strict=True)
    ]
    exported: dict[str, object] = {}

    def export() -> int:
        try:
            exported["job"] = export_request(
                user=world.admin, kind="submissions", format="csv_zip", form_id=form.form.form_id
            )
        finally:
            connection.close()  # this thread's own connection
        return 0

    assert all_at_once([export, *jobs]) == [0] + [201] * 20

    everything = set(Submission.objects.values_list("instance_id", flat=True))
    assert len(everything) == 3001 + 20
    job = exported["job"]
    job.refresh_from_db()  # type: ignore[attr-defined]
    members = zip_members(job)  # type: ignore[arg-type]
    main = next(name for name in members if "-" not in name.rsplit("/", 1)[-1])
    keys_exported = [row["KEY"] for row in csv_rows(members[main])]
    assert len(keys_exported) == len(set(keys_exported))  # nothing twice
    assert before <= set(keys_exported) <= everything  # nothing lost, nothing invented
    for name, data in members.items():
        if name != main and name.endswith(".csv"):
            assert {row["PARENT_KEY"] for row in csv_rows(data)} <= set(keys_exported)
