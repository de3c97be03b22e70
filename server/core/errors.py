"""The error catalog: every error a user can meet has a stable code, an HTTP status and a
message template in Chinese and English (through Django's translation catalogs).

Apps declare their errors with ``define_error`` in their own ``errors.py``; services raise
``GridbookError(SPEC, **params)``. One renderer per front door turns it into a response:
``as_json`` here for the API, an OpenRosa XML renderer in ``server.openrosa``, and the web
shows ``message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_CATALOG: dict[str, ErrorSpec] = {}


@dataclass(frozen=True)
class ErrorSpec:
    code: str
    status: int
    template: str | Promise

    def render(self, params: dict[str, Any]) -> str:
        return str(self.template).format(**params)


def define_error(code: str, status: int, template: str | Promise) -> ErrorSpec:
    if code in _CATALOG:
        raise ValueError(f"error code {code!r} is defined twice")
    spec = ErrorSpec(code=code, status=status, template=template)
    _CATALOG[code] = spec
    return spec


def catalog() -> dict[str, ErrorSpec]:
    return dict(_CATALOG)


@dataclass
class GridbookError(Exception):
    spec: ErrorSpec
    params: dict[str, Any] = field(default_factory=dict)

    def __init__(self, spec: ErrorSpec, **params: Any) -> None:
        super().__init__(spec.code)
        self.spec = spec
        self.params = params

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def status(self) -> int:
        return self.spec.status

    @property
    def message(self) -> str:
        """The message in the active language (call inside the user's translation context)."""
        return self.spec.render(self.params)

    def as_json(self) -> dict[str, Any]:
        details = {key: _jsonable(value) for key, value in self.params.items()}
        return {"code": self.code, "message": self.message, "details": details}

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


NOT_FOUND = define_error("not_found", 404, _("Not found."))
PERMISSION_DENIED = define_error(
    "permission_denied", 403, _("You do not have permission to do this.")
)
INVALID_INPUT = define_error("invalid_input", 400, _("The input is not valid: {reason}"))
