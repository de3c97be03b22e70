"""Every API error is JSON ``{code, message, details}`` in the reader's language.

``GridbookError`` (the catalog in ``server/*/errors.py``) renders with its own code and
status; DRF's own errors (authentication, permissions, validation, not found) are reshaped
into the same form, so clients read one error format.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from server.core.errors import INVALID_INPUT, NOT_FOUND, GridbookError


def exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(error, GridbookError):
        return Response(error.as_json(), status=error.status)
    response = drf_exception_handler(error, context)
    if response is None:
        return None
    response.data = _reshaped(error, response.data)
    return response


def _reshaped(error: Exception, data: Any) -> dict[str, Any]:
    if isinstance(error, exceptions.ValidationError):
        return GridbookError(INVALID_INPUT, reason=_first(data)).as_json() | {"details": data}
    if isinstance(error, Http404):
        return GridbookError(NOT_FOUND).as_json()
    if isinstance(error, PermissionDenied):
        code = "permission_denied"
    else:
        code = getattr(error, "default_code", "error")
    message = data.get("detail", "") if isinstance(data, dict) else _first(data)
    return {"code": str(code), "message": str(message), "details": {}}


def _first(data: Any) -> str:
    """The first message of a DRF error structure, prefixed with its field."""
    if isinstance(data, dict):
        for field, value in data.items():
            text = _first(value)
            return text if field in ("detail", "non_field_errors") else f"{field}: {text}"
    if isinstance(data, list) and data:
        return _first(data[0])
    return str(data)
