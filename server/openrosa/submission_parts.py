"""Reading a submission POST as ODK Collect sends it: ``multipart/form-data`` with a known
Content-Length, the part ``xml_submission_file``, one part per attachment named by its file
name (raw UTF-8; ``"``, CR and LF escaped as ``%22``, ``%0D``, ``%0A``) and, in all but the
last POST of a split upload, a part ``*isIncomplete*``.

The body limit announced by HEAD (``X-OpenRosa-Accept-Content-Length``) is the one enforced
here, before any byte is read. Parts stream to temporary files beyond 2.5 MB, hashed on
the way (``uploads``).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError

from server.core.errors import GridbookError
from server.openrosa import errors
from server.openrosa.uploads import use_hashing_handlers
from server.submissions import errors as submission_errors
from server.submissions.attachments import IncomingFile
from server.submissions.parsing import XML_MAX_BYTES

logger = logging.getLogger(__name__)
XML_PART = "xml_submission_file"
INCOMPLETE_PART = "*isIncomplete*"
_ESCAPES = (("%22", '"'), ("%0D", "\r"), ("%0A", "\n"))


@dataclass(frozen=True)
class SubmissionParts:
    xml: bytes
    files: dict[str, IncomingFile]
    incomplete: bool


def part_file_name(part_name: str) -> str:
    """The file name the XML uses for a part name as Collect's HTTP library writes it."""
    for escaped, character in _ESCAPES:
        part_name = part_name.replace(escaped, character).replace(escaped.lower(), character)
    return part_name


def submission_parts(request: HttpRequest) -> SubmissionParts:
    _check_length(request)
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise GridbookError(errors.NOT_MULTIPART)
    use_hashing_handlers(request)
    try:
        uploads = request.FILES
        incomplete = request.POST.get(INCOMPLETE_PART, "").strip().lower() == "yes"
    except (MultiPartParserError, RequestDataTooBig, TooManyFilesSent, BadRequest):
        raise GridbookError(errors.NOT_MULTIPART) from None
    except OSError as error:  # the spool for large parts is full or gone: not the phone's fault
        logger.error("spooling a submission's parts failed: %r", error)
        _close_spooled(request)
        raise GridbookError(submission_errors.STORAGE_FAILED) from error
    _refuse_duplicates(uploads.lists())
    xml_part = uploads.get(XML_PART)
    if xml_part is None:
        raise GridbookError(errors.NO_XML_PART)
    if xml_part.size is not None and xml_part.size > XML_MAX_BYTES:
        limit = XML_MAX_BYTES // 1_000_000
        raise GridbookError(submission_errors.XML_TOO_LARGE, limit=limit)
    files = {
        part_file_name(name): IncomingFile(
            file=upload,
            size=upload.size or 0,
            md5=getattr(upload, "md5", ""),
            content_type=upload.content_type or "",
        )
        for name, (upload,) in uploads.lists()  # one each: duplicates were refused above
        if name != XML_PART
    }
    return SubmissionParts(xml=xml_part.read(), files=files, incomplete=incomplete)


def _close_spooled(request: HttpRequest) -> None:
    """Close (and so delete) the temporary file a failed spool was writing, now rather than
    whenever the garbage collector gets to it."""
    for handler in request.upload_handlers:
        spooled = getattr(handler, "file", None)
        if spooled is not None:
            with contextlib.suppress(OSError):
                spooled.close()


def _refuse_duplicates(parts: Iterable[tuple[str, list[Any]]]) -> None:
    """Collect sends each file once. Two parts under one name (two XML documents, two photos
    called the same) leave no way to know which is meant: refuse rather than pick one."""
    for name, uploads_of_name in parts:
        if len(uploads_of_name) > 1:
            raise GridbookError(errors.DUPLICATE_PART, name=part_file_name(name))


def _check_length(request: HttpRequest) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.GRIDBOOK_SUBMISSION_MAX_BYTES
    if length > limit:
        raise GridbookError(
            errors.BODY_TOO_LARGE,
            size=f"{length / 1_000_000:.1f}",
            limit=f"{limit / 1_000_000:g}",
        )
