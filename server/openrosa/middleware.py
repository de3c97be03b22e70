"""A server URL typed with a trailing slash (``http://host/``) makes ODK Collect request
``http://host//formList``. nginx merges the slashes by default; this does the same when
gunicorn faces the phones directly, before any URL is resolved (so nothing redirects)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

_SLASHES = re.compile(r"/{2,}")


def merge_slashes(path: str) -> str:
    return _SLASHES.sub("/", path)


class MergeSlashesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "//" in request.path_info:
            request.path_info = merge_slashes(request.path_info)
            request.path = merge_slashes(request.path)
        return self.get_response(request)
