"""The one renderer of OpenRosa responses: the XML documents, their headers, and every error
as an ``OpenRosaResponse`` whose ``message`` ODK Collect shows the worker as is."""

from __future__ import annotations

from typing import TypeVar

from django.http import HttpResponse
from django.http.response import HttpResponseBase
from lxml import etree

from server.core.errors import GridbookError

OPENROSA_VERSION = "1.0"
CONTENT_TYPE = "text/xml; charset=utf-8"
RESPONSE_NAMESPACE = "http://openrosa.org/http/response"
R = TypeVar("R", bound=HttpResponseBase)


def openrosa_headers(response: R) -> R:
    """What every OpenRosa response carries; and no cookie, ever. (``Date`` is added by the
    HTTP server, gunicorn or Django's own; setting it here too would send it twice.)"""
    response["X-OpenRosa-Version"] = OPENROSA_VERSION
    response.cookies.clear()
    return response


def xml_response(body: bytes, *, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPE)
    return openrosa_headers(response)


def message_document(message: str) -> bytes:
    root = etree.Element("OpenRosaResponse", nsmap={None: RESPONSE_NAMESPACE})
    etree.SubElement(root, "message").text = message
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def message_response(message: str, *, status: int) -> HttpResponse:
    return xml_response(message_document(message), status=status)


def error_response(error: GridbookError) -> HttpResponse:
    """An error from the catalog, in the active language (the worker's)."""
    response = message_response(error.message, status=error.status)
    response["X-Gridbook-Error"] = error.code
    return response
