"""Opening spreadsheets that come from users, safely.

An ``.xlsx`` file is a ZIP archive: before any parser sees it, its directory is read and the
declared uncompressed sizes and the compression ratio are checked, so a zip bomb is refused
in milliseconds instead of filling memory. CSV text is decoded as UTF-8 (with or without BOM)
and, failing that, as GB18030, which is what Excel and WPS on Chinese Windows write.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_MEMBERS = 10_000


class SpreadsheetError(Exception):
    """The file is not a spreadsheet we can read; ``reason`` is for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_zip_archive(
    stream: IO[bytes],
    *,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: int = MAX_COMPRESSION_RATIO,
) -> None:
    """Refuse archives that are not ZIP files, or that would expand beyond the limits."""
    position = stream.tell()
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise SpreadsheetError(f"not an XLSX (ZIP) file ({error})") from None
    finally:
        stream.seek(position)
    if len(members) > MAX_ZIP_MEMBERS:
        raise SpreadsheetError("the archive holds too many files")
    total = sum(member.file_size for member in members)
    if total > max_uncompressed:
        raise SpreadsheetError(
            f"it would expand to {total // (1024 * 1024)} MB, more than the "
            f"{max_uncompressed // (1024 * 1024)} MB allowed"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > max_ratio:
            raise SpreadsheetError(f"{member.filename} is compressed suspiciously well (zip bomb?)")


def decode_csv_bytes(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError("the text is neither UTF-8 nor GB18030 (GBK)")


def read_csv_rows(data: bytes) -> list[list[str]]:
    text = decode_csv_bytes(data)
    if "\x00" in text:
        raise SpreadsheetError("the file contains NUL bytes: it is not a CSV text file")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SpreadsheetError(f"malformed CSV ({error})") from None


def read_xlsx_sheets(stream: IO[bytes]) -> Iterator[tuple[str, Iterator[list[str]]]]:
    """Yield ``(sheet title, rows of cell texts)`` for each worksheet, in workbook order."""
    import openpyxl  # imported here: only imports of spreadsheets pay for it

    check_zip_archive(stream)
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds; all mean "unreadable"
        raise SpreadsheetError(f"not a readable XLSX workbook ({type(error).__name__})") from None
    try:
        for sheet in workbook.worksheets:
            yield (
                sheet.title,
                ([cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)),
            )
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    """A cell's value as the text a person typed: 502.0 becomes "502", dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
