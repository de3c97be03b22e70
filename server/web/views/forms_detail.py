"""A form's page: versions, state, testers, publications and the current version's media.

Every change is a POST (with its CSRF token) to its own address, done by a service of
``server.xforms``, and answered by a redirect back to the page with a message; a service's
refusal shows as an error message in the page's language. Designers and administrators
change; managers read the same page without the buttons.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from server.accounts.selectors import scope_for
from server.core.errors import GridbookError
from server.web.access import current_user, role_required
from server.web.forms_inputs import (
    CollectorPickForm,
    FormFileForm,
    MediaFileForm,
    PublicationForm,
    StateForm,
    TestersForm,
)
from server.web.forms_presenters import (
    MEDIA_TYPES,
    STATE_BADGES,
    STATE_MEANINGS,
    split_warnings,
    state_actions,
)
from server.web.views.forms_list import HIDDEN, READERS, WRITERS, form_or_404, may_write
from server.xforms.media import form_media_delete, form_media_upload
from server.xforms.models import Form, FormState
from server.xforms.overview import FormPage, collectors_to_pick, form_page, published_area
from server.xforms.problems import problems_from_records
from server.xforms.services import form_publish, form_set_testers, form_transition, form_unpublish


@role_required(*READERS, hidden_from=HIDDEN)
def form_detail(request: HttpRequest, form_id: str) -> HttpResponse:
    try:
        page = form_page(form_id=form_id)
    except GridbookError as error:
        raise Http404 from error
    context = page_context(request, page)
    return render(request, "web/form_detail.html", context)


def page_context(request: HttpRequest, page: FormPage) -> dict[str, object]:
    form, current = page.form, page.form.current_version
    warnings, not_validated = split_warnings(
        problems_from_records(current.warnings or []) if current else []
    )
    context: dict[str, object] = {
        "page": page,
        "form": form,
        "current": current,
        "state_badges": STATE_BADGES,
        "state_meaning": STATE_MEANINGS.get(form.state, ""),
        "media_types": MEDIA_TYPES,
        "warnings": warnings,
        "not_validated": not_validated,
        "missing_media": [item for item in page.media if not item.expected.present],
        "may_write": may_write(request),
    }
    if context["may_write"]:
        context |= writer_forms(request, page)
    return context


def writer_forms(request: HttpRequest, page: FormPage) -> dict[str, object]:
    collectors = collectors_to_pick()
    publications = {publication.area_id for publication in page.publications}
    areas = scope_for(current_user(request)).areas().filter(is_active=True).order_by("path")
    return {
        "actions": state_actions(page.form.state),
        "file_form": FormFileForm(),
        "testers_form": TestersForm(
            initial={"testers": page.testers}, collectors=collectors, auto_id="testers_%s"
        ),
        "publication_form": PublicationForm(areas=areas.exclude(pk__in=publications)),
        "collector_form": CollectorPickForm(collectors=collectors, auto_id="lists_%s"),
    }


def back(form: Form) -> HttpResponse:
    return redirect("web:form", form_id=form.form_id)


def run(request: HttpRequest, form: Form, change: Callable[[], str]) -> HttpResponse:
    """Do a change; its message (or the service's refusal) goes on the form's page."""
    try:
        done = change()
    except GridbookError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return back(form)


def invalid(request: HttpRequest, form: Form) -> HttpResponse:
    messages.error(request, _("The request was not complete; nothing was changed."))
    return back(form)


@require_POST
@role_required(*WRITERS, hidden_from=HIDDEN)
def form_state(request: HttpRequest, form_id: str) -> HttpResponse:
    form = form_or_404(form_id)
    state_form = StateForm(request.POST)
    if not state_form.is_valid():
        return invalid(request, form)
    state = state_form.cleaned_data["state"]

    def change() -> str:
        form_transition(form=form, state=state)
        return _("The form is now: %(state)s.") % {"state": FormState(state).label}

    return run(request, form, change)


@require_POST
@role_required(*WRITERS, hidden_from=HIDDEN)
def form_testers(request: HttpRequest, form_id: str) -> HttpResponse:
    form = form_or_404(form_id)
    testers_form = TestersForm(request.POST, collectors=collectors_to_pick())
    if not testers_form.is_valid():
        return invalid(request, form)
    testers = list(testers_form.cleaned_data["testers"])

    def change() -> str:
        form_set_testers(form=form, users=testers)
        return _("The testers were saved (%(count)d).") % {"count": len(testers)}

    return run(request, form, change)


@require_POST
@role_required(*WRITERS, hidden_from=HIDDEN)
def form_publication_add(request: HttpRequest, form_id: str) -> HttpResponse:
    form = form_or_404(form_id)
    areas = scope_for(current_user(request)).areas().filter(is_active=True)
    publication_form = PublicationForm(request.POST, areas=areas)
    if not publication_form.is_valid():
        return invalid(request, form)
    area = publication_form.cleaned_data["area"]

    def change() -> str:
        form_publish(form=form, area=area)
        return _("The form is published to %(area)s.") % {"area": area.name}

    return run(request, form, change)


@require_POST
@role_required(*WRITERS, hidden_from=HIDDEN)
def form_publication_remove(request: HttpRequest, form_id: str) -> HttpResponse:
    form = form_or_404(form_id)
    area = published_area(form=form, code=request.POST.get("area", ""))
    if area is None:
        return invalid(request, form)

    def change() -> str:
        form_unpublish(form=form, area=area)
        return _("The form is no longer published to %(area)s.") % {"area": area.name}

    return run(request, form, change)


@require_POST
@role_required(*WRITERS, hidden_from=HIDDEN)
def form_media(request: HttpRequest, form_id: str) -> HttpResponse:
    """Upload (or replace) one file the current version expects, under its expected name."""
    form = form_or_404(form_id)
    media_form = MediaFileForm(request.POST, request.FILES)
    if form.current_version is None or not media_form.is_valid():
        return invalid(request, form)
    filename = media_form.cleaned_data["filename"]
    version = form.current_version

    def change() -> str:
        form_media_upload(
            form_version=version, filename=filename, upload=media_form.cleaned_data["file"]
        )
        return _("%(filename)s was uploaded for version %(version)s.") % {
            "filename": filename,
            "version": version.version,
        }

    return run(request, form, change)


@require_POST
@role_required(*WRITERS, hidden_from=HIDDEN)
def form_media_remove(request: HttpRequest, form_id: str) -> HttpResponse:
    form = form_or_404(form_id)
    filename = request.POST.get("filename", "")
    version = form.current_version
    if version is None or not filename:
        return invalid(request, form)

    def change() -> str:
        form_media_delete(form_version=version, filename=filename)
        return _("%(filename)s was removed from version %(version)s.") % {
            "filename": filename,
            "version": version.version,
        }

    return run(request, form, change)
