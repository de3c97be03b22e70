"""Upload handlers for submission POSTs: Django's own (memory for small bodies, temporary
files for large ones, so a 100 MB POST never sits in memory), each also hashing the bytes as
they stream past, so the md5 of every part is known without reading it again."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    TemporaryFileUploadHandler,
)
from django.http import HttpRequest


class _Hashing:
    """Mixin: md5 of the file's bytes, attached to the finished file as ``md5``."""

    _md5: Any

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self._md5 = hashlib.md5(usedforsecurity=False)
        super().new_file(*args, **kwargs)  # type: ignore[misc]

    def keeps_data(self) -> bool:
        return True

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.keeps_data():
            self._md5.update(raw_data)
        return super().receive_data_chunk(raw_data, start)  # type: ignore[misc]

    def file_complete(self, file_size: int) -> UploadedFile | None:
        finished = super().file_complete(file_size)  # type: ignore[misc]
        if finished is not None:
            finished.md5 = self._md5.hexdigest()
        return finished


class HashingMemoryHandler(_Hashing, MemoryFileUploadHandler):
    def keeps_data(self) -> bool:
        return bool(self.activated)


class HashingTemporaryFileHandler(_Hashing, TemporaryFileUploadHandler):
    pass


def use_hashing_handlers(request: HttpRequest) -> None:
    """Call before ``request.FILES`` is first read."""
    handlers: list[FileUploadHandler] = [
        HashingMemoryHandler(request),
        HashingTemporaryFileHandler(request),
    ]
    request.upload_handlers = handlers
