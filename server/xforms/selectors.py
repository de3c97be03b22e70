"""Reads about forms: which forms a collector is offered, which version a submission goes
to, what a form version's manifest holds, and the bytes of one of its files.

The OpenRosa front door (formList, manifest, downloads, submission) builds on exactly these
functions; they know nothing of HTTP. A collector is offered an *open* form published to an
area above one of their grids, or a *draft* form they test; a *closing* form is no longer
offered but still accepts submissions, as do older versions of any form that is not
*closed*.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from server.accounts.models import Role, User
from server.accounts.selectors import collector_grids
from server.core.errors import GridbookError
from server.core.storage import media_storage
from server.xforms import errors
from server.xforms.models import Form, FormMedia, FormState, FormVersion
from server.xforms.register_lists import CONTENT_TYPE as REGISTER_LIST_CONTENT_TYPE
from server.xforms.register_lists import register_lists_with_md5
from server.xforms.register_names import REGISTER_LIST_NAMES

ACCEPTING_STATES = (FormState.DRAFT, FormState.OPEN, FormState.CLOSING)
MEDIA = "media"
REGISTER_LIST = "register_list"


@dataclass(frozen=True)
class ManifestFile:
    """One file of a form version's manifest, as served to this user.

    ``kind``: ``"media"`` (a static file a designer uploaded) or ``"register_list"``
    (generated for this user from the register; same bytes for every form that uses it).
    ``md5`` is the lower-case hex md5 of exactly the bytes ``media_payload`` serves.
    """

    filename: str
    md5: str
    size: int
    content_type: str
    kind: str


@dataclass(frozen=True)
class MediaPayload:
    """A file to serve: ``open()`` gives a fresh binary stream of exactly ``size`` bytes
    whose md5 is ``md5`` (the caller closes it)."""

    filename: str
    md5: str
    size: int
    content_type: str
    open: Callable[[], IO[bytes]]
    kind: str = MEDIA

    def read(self) -> bytes:
        with self.open() as stream:
            return stream.read()


# ------------------------------------------------------------------ which forms


def _ancestor_paths(paths: list[str]) -> set[str]:
    """Every area path from the district down to each grid (``/JY/``, ``/JY/TY/``, ...)."""
    found: set[str] = set()
    for path in paths:
        parts = [part for part in path.split("/") if part]
        found.update("/" + "/".join(parts[: depth + 1]) + "/" for depth in range(len(parts)))
    return found


def _published_to_collector(user: User, states: tuple[str, ...]) -> Q:
    paths = list(collector_grids(user).values_list("path", flat=True))
    published = Form.objects.filter(
        state__in=states, publications__area__path__in=_ancestor_paths(paths)
    )
    testing = Form.objects.filter(state=FormState.DRAFT, testers=user)
    return Q(pk__in=published.values("pk")) | Q(pk__in=testing.values("pk"))


def forms_for_collector(user: User) -> QuerySet[Form]:
    """The forms this collector's phone is offered (formList), ``current_version`` selected.

    Open forms published to an area containing one of the collector's grids, plus draft
    forms the user tests; closing and closed forms are excluded, and so are forms without
    a version. The version's XML and schema are deferred (formList needs the md5 only).
    """
    if not user.is_authenticated or not user.is_active:
        return Form.objects.none()
    return (
        Form.objects.filter(_published_to_collector(user, (FormState.OPEN,)))
        .filter(current_version__isnull=False)
        .select_related("current_version")
        .defer("current_version__xml", "current_version__schema")
        .order_by("form_id")
    )


def form_visible_to(*, user: User | AnonymousUser, form: Form) -> bool:
    """May this person download the form's files? Staff who read forms always; a collector
    when the form is offered to them or, while closing, was (phones may still fetch it)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role in (Role.ADMINISTRATOR, Role.DESIGNER, Role.MANAGER):  # type: ignore[union-attr]
        return True
    states = (FormState.OPEN, FormState.CLOSING)
    return Form.objects.filter(_published_to_collector(user, states), pk=form.pk).exists()  # type: ignore[arg-type]


def version_for_submission(*, form_id: str, version: str | None) -> FormVersion | None:
    """The version a submission goes to: any version of a form that still accepts
    submissions (draft, open, closing; not closed). ``version=None``: the current one."""
    form = (
        Form.objects.filter(form_id=form_id, state__in=ACCEPTING_STATES)
        .select_related("current_version")
        .first()
    )
    if form is None:
        return None
    if version is None:
        return form.current_version
    return form.versions.select_related("form").filter(version=version).first()


# ------------------------------------------------------------------ the manifest


def expected_filenames(form_version: FormVersion) -> list[str]:
    attachments = (form_version.schema or {}).get("attachments", [])
    return sorted({item["filename"] for item in attachments if item.get("filename")})


def manifest_for(*, form_version: FormVersion, user: User) -> list[ManifestFile]:
    """The files Collect must fetch for this version, for this user, sorted by name.

    Uploaded media the form references, and the register lists it references generated for
    ``user``. Expected media not uploaded yet are left out. The caller has checked that the
    user may see the form (``form_visible_to``).
    """
    names = expected_filenames(form_version)
    lists = register_lists_with_md5(user=user, filenames=names)
    media = {item.filename: item for item in _media_of(form_version, names)}
    files: list[ManifestFile] = []
    for name in names:
        if name in lists:
            data, md5 = lists[name]
            files.append(
                ManifestFile(name, md5, len(data), REGISTER_LIST_CONTENT_TYPE, REGISTER_LIST)
            )
        elif name in media:
            item = media[name]
            files.append(ManifestFile(name, item.md5, item.size, item.content_type, MEDIA))
    return files


def _media_of(form_version: FormVersion, names: list[str]) -> QuerySet[FormMedia]:
    wanted = [name for name in names if name not in REGISTER_LIST_NAMES]
    return FormMedia.objects.filter(form_version=form_version, filename__in=wanted)


def media_payload(*, form_version: FormVersion, filename: str, user: User) -> MediaPayload | None:
    """One file of the manifest: a register list generated for ``user`` or an uploaded
    media file. None when the form does not use that file, it is not uploaded, or the user
    may not see the form."""
    if filename not in expected_filenames(form_version):
        return None
    if not form_visible_to(user=user, form=form_version.form):
        return None
    if filename in REGISTER_LIST_NAMES:
        data, md5 = register_lists_with_md5(user=user, filenames=[filename])[filename]
        return MediaPayload(
            filename,
            md5,
            len(data),
            REGISTER_LIST_CONTENT_TYPE,
            lambda: io.BytesIO(data),
            kind=REGISTER_LIST,
        )
    item = FormMedia.objects.filter(form_version=form_version, filename=filename).first()
    if item is None:
        return None
    name = str(item.file.name)
    return MediaPayload(
        filename, item.md5, item.size, item.content_type, lambda: media_storage().open(name, "rb")
    )


# ------------------------------------------------------------------ for designers


def form_get(*, form_id: str) -> Form:
    form = Form.objects.select_related("current_version").filter(form_id=form_id).first()
    if form is None:
        raise GridbookError(errors.FORM_NOT_FOUND, form_id=form_id)
    return form


def form_version_get(*, form: Form, version: str) -> FormVersion:
    found = form.versions.filter(version=version).first()
    if found is None:
        raise GridbookError(errors.FORM_VERSION_NOT_FOUND, form_id=form.form_id, version=version)
    return found
