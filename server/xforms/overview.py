"""Reads for the forms pages of the web app (designers, administrators, managers): the
forms list, a form's page, a version's schema for the preview, collectors to pick, and the
register lists a collector's phone would receive, read back as tables.

The web never queries the form models itself; every page reads through these functions
(and ``selectors`` for single forms and versions). Query counts are fixed, whatever the
number of forms or versions (tests/xforms/test_overview.py).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce

from server.accounts.models import Role, User
from server.core.errors import GridbookError
from server.core.storage import md5_hex
from server.grids.models import Area
from server.xforms import errors
from server.xforms.media import MediaFile, media_files
from server.xforms.models import Form, FormMedia, FormPublication, FormVersion
from server.xforms.register_lists import register_lists
from server.xforms.register_names import REGISTER_LIST_NAMES
from server.xforms.selectors import expected_filenames


@dataclass(frozen=True)
class FormSummary:
    """One line of the forms list. ``expected_media``: static files the current version
    refers to (register lists are generated, so not counted); ``missing_media``: those not
    uploaded yet."""

    form: Form
    version_count: int
    areas: list[Area]
    expected_media: int
    missing_media: int


def forms_overview() -> list[FormSummary]:
    """Every form with its current version (no XForm bytes, no schema), number of versions,
    publication areas and media counts: three queries whatever the number of forms."""
    version_count = (
        FormVersion.objects.filter(form=OuterRef("pk"))
        .order_by()
        .values("form")
        .annotate(total=Count("pk"))
        .values("total")
    )
    forms = list(
        Form.objects.select_related("current_version")
        .defer("current_version__xml", "current_version__schema")
        .annotate(
            version_count=Coalesce(Subquery(version_count), 0),
            attachments=KeyTransform("attachments", "current_version__schema"),
        )
        .prefetch_related(_publications())
        .order_by("form_id")
    )
    uploaded = _uploaded_names([form.current_version_id for form in forms])
    return [_summary(form, uploaded.get(form.current_version_id or 0, set())) for form in forms]


def _publications() -> Prefetch:
    return Prefetch("publications", queryset=_publications_by_area())


def _publications_by_area() -> QuerySet[FormPublication]:
    return FormPublication.objects.select_related("area").order_by("area__path")


def _uploaded_names(version_ids: list[int | None]) -> dict[int, set[str]]:
    names: dict[int, set[str]] = defaultdict(set)
    rows = FormMedia.objects.filter(form_version_id__in=[pk for pk in version_ids if pk])
    for version_id, filename in rows.values_list("form_version_id", "filename"):
        names[version_id].add(filename)
    return names


def _summary(form: Form, uploaded: set[str]) -> FormSummary:
    attachments = getattr(form, "attachments", None) or []
    static = {item.get("filename") for item in attachments if isinstance(item, dict)}
    static -= {None, "", *REGISTER_LIST_NAMES}
    return FormSummary(
        form=form,
        version_count=getattr(form, "version_count", 0),
        areas=[publication.area for publication in form.publications.all()],
        expected_media=len(static),
        missing_media=len(static - uploaded),
    )


@dataclass(frozen=True)
class FormPage:
    """What a form's page shows: versions newest first (without XForm bytes or schema),
    publications by area, testers, and the current version's files."""

    form: Form
    versions: list[FormVersion]
    publications: list[FormPublication]
    testers: list[User]
    media: list[MediaFile]


def form_page(*, form_id: str) -> FormPage:
    """Five queries; ``form_not_found`` when there is no such form."""
    form = (
        Form.objects.select_related("current_version")
        .defer("current_version__xml")
        .filter(form_id=form_id)
        .first()
    )
    if form is None:
        raise GridbookError(errors.FORM_NOT_FOUND, form_id=form_id)
    versions = form.versions.select_related("created_by").defer("xml", "schema")
    return FormPage(
        form=form,
        versions=list(versions.order_by("-created_at", "-pk")),
        publications=list(_publications_by_area().filter(form=form)),
        testers=list(form.testers.order_by("username")),
        media=media_files(form.current_version) if form.current_version else [],
    )


def form_version_schema(*, form_id: str, version: str | None = None) -> FormVersion:
    """A version (the current one when ``version`` is None) with its schema and its form,
    without the XForm bytes: what a preview reads. One query; ``form_version_not_found``."""
    versions = FormVersion.objects.defer("xml").select_related("form").filter(form__form_id=form_id)
    if version is None:
        found = versions.filter(form__current_version=F("pk")).first()
    else:
        found = versions.filter(version=version).first()
    if found is None:
        raise GridbookError(errors.FORM_VERSION_NOT_FOUND, form_id=form_id, version=version or "")
    return found


def collectors_to_pick() -> QuerySet[User]:
    """Active collectors, by user name: who can test a draft, whose lists to check."""
    return User.objects.filter(role=Role.COLLECTOR, is_active=True).order_by("username")


def collector_named(username: str) -> User | None:
    return collectors_to_pick().filter(username=username).first()


@dataclass(frozen=True)
class RegisterListTable:
    """A register list as one collector's phone receives it, read back as a table."""

    filename: str
    md5: str
    size: int
    header: list[str]
    rows: list[list[str]]


def register_lists_received(
    *, form_version: FormVersion, collector: User
) -> list[RegisterListTable]:
    """The register lists this version refers to, generated for ``collector`` exactly as
    the manifest serves them (same bytes, same md5); names are masked by the generator."""
    names = [name for name in expected_filenames(form_version) if name in REGISTER_LIST_NAMES]
    tables = []
    for name, data in register_lists(user=collector, filenames=names).items():
        header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        tables.append(RegisterListTable(name, md5_hex(data), len(data), header, rows))
    return tables


def published_area(*, form: Form, code: str) -> Area | None:
    """The area with this code the form is published to (active or not), else None."""
    publication = _publications_by_area().filter(form=form, area__code=code).first()
    return publication.area if publication else None
