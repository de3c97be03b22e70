"""The needs board: filter the needs of one's areas by area, category, status and overdue;
assign, start, escalate, resolve and close them with a note.

Every step is a POST to the need's own address, done by ``records``' ``need_transition``
(one transaction, one audit event). With htmx only the need's row is replaced; without it the
board reloads with a message. A step the need's current state refuses (someone else moved it
meanwhile) is shown as a conflict on the row, never silently dropped.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from server.accounts.models import Role, User
from server.accounts.privacy import personal_data_for
from server.accounts.selectors import Scope, scope_for, users_in_scope
from server.core.errors import GridbookError
from server.records.models import Need
from server.records.needs import need_transition
from server.web.access import current_user, role_required
from server.web.needs_board import (
    NeedFilterForm,
    TransitionForm,
    assignable_people,
    board_areas,
    board_needs,
)
from server.web.needs_rows import need_rows

BOARD_ROLES = (Role.ADMINISTRATOR, Role.MANAGER)
NEEDS_PER_PAGE = 30


@role_required(*BOARD_ROLES)
def needs_board(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    scope = scope_for(user)
    areas = board_areas(scope)
    form = NeedFilterForm(request.GET or None, areas=areas)
    filters = form.cleaned()
    needs = board_needs(scope=scope, filters=filters, areas=form.areas)
    page = Paginator(needs, NEEDS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": need_rows(list(page.object_list), personal_data_for(user)),
        "people": assignable_people(scope),
        "query": query.urlencode(),
        "filtered": bool(request.GET),
        "back": request.get_full_path(),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "needs":
        response = render(request, "web/_needs_list.html", context)
    else:
        response = render(request, "web/needs.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _need_or_404(scope: Scope, pk: int) -> Need:
    need = (
        scope.filter_by_grid(Need.objects.filter(withdrawn=False), "grid")
        .select_related("grid", "household", "assignee")
        .filter(pk=pk)
        .first()
    )
    if need is None:
        raise Http404
    return need


@require_POST
@role_required(*BOARD_ROLES)
def need_step(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    scope = scope_for(user)
    need = _need_or_404(scope, pk)
    people = users_in_scope(scope).filter(is_active=True, role__in=[Role.COLLECTOR, Role.MANAGER])
    form = TransitionForm(request.POST, people=people)
    problem = ""
    done = ""
    if not form.is_valid():
        problem = " ".join(str(error) for errors in form.errors.values() for error in errors)
    else:
        try:
            _apply(need, form, user)
        except GridbookError as error:
            problem = _("Not done: %(reason)s") % {"reason": error.message}
        else:
            done = _("%(action)s: done.") % {"action": form.action.label}
            need = _need_or_404(scope, pk)
    if request.headers.get("HX-Request"):
        row = need_rows([need], personal_data_for(user))[0]
        return render(
            request,
            "web/_need_row.html",
            {
                "row": row,
                "people": assignable_people(scope),
                "problem": problem,
                "done": done,
                "back": _back(request),
            },
        )
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, done)
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        return back
    return "/needs/"


def _apply(need: Need, form: TransitionForm, user: User) -> None:
    """One step through the records service, as the person saw the need (``seen``): a need
    someone else moved meanwhile is refused with ``need_changed``."""
    data = form.cleaned_data
    need.status = data["seen"]
    need_transition(
        need=need,
        to=data["to"],
        actor=user,
        note=data.get("note", ""),
        assignee=data.get("assignee"),
        handling_level=data.get("handling_level", ""),
        department=data.get("department", ""),
    )
