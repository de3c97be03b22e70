"""Reading the records API's query parameters: an area code inside the reader's scope (404
outside), a period, yes/no, a value from a code list. Invalid values are JSON errors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.http import Http404
from rest_framework.request import Request

from server.accounts.selectors import scope_for
from server.api.errors import PERIOD_INVALID
from server.core.errors import INVALID_INPUT, GridbookError
from server.grids.models import Area
from server.grids.selectors import visible_area
from server.records.record_period import PeriodError, parse_period


def area_param(request: Request, name: str = "area") -> Area | None:
    code = request.query_params.get(name)
    if not code:
        return None
    area = visible_area(scope=scope_for(request.user), code=code)
    if area is None:
        raise Http404
    return area


def period_bounds(request: Request) -> tuple[datetime | None, datetime | None]:
    """``period=`` or ``from``/``to`` as [start, end) instants; nothing given: no bounds."""
    params = request.query_params
    if not (params.get("period") or params.get("from") or params.get("to")):
        return None, None
    try:
        period = parse_period(params.get("period"), first=params.get("from"), last=params.get("to"))
    except PeriodError as error:
        raise GridbookError(PERIOD_INVALID, reason=error.reason) from error
    return period.start, period.end


def bool_param(request: Request, name: str) -> bool | None:
    text = request.query_params.get(name)
    if text in (None, ""):
        return None
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise GridbookError(INVALID_INPUT, reason=f"{name}: true or false")


def choice_param(request: Request, name: str, allowed: Iterable[str]) -> str:
    text = request.query_params.get(name, "")
    values = list(allowed)
    if text and text not in values:
        raise GridbookError(INVALID_INPUT, reason=f"{name}: one of {', '.join(values)}")
    return text
