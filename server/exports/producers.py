"""Producing an export's file: rows stream from the database into a writer, the file goes
to the exports storage. Each producer calls ``tick(rows_done)`` as it goes; ``tick`` saves
progress and a heartbeat and raises ``Cancelled`` when the job was cancelled meanwhile.

Submissions are read with ``values_list(...).iterator(chunk_size=...)`` (a server-side
cursor on PostgreSQL, no model instances); areas, people and versions are looked up in
dictionaries loaded once. Photos are never read into memory or onto local disk: their
bytes go from the media storage through the ZIP stream into the exports storage.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db.models import F
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from zipstream import ZIP_DEFLATED, ZIP_STORED, ZipStream

from server.accounts.models import User
from server.accounts.privacy import personal_data_for
from server.core.storage import exports_storage, media_storage, safe_file_name
from server.exports import selectors
from server.exports.cells import compile_plan, row_values
from server.exports.layout import Column, Layout, build_layout, repeat_nodes
from server.exports.options import ExportFilters, ExportOptions
from server.exports.writers import CsvTables, XlsxTables, storage_chunks, store_file, store_stream
from server.submissions.models import Attachment, ReviewState
from server.xforms.models import Form, FormVersion

CHUNK_ROWS = 2000
HOUSEHOLD_PATH = ("grp_id", "household")  # the shipped forms' field contract (forms/README.md)
Tick = Callable[[int], None]


class Cancelled(Exception):
    """The job was cancelled while it ran."""


@dataclass(frozen=True)
class Output:
    key: str
    name: str
    size: int
    rows: int


@dataclass
class Request:
    """What a producer needs, resolved from the job."""

    user: User
    form: Form | None
    options: ExportOptions
    filters: ExportFilters
    key_prefix: str  # storage folder of this job's file
    workdir: Path
    tick: Tick
    rows_total: int = 0  # known before the producer runs (sizes the XLSX container)


SYSTEM_LABELS = {
    "SubmissionDate": lambda: _("Submission date"),
    "meta-instanceID": lambda: pgettext("export column", "Instance ID"),
    "KEY": lambda: "KEY",
    "PARENT_KEY": lambda: "PARENT_KEY",
    "SubmitterID": lambda: _("Submitter (user name)"),
    "SubmitterName": lambda: _("Submitter"),
    "AttachmentsPresent": lambda: _("Attachments present"),
    "AttachmentsExpected": lambda: _("Attachments expected"),
    "ReviewState": lambda: _("Review state"),
    "DeviceID": lambda: _("Device ID"),
    "FormVersion": lambda: _("Form version"),
    "GridCode": lambda: _("Grid code"),
    "GridName": lambda: _("Grid name"),
    "CommunityCode": lambda: _("Community code"),
    "CommunityName": lambda: _("Community name"),
}


def system_label(name: str) -> str:
    label = SYSTEM_LABELS.get(name)
    return label() if label else name


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


# ------------------------------------------------------------------ submissions


class _Submissions:
    """The rows of a submission export, shared by the CSV, XLSX and GeoJSON producers."""

    def __init__(self, request: Request) -> None:
        assert request.form is not None
        self.request = request
        self.form = request.form
        self.schema = selectors.form_schema(self.form, request.filters.version)
        in_full = personal_data_for(request.user).in_full
        self.layout: Layout = build_layout(
            self.schema, request.options, system_label=system_label, mask_personal=not in_full
        )
        self.selection = selectors.submission_rows(
            user=request.user, form=self.form, filters=request.filters, schema=self.schema
        )
        self.grids = selectors.grid_names()
        self.users = selectors.user_names()
        self.versions = dict(
            FormVersion.objects.filter(form=self.form).values_list("id", "version")
        )
        names = request.options.language == "names"
        self.states = {
            state.value: state.value if names else str(state.label) for state in ReviewState
        }

    def total(self) -> int:
        return self.selection.queryset.count()

    def rows(self) -> Iterator[dict[str, list[list[Any]]]]:
        """Per submission: each table's rows (table name → list of value lists)."""
        keep = self.selection.keep
        plans = [(table, compile_plan(table)) for table in self.layout.tables]
        no_grid = ("", "", "", "")
        no_user = ("", "")
        values = self.selection.queryset.values_list(*selectors.SUBMISSION_VALUES)
        for record in values.iterator(chunk_size=CHUNK_ROWS):
            (
                _id,
                instance_id,
                _root,
                _dep,
                received_at,
                _started,
                user_id,
                device_id,
                version_id,
                review_state,
                grid_id,
                data,
                present,
                expected,
            ) = record
            if not isinstance(data, dict):
                data = {}
            if keep is not None and not keep(data):
                yield {}
                continue
            grid = self.grids.get(grid_id, no_grid)
            user = self.users.get(user_id, no_user)
            system = {
                "received_at": received_at,
                "instance_id": instance_id,
                "KEY": instance_id,
                "submitter_username": user[0],
                "submitter_name": user[1],
                "attachments_present": present,
                "attachments_expected": expected,
                "review_state": self.states.get(review_state, review_state),
                "device_id": device_id,
                "form_version": self.versions.get(version_id, ""),
                "grid_code": grid[0],
                "grid_name": grid[1],
                "community_code": grid[2],
                "community_name": grid[3],
            }
            nodes = repeat_nodes(self.layout, data, instance_id)
            yield {
                table.name: [row_values(plan, node, system) for node in nodes.get(table.path, [])]
                for table, plan in plans
            }

    def file_stem(self) -> str:
        return safe_file_name(f"{self.form.form_id}_{stamp()}", fallback="export")


def submissions_csv_zip(request: Request) -> Output:
    source = _Submissions(request)
    writer = CsvTables(request.workdir, timezone.get_current_timezone())
    total_rows = _write_tables(source, writer, request)
    stream = ZipStream(compress_type=ZIP_DEFLATED, compress_level=1)
    for path, arcname in writer.paths:
        stream.add_path(str(path), arcname)
    photos = _media_entries(request, source.selection) if request.options.include_media else ()
    name = f"{source.file_stem()}.zip"
    chunks = _zip_chunks(stream, photos, folder="media/")
    key, size = store_stream(exports_storage(), f"{request.key_prefix}/{name}", chunks)
    return Output(key=key, name=name, size=size, rows=total_rows)


def _zip_chunks(
    stream: ZipStream, photos: Iterable[tuple[str, str]], *, folder: str = ""
) -> Iterator[bytes]:
    """The ZIP's bytes: the files already queued, then each photo as it comes (queued one at
    a time, so the list of photos is never held; only the ZIP's central directory, about a
    hundred bytes a file, grows until the end)."""
    yield from stream.all_files()
    for arcname, key in photos:
        stream.add(storage_chunks(media_storage(), key), folder + arcname, compress_type=ZIP_STORED)
        yield from stream.all_files()
    yield from stream.footer()


def _write_tables(source: _Submissions, writer: CsvTables | XlsxTables, request: Request) -> int:
    """Stream every row into the writer; returns the number of submissions written."""
    for table in source.layout.tables:
        writer.add_table(table.name, table.columns)
    request.tick(0)
    done = written = 0
    try:
        for tables in source.rows():
            done += 1
            if tables:
                written += 1
                for name, rows in tables.items():
                    for row in rows:
                        writer.write(name, row)
            if done % CHUNK_ROWS == 0:
                request.tick(done)
    finally:
        writer.close()
    request.tick(done)
    return written


def submissions_xlsx(request: Request) -> Output:
    source = _Submissions(request)
    path = request.workdir / "export.xlsx"
    cells = request.rows_total * len(source.layout.main.columns)
    writer = XlsxTables(path, timezone.get_current_timezone(), cells=cells)
    rows = _write_tables(source, writer, request)
    name = f"{source.file_stem()}.xlsx"
    key, size = store_file(exports_storage(), f"{request.key_prefix}/{name}", path)
    return Output(key=key, name=name, size=size, rows=rows)


def submissions_geojson(request: Request) -> Output:
    """A FeatureCollection of the submissions' GPS points (the form's first geopoint at the
    top level), with the grid, household, date and submitter of each."""
    source = _Submissions(request)
    main = source.layout.main
    geo = [column for column in main.columns if column.source == "geo"]
    if not geo:
        points: list[Column] = []
    else:
        first = geo[0].names
        points = [column for column in geo if column.names == first]
    wanted = [
        (index, column)
        for index, column in enumerate(main.columns)
        if column.system
        in {"received_at", "KEY", "submitter_name", "grid_code", "grid_name", "community_name"}
        or column.field_name in ("household", "visit_result", "visit_type")
    ]
    zone = timezone.get_current_timezone()
    path = request.workdir / "points.geojson"
    done = written = 0
    request.tick(0)
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"type":"FeatureCollection","features":[\n')
        for tables in source.rows():
            done += 1
            if done % CHUNK_ROWS == 0:
                request.tick(done)
            row = (tables.get(main.name) or [[]])[0]
            if not row or not points:
                continue
            index = main.columns.index(points[0])
            try:
                latitude, longitude = float(row[index]), float(row[index + 1])
            except (TypeError, ValueError):
                continue
            properties = {}
            for position, column in wanted:
                value = row[position]
                properties[column.header] = (
                    value.astimezone(zone).isoformat() if isinstance(value, datetime) else value
                )
            feature = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
                "properties": properties,
            }
            handle.write(("," if written else "") + json.dumps(feature, ensure_ascii=False) + "\n")
            written += 1
        handle.write("]}\n")
    request.tick(done)
    name = f"{source.file_stem()}.geojson"
    key, size = store_file(exports_storage(), f"{request.key_prefix}/{name}", path)
    return Output(key=key, name=name, size=size, rows=written)


def submissions_media_zip(request: Request) -> Output:
    assert request.form is not None
    schema = selectors.form_schema(request.form, request.filters.version)
    selection = selectors.submission_rows(
        user=request.user, form=request.form, filters=request.filters, schema=schema
    )
    counted = _Counted(_media_entries(request, selection))
    stream = ZipStream(compress_type=ZIP_STORED)
    name = f"{safe_file_name(f'{request.form.form_id}_media_{stamp()}', fallback='media')}.zip"
    chunks = _zip_chunks(stream, counted)
    key, size = store_stream(exports_storage(), f"{request.key_prefix}/{name}", chunks)
    return Output(key=key, name=name, size=size, rows=counted.count)


class _Counted:
    def __init__(self, items: Iterable[tuple[str, str]]) -> None:
        self.items = items
        self.count = 0

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for item in self.items:
            self.count += 1
            yield item


def _json_text(field: str, path: tuple[str, ...]) -> KeyTextTransform:
    """The text at ``path`` inside a JSON column (``KT()`` does not follow a relation)."""
    node: Any = field
    for name in path[:-1]:
        node = KeyTransform(name, node)
    return KeyTextTransform(path[-1], node)


def _media_entries(
    request: Request, selection: selectors.SubmissionSelection
) -> Iterator[tuple[str, str]]:
    """(name in the ZIP, media storage key) of every photo and file present, named
    ``<grid>_<household>_<date>_<question>_<n>.<ext>``, one at a time as the cursor reads
    them; grids come in order, so the name counters only ever hold one grid's."""
    zone = timezone.get_current_timezone()
    submissions = selection.queryset.order_by()
    attachments = (
        Attachment.objects.filter(submission__in=submissions.values("pk"), present=True)
        .annotate(
            grid_code=F("submission__grid__code"),
            household=_json_text("submission__data", HOUSEHOLD_PATH),
            moment=F("submission__received_at"),
            started=F("submission__started_at"),
        )
        .order_by("submission__grid__path", "submission__received_at", "submission_id", "name")
    )
    fields = ["file", "name", "field_path", "grid_code", "household", "moment", "started"]
    if selection.keep is not None:
        fields.append("submission__data")
    counters: dict[str, int] = {}
    current_grid: str | None = None
    done = 0
    for row in attachments.values_list(*fields).iterator(chunk_size=CHUNK_ROWS):
        done += 1
        if done % CHUNK_ROWS == 0:
            request.tick(done)
        key, original, field_path, grid, household, moment, started = row[:7]
        if selection.keep is not None and not selection.keep(row[7] or {}):
            continue
        if grid != current_grid:
            counters, current_grid = {}, grid
        day = (started or moment).astimezone(zone).strftime("%Y%m%d")
        question = (field_path or "file").rsplit("/", 1)[-1]
        stem = "_".join([grid or "nogrid", household or "nohousehold", day, question])
        counters[stem] = counters.get(stem, 0) + 1
        extension = original.rsplit(".", 1)[-1].lower() if "." in original else "bin"
        arcname = safe_file_name(f"{stem}_{counters[stem]}.{extension}", fallback="file")
        yield arcname, key
    request.tick(done)
