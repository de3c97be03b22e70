"""Every URL pattern of the project × every role (see ``access.py``): who may read and write
what. A pattern missing from the matrix fails, so a new page cannot skip the question."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from server.accounts.collector_tokens import collector_token_issue
from server.accounts.models import User
from server.exports.links import link_token
from server.exports.services import export_request, export_run
from server.grids.models import Household
from server.submissions.attachments import IncomingFile
from server.submissions.services import Sender, submission_receive
from server.xforms.background import form_upload_enqueue
from server.xforms.media import form_media_upload_bytes
from server.xforms.models import FormState, FormVersion
from server.xforms.services import form_publish, form_set_state
from tests.conftest import PASSWORD, World
from tests.openrosa.collect import CollectClient
from tests.openrosa.conftest import photo, visit_xml
from tests.reliability.access import LOGIN, MATRIX, OK, PENDING, ROLES, Expect, Row, W
from tests.web.records_support import need, pending_change
from tests.xforms.conftest import upload_markdown
from tests.xforms.test_media import JPEG

pytestmark = pytest.mark.django_db


def incoming(data: bytes) -> IncomingFile:
    import hashlib
    import io

    return IncomingFile(
        file=io.BytesIO(data), size=len(data), md5=hashlib.md5(data).hexdigest(),
        content_type="image/jpeg",
    )  # fmt: skip


MEDIA_FORM = """
| survey |
|        | type | name    | label | media::image |
|        | note | welcome | 欢迎  | logo.jpg     |
| settings |
|          | form_id  | version |
|          | hh_media | 1       |
"""


def url_pattern_names() -> Iterator[str]:
    def walk(patterns: list, namespace: str) -> Iterator[str]:  # type: ignore[type-arg]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}{pattern.name or pattern.pattern}"

    yield from walk(get_resolver().url_patterns, "")


def test_every_url_pattern_has_a_row_in_the_access_matrix() -> None:
    names = set(url_pattern_names())
    missing = sorted(names - set(MATRIX) - PENDING)
    assert not missing, f"add these URL patterns to tests/reliability/access.py: {missing}"
    assert not sorted(set(MATRIX) - names), "rows for URL patterns that no longer exist"
    assert not PENDING & set(MATRIX), "remove from PENDING the patterns that now have a row"
    assert names >= PENDING, "remove from PENDING the patterns that no longer exist"


def users_of(world: World) -> dict[str, User | None]:
    return {
        "admin": world.admin,
        "manager_a": world.alice,
        "manager_b": world.erin,
        "designer": world.dave,
        "collector_1": world.bob,
        "collector_2": world.carol,
        "anonymous": None,
    }


@pytest.fixture
def place(world: World, visit_form: FormVersion) -> dict[str, object]:
    """The objects the matrix's paths name, and each person's token URL key."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = form_upload_enqueue(
        upload=SimpleUploadedFile("big.xlsx", b"PK\x03\x04"), file_name="big.xlsx", user=world.dave
    )
    media = upload_markdown(MEDIA_FORM).version
    form_set_state(form=media.form, state=FormState.OPEN)
    form_publish(form=media.form, area=world.community_a)
    form_media_upload_bytes(form_version=media, filename="logo.jpg", data=JPEG)
    received = submission_receive(
        xml=visit_xml(visit_form, door_photo="door.jpg"),
        files={"door.jpg": incoming(photo())},
        sender=Sender(user=world.bob),
    )
    attachment = received.submission.attachments.get()
    tokens = {"collector_1": collector_token_issue(user=world.bob)}
    tokens["collector_2"] = collector_token_issue(user=world.carol)
    household = Household.objects.get(code="XF-1-101")  # grid CY1, area A
    raised = need(household, by=world.bob)
    change = pending_change(household, by=world.bob, payload={"phone": "13900000000"})
    # Alice's finished export (a household list): run here, the task queue is not involved.
    job = export_request(user=world.alice, kind="households", format="xlsx", form_id="")
    export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "done", (job.state, job.error_code, job.error_detail)
    return {
        "users": users_of(world),
        "values": {
            "version": visit_form.version,
            "media_version": media.version,
            "upload_id": upload.pk,
            "submission": received.submission.pk,
            "attachment": attachment.pk,
            "need": raised.pk,
            "change": change.pk,
            "export": job.pk,
            "export_link": link_token(job, world.alice),  # the link the API gave alice
        },
        "tokens": tokens,
    }


def observe(row: Row, method: str, role: str, place: dict[str, object]) -> int | str:
    users: dict[str, User | None] = place["users"]  # type: ignore[assignment]
    values = dict(place["values"])  # type: ignore[call-overload]
    values["token"] = place["tokens"].get(role, "gb1.not-a-valid-token")  # type: ignore[attr-defined]
    path = row.path.format(**values)
    user = users[role]
    with transaction.atomic():
        response = request(row, method, path, user)
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", "")  # type: ignore[return-value]


def request(row: Row, method: str, path: str, user: User | None):  # type: ignore[no-untyped-def]
    data = {"content_type": "multipart/form-data; boundary=x", "data": b"--x--\r\n"}
    if row.collect and not path.startswith("/key/") and user is not None:
        phone = CollectClient(Client(), username=user.username, password=PASSWORD)
        return phone.request(method, path, **(data if method == "POST" else {}))
    client = Client(raise_request_exception=False)
    if user is not None and not row.collect:
        client.force_login(user)
    if method in ("POST", "PATCH", "PUT", "DELETE"):
        return client.generic(method, path, **data)
    return client.generic(method, path)


def matches(expect: Expect, status: int, location: str) -> bool:
    to_login = status == 302 and location.startswith("/login/")
    if expect == LOGIN:
        return to_login
    if expect == OK:
        return 200 <= status < 400 and not to_login
    if expect == W:
        return status not in (401, 403, 404, 405) and not to_login and status < 500
    return status == expect


def summary(status: int, location: str) -> Expect:
    if status == 302 and location.startswith("/login/"):
        return LOGIN
    return OK if 200 <= status < 400 else status


@pytest.mark.parametrize("name", sorted(MATRIX), ids=sorted(MATRIX))
def test_each_role_gets_what_the_matrix_says(name: str, place: dict[str, object]) -> None:
    row = MATRIX[name]
    wrong: list[str] = []
    for method, expected in row.methods.items():
        observed = {role: observe(row, method, role, place) for role in ROLES}
        if os.environ.get("GRIDBOOK_ACCESS_PRINT"):
            cells = ", ".join(repr(summary(*observed[role])) for role in ROLES)
            print(f"\n{name} {method}: per_role({cells})")
        for role in ROLES:
            status, location = observed[role]
            if not matches(expected[role], status, location):
                wrong.append(f"{method} {role}: expected {expected[role]}, got {status} {location}")
    assert not wrong, f"{name} ({row.path}):\n" + "\n".join(wrong)
