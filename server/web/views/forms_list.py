"""The forms list and uploading a form file (a new form, or a new version of a form).

Designers and administrators upload; managers read; collectors have no forms pages (404).
A small file is converted while the request waits: success goes to the form's page with
a message, a refusal comes back on the upload page (every conversion error with its sheet,
row and column in the page's language; the version rules as what to do next). A large file
is converted in the background: the status page polls with htmx until it is done.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from server.accounts.models import Role
from server.core.errors import GridbookError
from server.web.access import current_user, role_required
from server.web.forms_inputs import FormFileForm
from server.web.forms_presenters import STATE_BADGES, problem_rows
from server.xforms import errors
from server.xforms.background import form_upload_accept, form_upload_get, upload_error_json
from server.xforms.models import Form, FormUpload, FormUploadStatus
from server.xforms.overview import forms_overview
from server.xforms.problems import problems_from_records
from server.xforms.selectors import form_get
from server.xforms.services import UploadResult

READERS = (Role.ADMINISTRATOR, Role.DESIGNER, Role.MANAGER)
WRITERS = (Role.ADMINISTRATOR, Role.DESIGNER)
HIDDEN = (Role.COLLECTOR,)
VERSION_RULES = ("form_version_content_changed", "form_version_not_newer")


def may_write(request: HttpRequest) -> bool:
    return current_user(request).role in WRITERS


@require_http_methods(["GET", "POST"])
@role_required(*READERS, hidden_from=HIDDEN)
def forms(request: HttpRequest) -> HttpResponse:
    """GET: every form. POST (designers, administrators): upload a form file."""
    if request.method == "POST":
        if not may_write(request):
            raise PermissionDenied
        return upload(request, target=None)
    context = {
        "rows": forms_overview(),
        "state_badges": STATE_BADGES,
        "may_write": may_write(request),
        "file_form": FormFileForm(),
    }
    return render(request, "web/forms.html", context)


def form_or_404(form_id: str) -> Form:
    try:
        return form_get(form_id=form_id)
    except GridbookError as error:
        raise Http404 from error


@require_http_methods(["GET", "POST"])
@role_required(*WRITERS, hidden_from=HIDDEN)
def form_version_upload(request: HttpRequest, form_id: str) -> HttpResponse:
    """GET: the page to upload a new version of this form. POST: upload it (a file of
    another form is refused)."""
    return upload(request, target=form_or_404(form_id))


def upload(request: HttpRequest, *, target: Form | None) -> HttpResponse:
    posted = request.method == "POST"
    file_form = FormFileForm(request.POST, request.FILES) if posted else FormFileForm()
    context: dict[str, object] = {"file_form": file_form, "target": target}
    if posted and file_form.is_valid():
        uploaded = file_form.cleaned_data["file"]
        try:
            outcome = form_upload_accept(
                upload=uploaded,
                file_name=uploaded.name or "form",
                user=current_user(request),
                expected_form_id=target.form_id if target else "",
            )
        except GridbookError as error:
            context |= refusal(error)
        else:
            return accepted(request, outcome)
    return render(request, "web/form_upload.html", context, status=400 if posted else 200)


def refusal(error: GridbookError) -> dict[str, object]:
    """What the upload page shows for a refused file."""
    records = getattr(error, "problem_records", None)
    if records is not None:
        problems = problems_from_records(records)
        return {"problems": problem_rows(problems), "problem_count": len(problems)}
    context: dict[str, object] = {"refusal": error.message}
    if error.code in VERSION_RULES:
        context["suggestion"] = error.params.get("suggestion", "")
    return context


def accepted(request: HttpRequest, outcome: UploadResult | FormUpload) -> HttpResponse:
    if isinstance(outcome, FormUpload):
        return redirect("web:form_upload_status", upload_id=outcome.pk)
    messages.success(request, upload_message(outcome))
    return redirect("web:form", form_id=outcome.version.form.form_id)


def upload_message(outcome: UploadResult) -> str:
    version = outcome.version
    names = {"title": version.title, "form_id": version.form.form_id, "version": version.version}
    if not outcome.created:
        return _("The file is identical to version %(version)s; nothing changed.") % names
    if outcome.form_created:
        return _("The form “%(title)s” (%(form_id)s) was created with version %(version)s.") % names
    return (
        _("Version %(version)s of “%(title)s” was uploaded; it is now the current version.") % names
    )


@role_required(*WRITERS, hidden_from=HIDDEN)
def form_upload_status(request: HttpRequest, upload_id: uuid.UUID) -> HttpResponseBase:
    """A background conversion: polled by htmx (the fragment) until done or failed."""
    try:
        record = form_upload_get(upload_id=upload_id)
    except GridbookError as error:
        if error.spec is errors.FORM_UPLOAD_NOT_FOUND:
            raise Http404 from error
        raise
    context = status_context(request, record)
    if request.headers.get("HX-Request"):
        return render(request, "web/_form_upload_status.html", context)
    return render(request, "web/form_upload_status.html", context)


def status_context(request: HttpRequest, record: FormUpload) -> dict[str, object]:
    finished = record.status in (FormUploadStatus.DONE, FormUploadStatus.FAILED)
    context: dict[str, object] = {
        "record": record,
        "finished": finished,
        "poll_url": reverse("web:form_upload_status", kwargs={"upload_id": record.pk}),
    }
    if record.version is not None:
        warnings = problems_from_records(record.version.warnings or [])
        context["result_warnings"] = problem_rows(warnings)
    if record.status == FormUploadStatus.FAILED:
        context |= failure(record)
    return context


def failure(record: FormUpload) -> dict[str, object]:
    """Why a background conversion failed, in the reader's language."""
    if record.problems:
        problems = problems_from_records(record.problems)
        return {"problems": problem_rows(problems), "problem_count": len(problems)}
    error = upload_error_json(record) or {}
    context: dict[str, object] = {
        "refusal": error.get("message") or _("The conversion failed unexpectedly.")
    }
    if error.get("code") in VERSION_RULES:
        context["suggestion"] = error.get("details", {}).get("suggestion", "")
    return context
