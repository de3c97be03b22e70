"""Writers that keep memory flat: rows go to temporary files as they come, and ZIPs are
streamed (zipstream-ng) from those files and from the media storage straight into the
exports storage, which S3 receives as a multipart upload. Nothing holds a whole file.

- ``CsvTables``: one UTF-8 CSV with a BOM per table (Excel on Chinese Windows reads the BOM
  as "this is UTF-8"), RFC 4180 quoting, CRLF line ends, formulas neutralised.
- ``XlsxTables`` (``exports/xlsx.py``): each sheet's XML streams to its own temp file; a
  table past Excel's 1,048,576 rows continues on a new sheet ``name (2)``.
- ``store_stream``: saves an iterable of bytes to a storage without a local copy.
"""

from __future__ import annotations

import csv
import io
import queue
import threading
from collections.abc import Iterable, Iterator
from datetime import tzinfo
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage

from server.exports.cells import csv_cells, numeric_columns
from server.exports.layout import Column
from server.exports.safety import UTF8_BOM, neutralise
from server.exports.xlsx import XlsxTables

__all__ = ["CsvTables", "XlsxTables", "storage_chunks", "store_file", "store_stream"]

CHUNK = 1024 * 1024


class CsvTables:
    """One CSV file per table in ``folder`` (``<name>.csv``)."""

    def __init__(self, folder: Path, zone: tzinfo) -> None:
        self.folder = folder
        self.zone = zone
        self._files: dict[str, tuple[Any, Any, list[bool]]] = {}
        self.paths: list[tuple[Path, str]] = []

    def add_table(self, name: str, columns: list[Column], *, print_title: str = "") -> None:
        path = self.folder / f"{len(self.paths)}.csv"
        handle = path.open("w", encoding="utf-8", newline="")
        handle.write(UTF8_BOM)
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([neutralise(column.header) for column in columns])
        self._files[name] = (handle, writer, numeric_columns(columns))
        self.paths.append((path, f"{name}.csv"))

    def write(self, name: str, values: list[Any]) -> None:
        _, writer, numeric = self._files[name]
        writer.writerow(csv_cells(values, numeric, self.zone))

    def close(self) -> None:
        for handle, _, _ in self._files.values():
            handle.close()


_END = b""
QUEUE_CHUNKS = 8  # at most this many chunks wait between the producer and the upload


class UploadAborted(Exception):
    """The producer stopped (cancelled or failed): the upload must not complete."""


class _QueueStream(io.RawIOBase):
    """A read-only, non-seekable file whose bytes come through a bounded queue."""

    def __init__(self, chunks: queue.Queue[bytes | None]) -> None:
        self._chunks = chunks
        self._pending = b""
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending and not self._ended:
            chunk = self._chunks.get()
            if chunk is None:
                raise UploadAborted
            if chunk is _END:
                self._ended = True
            self._pending = chunk
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count


def store_stream(storage: Storage, key: str, chunks: Iterable[bytes]) -> tuple[str, int]:
    """Save an iterable of bytes under ``key`` without a local copy; (stored key, size).

    The iterable runs in this thread (it reads the database: the cursor, progress ticks);
    the storage reads from a bounded queue in a thread of its own, because S3's multipart
    upload reads its input from worker threads. If the iterable raises, the upload is
    aborted (no partial object) and the error is raised here."""
    pipe: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUE_CHUNKS)
    outcome: dict[str, Any] = {}

    def upload() -> None:
        try:
            reader = io.BufferedReader(_QueueStream(pipe), buffer_size=CHUNK)
            outcome["key"] = storage.save(key, File(reader, name=key))
        except BaseException as error:  # noqa: BLE001 - handed to the producer's thread
            outcome["error"] = error

    worker = threading.Thread(target=upload, name="export-upload", daemon=True)
    worker.start()
    size = 0
    try:
        for chunk in chunks:
            if chunk:
                size += len(chunk)
                _put(pipe, chunk, worker)
    except BaseException:
        _put(pipe, None, worker)
        worker.join()
        _remove_partial(storage, outcome.get("key") or key)
        if "error" in outcome and not isinstance(outcome["error"], UploadAborted):
            raise outcome["error"] from None  # the upload failed first: that is the cause
        raise
    _put(pipe, _END, worker)
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["key"], size


def _remove_partial(storage: Storage, key: str) -> None:
    """A local storage keeps what it wrote before the stream failed; S3 aborts the upload."""
    try:
        if storage.exists(key):
            storage.delete(key)
    except OSError:
        pass


def _put(pipe: queue.Queue[bytes | None], item: bytes | None, worker: threading.Thread) -> None:
    while True:
        try:
            pipe.put(item, timeout=1)
            return
        except queue.Full:
            if not worker.is_alive():
                if item is None:
                    return
                # the upload failed: stop producing (the caller raises the upload's error)
                raise UploadAborted from None


def store_file(storage: Storage, key: str, path: Path) -> tuple[str, int]:
    with path.open("rb") as handle:
        stored = storage.save(key, File(handle, name=key))
    return stored, path.stat().st_size


def storage_chunks(storage: Storage, key: str) -> Iterator[bytes]:
    """A stored file's bytes in 1 MB chunks (opened lazily, closed when done)."""
    handle: Any = storage.open(key, "rb")
    try:
        while chunk := handle.read(CHUNK):
            yield chunk
    finally:
        handle.close()
