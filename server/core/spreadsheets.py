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

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_MEMBERS = 10_000


class SpreadsheetError(Exception):
    """The file is not a spreadsheet we can read; ``reason`` is for the user, in the language
    active when it is read (the template is translated lazily, then filled)."""

    def __init__(self, reason: str | Promise, **params: object) -> None:
        super().__init__(reason)
        self._template = reason
        self._params = params

    @property
    def reason(self) -> str:
        text = str(self._template)
        return text % self._params if self._params else text

    def __str__(self) -> str:
        return self.reason


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
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise SpreadsheetError(_("not an XLSX (ZIP) file")) from None
    finally:
        stream.seek(position)
    if len(members) > MAX_ZIP_MEMBERS:
        raise SpreadsheetError(_("the archive holds too many files"))
    total = sum(member.file_size for member in members)
    if total > max_uncompressed:
        raise SpreadsheetError(
            _("it would expand to %(size)d MB, more than the %(limit)d MB allowed"),
            size=total // (1024 * 1024),
            limit=max_uncompressed // (1024 * 1024),
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > max_ratio:
            raise SpreadsheetError(
                _("%(member)s is compressed suspiciously well (zip bomb?)"), member=member.filename
            )


def decode_csv_bytes(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(_("the text is neither UTF-8 nor GB18030 (GBK)"))


def read_csv_rows(data: bytes) -> list[list[str]]:
    text = decode_csv_bytes(data)
    if "\x00" in text:
        raise SpreadsheetError(_("the file contains NUL bytes: it is not a CSV text file"))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SpreadsheetError(_("malformed CSV (%(error)s)"), error=str(error)) from None


def read_xlsx_sheets(stream: IO[bytes]) -> Iterator[tuple[str, Iterator[list[str]]]]:
    """Yield ``(sheet title, rows of cell texts)`` for each worksheet, in workbook order."""
    import openpyxl  # imported here: only imports of spreadsheets pay for it

    check_zip_archive(stream)
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds; all mean "unreadable"
        raise SpreadsheetError(
            _("not a readable XLSX workbook (%(error)s)"), error=type(error).__name__
        ) from None
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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def spreadsheet_safe(text: str) -> str:
    """A cell value that Excel, WPS and LibreOffice show as text, never run as a formula
    (CSV/formula injection: ``=HYPERLINK(...)`` typed into a name). A leading apostrophe is
    what these programs themselves use to mark text; full-width signs count, since some
    programs treat them as formulas too. Use for every cell of user-typed text written to
    CSV or XLSX."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
