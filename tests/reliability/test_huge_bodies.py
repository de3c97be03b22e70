"""A 200 MB submission body: over the accepted length it is refused before one byte of it is
read; under a raised limit it streams through to temporary files and never sits in memory.

The body is produced lazily by ``Stream`` (nothing of it exists in memory at once) and given
to Django as ``wsgi.input``, exactly as gunicorn hands over a socket."""

from __future__ import annotations

import os
import tracemalloc

import pytest
from django.test import Client

from server.accounts.collector_tokens import collector_token_issue
from server.submissions.models import Submission
from server.xforms.models import FormVersion
from tests.conftest import World
from tests.openrosa.conftest import visit_xml
from tests.openrosa.test_submission import message
from tests.reliability.catalog import assert_catalog_message
from tests.reliability.snapshot import assert_unchanged, snapshot

SIZE = 200 * 1024 * 1024
CHUNK = 64 * 1024


class Stream:
    """A multipart body: the XML part, then one part of ``filler`` bytes, generated as read."""

    def __init__(self, xml: bytes, filler: int) -> None:
        boundary = "gridbook-" + os.urandom(8).hex()
        self.content_type = f"multipart/form-data; boundary={boundary}"
        self.head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="xml_submission_file"; '
            f'filename="s.xml"\r\nContent-Type: text/xml\r\n\r\n'.encode()
            + xml
            + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="extra.bin"; '
            f'filename="extra.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        )
        self.tail = f"\r\n--{boundary}--\r\n".encode()
        self.length = len(self.head) + filler + len(self.tail)
        self.position = 0
        self.filler_block = b"\xa5" * CHUNK

    def _byte_source(self, start: int, size: int) -> bytes:
        out = bytearray()
        end = min(start + size, self.length)
        position = start
        filler_end = self.length - len(self.tail)
        while position < end:
            if position < len(self.head):
                piece = self.head[position : min(end, len(self.head))]
            elif position < filler_end:
                piece = self.filler_block[: min(end, filler_end) - position]
            else:
                piece = self.tail[position - filler_end : end - filler_end]
            out += piece
            position += len(piece)
        return bytes(out)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.length - self.position
        data = self._byte_source(self.position, min(size, 1024 * 1024))
        self.position += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:  # WSGI asks for it; multipart never does
        return self.read(size)


def post_stream(client: Client, path: str, stream: Stream):  # type: ignore[no-untyped-def]
    return client.generic(
        "POST",
        path,
        data=b"",
        content_type=stream.content_type,
        **{
            "wsgi.input": stream,
            "CONTENT_LENGTH": str(stream.length),
            "CONTENT_TYPE": stream.content_type,
        },
    )


@pytest.fixture
def token_path(world: World) -> str:
    return f"/key/{collector_token_issue(user=world.bob)}/submission"


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    client: Client, visit_form: FormVersion, token_path: str
) -> None:
    stream = Stream(visit_xml(visit_form, door_photo=None), SIZE)
    before = snapshot()
    response = post_stream(client, token_path, stream)
    assert response.status_code == 413
    assert_catalog_message(message(response), "openrosa_body_too_large", "zh-hans")
    assert "200" in message(response) or "209" in message(response)
    assert stream.position == 0  # not one byte of the body was read
    assert_unchanged(before)


@pytest.mark.slow
def test_a_200_mb_body_under_a_raised_limit_streams_without_filling_memory(
    client: Client,
    visit_form: FormVersion,
    token_path: str,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.GRIDBOOK_SUBMISSION_MAX_BYTES = 300_000_000
    stream = Stream(visit_xml(visit_form, door_photo=None), SIZE)
    tracemalloc.start()
    try:
        response = post_stream(client, token_path, stream)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 201, message(response)
    assert stream.position == stream.length  # all of it went through
    assert peak < 20 * 1024 * 1024, f"peak Python memory {peak / 1e6:.0f} MB"
    assert Submission.objects.count() == 1  # the extra part, named by no answer, is not kept
