"""The OpenRosa endpoints ODK Collect calls (shared/OPENROSA.md). Protocol only: which forms,
files and lists a collector gets is decided by ``server.xforms.selectors``; what a submission
does is decided by ``server.submissions.services``."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext

from server.accounts.collector_devices import Activity
from server.accounts.models import User
from server.core.errors import GridbookError
from server.core.storage import md5_hex
from server.openrosa import documents, errors
from server.openrosa.endpoint import collect_endpoint, device_id, user_agent
from server.openrosa.responses import message_response, xml_response
from server.openrosa.submission_parts import submission_parts
from server.submissions.services import Received, Sender, submission_receive
from server.xforms import selectors as forms
from server.xforms.models import Form, FormVersion
from server.xforms.register_lists import register_list as build_register_list


def _url(request: HttpRequest, name: str, **kwargs: str) -> str:
    """An absolute URL of the same kind (password or token) as the request's."""
    token = request.resolver_match.kwargs.get("token") if request.resolver_match else None
    namespace = "openrosa-key" if token else "openrosa"
    path = reverse(f"{namespace}:{name}", kwargs={**kwargs, **({"token": token} if token else {})})
    return request.build_absolute_uri(path)


@collect_endpoint("GET", activity=Activity.FORM_LIST)
def form_list(request: HttpRequest, user: User) -> HttpResponse:
    offered = forms.forms_for_collector(user)
    wanted = request.GET.get("formID")
    if wanted:
        offered = offered.filter(form_id=wanted)
    listed = list(offered)
    with_files = _versions_with_files([form.current_version_id for form in listed])
    entries = [
        _form_list_entry(request, form, form.current_version_id in with_files) for form in listed
    ]
    return xml_response(documents.form_list_document(entries))


def _versions_with_files(version_ids: list[int | None]) -> set[int]:
    """Which versions expect files beside them (one query, whatever the number of forms):
    only those get a manifest URL, as ODK Central does."""
    wanted = [pk for pk in version_ids if pk is not None]
    if not wanted:
        return set()
    rows = FormVersion.objects.filter(pk__in=wanted).values_list("pk", "schema__attachments")
    return {pk for pk, attachments in rows if attachments}


def _form_list_entry(request: HttpRequest, form: Form, has_files: bool) -> documents.FormListEntry:
    version = form.current_version
    assert version is not None  # forms_for_collector lists forms with a version only
    form_id, number = form.form_id, version.version
    return documents.FormListEntry(
        form_id=form_id,
        name=version.title or form.title,
        version=number,
        md5=version.xml_md5,
        download_url=_url(request, "form-xml", form_id=form_id, version=number),
        manifest_url=_url(request, "manifest", form_id=form_id, version=number)
        if has_files
        else None,
    )


def _offered_version(user: User, form_id: str, version: str) -> FormVersion:
    """A version of a form this collector may fetch (offered now, or closing)."""
    found = (
        FormVersion.objects.select_related("form")
        .filter(form__form_id=form_id, version=version)
        .first()
    )
    if found is None or not forms.form_visible_to(user=user, form=found.form):
        raise GridbookError(errors.FORM_NOT_AVAILABLE, form_id=form_id, version=version)
    return found


@collect_endpoint("GET")
def form_xml(request: HttpRequest, user: User, form_id: str, version: str) -> HttpResponse:
    found = _offered_version(user, form_id, version)
    response = xml_response(bytes(found.xml))
    response["ETag"] = f'"{found.xml_md5}"'
    return response


@collect_endpoint("GET")
def manifest(request: HttpRequest, user: User, form_id: str, version: str) -> HttpResponse:
    found = _offered_version(user, form_id, version)
    entries = [
        documents.ManifestEntry(
            filename=item.filename,
            md5=item.md5,
            download_url=_url(request, "register-list", filename=item.filename)
            if item.kind == "register_list"
            else _url(
                request, "form-media", form_id=form_id, version=version, filename=item.filename
            ),
        )
        for item in forms.manifest_for(form_version=found, user=user)
    ]
    return xml_response(documents.manifest_document(entries))


@collect_endpoint("GET")
def form_media(
    request: HttpRequest, user: User, form_id: str, version: str, filename: str
) -> HttpResponse | FileResponse:
    found = _offered_version(user, form_id, version)
    payload = forms.media_payload(form_version=found, filename=filename, user=user)
    if payload is None:
        raise GridbookError(errors.FILE_NOT_AVAILABLE, filename=filename)
    response = FileResponse(payload.open(), content_type=payload.content_type or None)
    response["Content-Length"] = str(payload.size)
    response["ETag"] = f'"{payload.md5}"'
    return response


@collect_endpoint("GET")
def register_list(request: HttpRequest, user: User, filename: str) -> HttpResponse:
    content = build_register_list(user=user, filename=filename)
    if content is None:
        raise GridbookError(errors.FILE_NOT_AVAILABLE, filename=filename)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["ETag"] = f'"{md5_hex(content)}"'
    return response


@collect_endpoint("HEAD", "POST", activity=Activity.SUBMISSION)
def submission(request: HttpRequest, user: User) -> HttpResponse:
    if request.method == "HEAD":
        response = HttpResponse(status=204)
        response["X-OpenRosa-Accept-Content-Length"] = str(settings.GRIDBOOK_SUBMISSION_MAX_BYTES)
        return response
    parts = submission_parts(request)
    received = submission_receive(
        xml=parts.xml,
        files=parts.files,
        sender=Sender(user=user, device_id=device_id(request), user_agent=user_agent(request)),
    )
    return message_response(_receipt(received), status=201)


def _receipt(received: Received) -> str:
    """The message Collect shows after sending (the worker's language)."""
    if received.missing:
        return gettext("Part of the submission received; %(count)d file(s) still to come.") % {
            "count": len(received.missing)
        }
    if received.created or received.stored:
        return gettext("Submission received. Thank you!")
    return gettext("This submission was already received; nothing more to do.")
