"""Writers that keep memory flat: rows go to temporary files as they come, and ZIPs are
streamed (zipstream-ng) from those files and from the media storage straight into the
exports storage, which S3 receives as a multipart upload. Nothing holds a whole file.

- ``CsvTables``: one UTF-8 CSV with a BOM per table (Excel on Chinese Windows reads the BOM
  as "this is UTF-8"), RFC 4180 quoting, CRLF line ends, formulas neutralised.
- ``XlsxTables``: xlsxwriter in ``constant_memory`` mode (each sheet streams to its own temp
  file); a table past Excel's 1,048,576 rows continues on a new sheet ``name (2)``.
- ``store_stream``: saves an iterable of bytes to a storage without a local copy.
"""

from __future__ import annotations

import csv
import io
import queue
import re
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

import xlsxwriter
from django.core.files import File
from django.core.files.storage import Storage

from server.exports.cells import TEXT, csv_cells, numeric_columns, typed, xlsx_kinds
from server.exports.layout import Column
from server.exports.safety import FORMULA_STARTS, UTF8_BOM, neutralise

EXCEL_MAX_ROWS = 1_048_576
ZIP64_CELLS = 20_000_000
SHEET_NAME_MAX = 31
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
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


class XlsxTables:
    """One worksheet per table (more past Excel's row limit) in one workbook."""

    def __init__(
        self, path: Path, zone: tzinfo, *, max_rows: int = EXCEL_MAX_ROWS, cells: int = 0
    ) -> None:
        self.zone = zone
        self.max_rows = max_rows
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": str(path.parent),
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        if cells > ZIP64_CELLS:
            # A sheet's XML passes 4 GB near 40 million cells; the ZIP then needs ZIP64 (Excel
            # 2010+ opens it; LibreOffice may not). Smaller workbooks keep the plain format.
            self.workbook.use_zip64()
        self.header_format = self.workbook.add_format({"bold": True, "bg_color": "#EEF2F7"})
        self.date_format = self.workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime_format = self.workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self._sheets: dict[str, list[Any]] = {}
        self._names: set[str] = set()

    def add_table(self, name: str, columns: list[Column], *, print_title: str = "") -> None:
        self._sheets[name] = [None, 0, columns, name, 1, print_title, xlsx_kinds(columns)]
        self._new_sheet(name)

    def _new_sheet(self, name: str) -> None:
        state = self._sheets[name]
        columns, base, number, title = state[2], state[3], state[4], state[5]
        sheet = self.workbook.add_worksheet(self._sheet_name(base, number))
        for index, column in enumerate(columns):
            sheet.write_string(0, index, neutralise(column.header), self.header_format)
            sheet.set_column(index, index, _width(column))
        sheet.freeze_panes(1, 0)
        sheet.repeat_rows(0)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        if title:
            sheet.set_header(f"&C{title.replace('&', '&&')}")
        sheet.set_footer("&C&P / &N")
        state[0], state[1] = sheet, 1

    def _sheet_name(self, base: str, number: int) -> str:
        clean = _SHEET_UNSAFE.sub("_", base).strip("'") or "Sheet"
        suffix = f" ({number})" if number > 1 else ""
        name = clean[: SHEET_NAME_MAX - len(suffix)] + suffix
        counter = 2
        while name.lower() in self._names:
            extra = f"~{counter}"
            name = clean[: SHEET_NAME_MAX - len(suffix) - len(extra)] + extra + suffix
            counter += 1
        self._names.add(name.lower())
        return name

    def write(self, name: str, values: list[Any]) -> None:
        state = self._sheets[name]
        if state[1] >= self.max_rows:
            state[4] += 1
            self._new_sheet(name)
        sheet, row, kinds = state[0], state[1], state[6]
        zone = self.zone
        write_string, write_number = sheet.write_string, sheet.write_number
        for index, value in enumerate(values):
            if value == "" or value is None:
                continue
            kind = kinds[index]
            if kind == TEXT and value.__class__ is str:
                write_string(row, index, "'" + value if value[0] in FORMULA_STARTS else value)
                continue
            cell = typed(value, kind, zone)
            if cell.__class__ is str:
                write_string(row, index, cell)
            elif isinstance(cell, bool | int | float):
                write_number(row, index, cell)
            elif isinstance(cell, datetime):
                sheet.write_datetime(row, index, cell, self.datetime_format)
            else:
                sheet.write_datetime(row, index, cell, self.date_format)
        state[1] = row + 1

    def close(self) -> None:
        self.workbook.close()


def _width(column: Column) -> int:
    return max(8, min(40, len(column.header.encode("utf-8")) // 2 + 4))


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
