"""Approving or rejecting a register change a visit proposed, from the household's page.

A POST to the change's own address; ``records``' services do the work (one transaction: the
register updated with its provenance, or the change marked rejected) and check the person may
decide; the page comes back with a message. Outside the scope: 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from server.accounts.models import Role
from server.accounts.selectors import scope_for
from server.core.errors import GridbookError
from server.grids.selectors import household_detail
from server.records.models import RegisterChange
from server.records.register import register_change_approve, register_change_reject
from server.web.access import current_user, role_required


@require_POST
@role_required(Role.ADMINISTRATOR, Role.MANAGER)
def register_change(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    user = current_user(request)
    household = household_detail(scope=scope_for(user), code=code)
    if household is None:
        raise Http404
    change = RegisterChange.objects.filter(pk=pk, household=household).first()
    if change is None:
        raise Http404
    decision = request.POST.get("decision")
    note = request.POST.get("note", "").strip()
    try:
        if decision == "approve":
            register_change_approve(change=change, by=user, note=note)
            messages.success(request, _("The change was approved and applied to the register."))
        elif decision == "reject":
            if not note:
                messages.error(request, _("Say why the change is rejected (a note is required)."))
            else:
                register_change_reject(change=change, by=user, note=note)
                messages.success(request, _("The change was rejected; the register is unchanged."))
        else:
            messages.error(request, _("Choose approve or reject."))
    except GridbookError as error:
        messages.error(request, _("Not done: %(reason)s") % {"reason": error.message})
    return redirect("web:household", code=household.code)
