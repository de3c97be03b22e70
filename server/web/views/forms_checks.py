"""Checking a form before phones get it: the preview of its questions, and the register
lists a given collector's phone would receive with it.

The register lists are generated for that collector exactly as the manifest serves them
(names masked by the generator, no phones); they are shown to designers and administrators
only, like ``/api/v1/register-lists/`` (a manager may not see other areas' households).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from server.core.errors import GridbookError
from server.web.access import role_required
from server.web.forms_inputs import CollectorPickForm
from server.web.views.forms_list import HIDDEN, READERS, WRITERS, form_or_404
from server.xforms.overview import collectors_to_pick, form_version_schema, register_lists_received
from server.xforms.preview import form_preview
from server.xforms.register_names import REGISTER_LIST_NAMES


@role_required(*WRITERS, hidden_from=HIDDEN)
def form_register_lists(request: HttpRequest, form_id: str) -> HttpResponse:
    """``?collector=USERNAME``: the lists of the current version for that collector. An
    htmx request gets the section alone (the form's page swaps it in)."""
    form = form_or_404(form_id)
    picker = CollectorPickForm(
        request.GET or None, collectors=collectors_to_pick(), auto_id="lists_%s"
    )
    context: dict[str, object] = {"form": form, "collector_form": picker}
    if form.current_version is not None and picker.is_valid():
        collector = picker.cleaned_data["collector"]
        context |= {
            "collector": collector,
            "tables": register_lists_received(
                form_version=form.current_version, collector=collector
            ),
        }
    template = (
        "web/_form_register_lists.html"
        if request.headers.get("HX-Request")
        else "web/form_register_lists.html"
    )
    return render(request, template, context)


@role_required(*READERS, hidden_from=HIDDEN)
def form_preview_page(request: HttpRequest, form_id: str) -> HttpResponse:
    """The questions of the current version (or ``?version=``), nested as in the form."""
    try:
        version = form_version_schema(form_id=form_id, version=request.GET.get("version") or None)
    except GridbookError as error:
        raise Http404 from error
    preview = form_preview(version.schema or {})
    context = {
        "form": version.form,
        "version": version,
        "preview": preview,
        "register_lists": REGISTER_LIST_NAMES,
    }
    return render(request, "web/form_preview.html", context)
