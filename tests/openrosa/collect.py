"""A test client that talks to Gridbook the way ODK Collect does (shared/OPENROSA.md).

It sends Collect's headers (``X-OpenRosa-Version: 1.0``, its User-Agent, ``Accept-Encoding:
gzip``, a Date header that is wrong half of the day), appends ``?deviceID=collect:…`` to every
URL, answers Digest challenges (MD5, qop=auth) and then authenticates preemptively with the
nonce it was given (as okhttp-digest does), and builds multipart bodies byte by byte as
Collect's HTTP library does: the XML part, one part per attachment named by its file name
(raw UTF-8; ``"``, CR, LF escaped as %22, %0D, %0A) and ``*isIncomplete*`` when asked.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.test import Client

USER_AGENT = (
    "org.odk.collect.android/v2026.3.3 Dalvik/2.1.0 (Linux; U; Android 14; "
    "Redmi Note 12 Build/UKQ1.230917.001)"
)
DEVICE_ID = "collect:Xk3pQ9wLm2Rt7vB1"


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def challenge_params(header: str) -> dict[str, str]:
    assert header.startswith("Digest "), header
    return {
        key.lower(): value.strip('"')
        for key, value in re.findall(r'(\w+)=("[^"]*"|[^,\s]*)', header[len("Digest ") :])
    }


def escape_part_name(name: str) -> str:
    return name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


@dataclass(frozen=True)
class Part:
    name: str
    content: bytes
    content_type: str = "image/jpeg"


def multipart(
    xml: bytes,
    parts: Sequence[Part],
    *,
    incomplete: bool = False,
    xml_name: str = "hh_visit_2026-11-23_17-30-05.xml",
) -> tuple[bytes, str]:
    boundary = "gridbook-" + os.urandom(8).hex()
    chunks: list[bytes] = []

    def add(headers: str, body: bytes) -> None:
        chunks.append(f"--{boundary}\r\n{headers}\r\n\r\n".encode() + body + b"\r\n")

    add(
        f'Content-Disposition: form-data; name="xml_submission_file"; filename="{xml_name}"\r\n'
        "Content-Type: text/xml",
        xml,
    )
    for part in parts:
        name = escape_part_name(part.name)
        add(
            f'Content-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
            f"Content-Type: {part.content_type}",
            part.content,
        )
    if incomplete:
        add('Content-Disposition: form-data; name="*isIncomplete*"', b"yes")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


@dataclass
class CollectClient:
    """Collect signed in as ``username``/``password`` (Digest), or through a token URL
    (``prefix="/key/<token>"``, no password)."""

    client: Client
    username: str = ""
    password: str = ""
    prefix: str = ""
    device_id: str = DEVICE_ID
    secure: bool = False
    challenge: dict[str, str] | None = None
    nonce_count: int = 0
    round_trips: list[int] = field(default_factory=list)

    def url(self, path: str) -> str:
        """``path`` under this client's server URL, with Collect's deviceID query."""
        if path.startswith("http"):
            parts = urlsplit(path)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
        elif not path.startswith(self.prefix or "/"):
            path = f"{self.prefix}/{path.lstrip('/')}"
        separator = "&" if "?" in path else "?"
        return f"{path}{separator}deviceID={self.device_id.replace(':', '%3A')}"

    def headers(self) -> dict[str, str]:
        return {
            "HTTP_X_OPENROSA_VERSION": "1.0",
            "HTTP_USER_AGENT": USER_AGENT,
            "HTTP_ACCEPT_ENCODING": "gzip",
            "HTTP_DATE": "Mon, 23 Nov 2026 05:30:05 GMT",  # 12-hour clock: wrong
        }

    def authorization(self, method: str, uri: str) -> str:
        assert self.challenge is not None
        self.nonce_count += 1
        cnonce, nc = os.urandom(8).hex(), f"{self.nonce_count:08x}"
        realm, nonce = self.challenge["realm"], self.challenge["nonce"]
        ha1 = md5(f"{self.username}:{realm}:{self.password}".encode("iso-8859-1"))
        ha2 = md5(f"{method}:{uri}".encode())
        response = md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}".encode())
        return (
            f'Digest username="{self.username}", realm="{realm}", nonce="{nonce}", '
            f'uri="{uri}", qop=auth, nc={nc}, cnonce="{cnonce}", response="{response}", '
            f'algorithm=MD5, opaque="{self.challenge.get("opaque", "")}"'
        )

    def request(self, method: str, path: str, **extra: Any) -> Any:
        """One Collect request: preemptive Digest when a challenge is known; on a 401 with
        a Digest challenge, one retry with it (okhttp-digest's behaviour)."""
        uri = self.url(path)
        self.round_trips.append(1)
        response = self._send(method, uri, **extra)
        challenge = response.headers.get("WWW-Authenticate", "")
        if response.status_code == 401 and challenge.startswith("Digest") and self.username:
            self.challenge = challenge_params(challenge)
            self.nonce_count = 0
            self.round_trips[-1] += 1
            response = self._send(method, uri, **extra)
        return response

    def _send(self, method: str, uri: str, **extra: Any) -> Any:
        headers = self.headers() | extra.pop("headers", {})
        if self.challenge is not None and self.username:
            headers["HTTP_AUTHORIZATION"] = self.authorization(method, uri)
        call = getattr(self.client, method.lower())
        return call(uri, secure=self.secure, **headers, **extra)

    def get(self, path: str, **extra: Any) -> Any:
        return self.request("GET", path, **extra)

    def head(self, path: str, **extra: Any) -> Any:
        return self.request("HEAD", path, **extra)

    def request_submission(
        self, xml: bytes, parts: Sequence[Part] = (), *, incomplete: bool = False
    ) -> Any:
        """The POST alone (after an earlier HEAD), as Collect sends the next form of a batch."""
        body, content_type = multipart(xml, parts, incomplete=incomplete)
        return self.request("POST", "submission", data=body, content_type=content_type)

    def submit(
        self, xml: bytes, parts: Sequence[Part] = (), *, incomplete: bool = False, **extra: Any
    ) -> Any:
        """HEAD then multipart POST to ``submission``, as Collect sends a saved form."""
        head = self.head("submission")
        assert head.status_code == 204, (head.status_code, head.content)
        body, content_type = multipart(xml, parts, incomplete=incomplete)
        return self.request("POST", "submission", data=body, content_type=content_type, **extra)
