"""The exports page: ask for an export, follow my exports (the list polls with htmx while
one is running), download, cancel; managers and administrators also read the export
record. Downloads are recorded (who, when, from where) before the file is handed over."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from server.accounts.models import Role
from server.core.errors import GridbookError
from server.exports import selectors
from server.exports.links import link_resolve
from server.exports.models import ExportJob
from server.exports.services import (
    export_cancel,
    export_download_record,
    export_request,
    exports_recover,
)
from server.exports.serving import client_ip, file_response
from server.web.access import current_user, role_required
from server.web.exports_inputs import ExportForm

EXPORTERS = (Role.ADMINISTRATOR, Role.MANAGER, Role.COLLECTOR)
HIDDEN = (Role.DESIGNER,)
LIST_LIMIT = 30
AUDIT_LIMIT = 50


@require_http_methods(["GET", "POST"])
@role_required(*EXPORTERS, hidden_from=HIDDEN)
def exports_page(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if request.method == "POST":
        form = ExportForm(request.POST, user=user)
        if form.is_valid():
            try:
                export_request(user=user, **form.request_arguments())
            except GridbookError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("The export was queued. It appears below when it is ready.")
                )
                return redirect("web:exports")
    else:
        form = ExportForm(user=user)
    context = {
        "form": form,
        **_jobs_context(request),
        "audit": list(selectors.audit_jobs(user)[:AUDIT_LIMIT])
        if user.role in selectors.AUDITORS
        else None,
    }
    return render(request, "web/exports.html", context, status=400 if form.errors else 200)


def _jobs_context(request: HttpRequest) -> dict[str, object]:
    exports_recover()  # one cheap query when nothing stalled: the page shows the truth
    jobs = list(selectors.jobs_of(current_user(request))[:LIST_LIMIT])
    return {"jobs": jobs, "any_active": any(job.is_active for job in jobs)}


@require_GET
@role_required(*EXPORTERS, hidden_from=HIDDEN)
def export_jobs(request: HttpRequest) -> HttpResponse:
    """The list of my exports alone (what htmx swaps in while one is running)."""
    return render(request, "web/_export_jobs.html", _jobs_context(request))


def _job_or_404(request: HttpRequest, job_id: UUID) -> ExportJob:
    try:
        return selectors.job_for(current_user(request), job_id)
    except GridbookError as error:
        raise Http404 from error


@require_POST
@role_required(*EXPORTERS, hidden_from=HIDDEN)
def export_cancel_view(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = export_cancel(job=_job_or_404(request, job_id))
    if request.headers.get("HX-Request"):
        return render(request, "web/_export_jobs.html", _jobs_context(request))
    if job.state == "cancelled":
        messages.info(request, _("The export was cancelled."))
    return redirect("web:exports")


@require_GET
@role_required(*EXPORTERS, hidden_from=HIDDEN)
def export_download(request: HttpRequest, job_id: UUID) -> HttpResponseBase:
    job = _job_or_404(request, job_id)
    try:
        export_download_record(
            job=job,
            user=current_user(request),
            ip=client_ip(request.META),
            user_agent=request.headers.get("User-Agent", ""),
            via="web",
        )
    except GridbookError as error:
        raise Http404 from error
    return file_response(job)


@require_GET
def export_file(request: HttpRequest, token: str) -> HttpResponseBase:
    """A signed link (from the API): valid for a few minutes, recorded as its person's.
    Without a session the link is the credential (scripts); in a signed-in browser it is
    someone else's link unless that person may read the job, so they get 404 like on the
    job's own pages, and a download is recorded as the person actually signed in."""
    try:
        job, user = link_resolve(token)
        if request.user.is_authenticated:
            user = current_user(request)
            job = selectors.job_for(user, job.pk)
        export_download_record(
            job=job,
            user=user,
            ip=client_ip(request.META),
            user_agent=request.headers.get("User-Agent", ""),
            via="link",
        )
    except GridbookError as error:
        if error.status in (404, 409):
            raise Http404 from error
        raise PermissionDenied(error.message) from error
    return file_response(job)
