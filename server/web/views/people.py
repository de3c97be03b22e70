"""People (administrators only): list, create, edit, assign areas, passwords, deactivate.

Every change goes through ``server.accounts.services``; a service's refusal (a taken user
name, a Chinese collector password, a grid rule) is shown on the form in the page's language.
A generated password is shown once, in the answer to the POST that made it: it is never
stored in a message, a cookie or the session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from server.accounts.models import Role, User
from server.accounts.selectors import assignable_areas, people_by_role
from server.accounts.services import (
    generate_password,
    user_assign_areas,
    user_create,
    user_deactivate,
    user_reactivate,
    user_reset_password,
    user_set_password,
    user_update,
)
from server.core.errors import GridbookError
from server.grids.models import Area
from server.web.access import current_user, role_required
from server.web.forms import AreasForm, PersonCreateForm, PersonForm, SetPasswordForm
from server.web.views.people_collect import collect_context

ADMIN = Role.ADMINISTRATOR
FIELD_OF_ERROR = {
    "username_taken": "username",
    "username_not_ascii": "username",
    "password_not_ascii": "password",
    "password_invalid": "password",
    "wrong_area_level": "areas",
    "role_has_no_areas": "areas",
    "role_change_keeps_areas": "role",
}


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@role_required(ADMIN)
def people(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    grouped = people_by_role(search=search)
    sections = [(role, Role(role).label, grouped.get(role, [])) for role in grouped]
    return render(
        request,
        "web/people.html",
        {"sections": sections, "search": search, "total": sum(len(v) for v in grouped.values())},
    )


@role_required(ADMIN)
def person_create(request: HttpRequest) -> HttpResponse:
    areas = Area.objects.filter(is_active=True).order_by("path")
    form = PersonCreateForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password = data["password"] or generate_password()
        try:
            person = user_create(
                username=data["username"],
                role=data["role"],
                password=password,
                full_name=data["full_name"],
                phone=data["phone"],
                areas=data["areas"],
                language=data["language"],
                by=current_user(request),
            )
        except GridbookError as error:
            form.add_error(FIELD_OF_ERROR.get(error.code), error.message)
        else:
            shown = None if data["password"] else password
            return _person_page(request, person, created=True, shown_password=shown)
    return render(request, "web/person_create.html", {"form": form})


def _person_page(
    request: HttpRequest,
    person: User,
    *,
    created: bool = False,
    shown_password: str | None = None,
    details: Form | None = None,
    areas: Form | None = None,
    password: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    assigned = list(person.areas.order_by("path"))
    context = {
        "person": person,
        "created": created,
        "shown_password": shown_password,
        "details": details or PersonForm(initial=_details_initial(person)),
        "areas_form": areas
        or AreasForm(initial={"areas": assigned}, areas=assignable_areas(person)),
        "password_form": password or SetPasswordForm(),
        "assigned": assigned,
        "takes_areas": person.role in (Role.MANAGER, Role.COLLECTOR),
        "is_self": person.pk == current_user(request).pk,
        "collect": collect_context(person) if person.role == Role.COLLECTOR else None,
    }
    return _no_store(render(request, "web/person.html", context, status=status))


def _details_initial(person: User) -> dict[str, str]:
    return {
        "role": person.role,
        "full_name": person.full_name,
        "phone": person.phone,
        "language": person.language,
    }


@role_required(ADMIN)
def person(request: HttpRequest, username: str) -> HttpResponse:
    return _person_page(request, get_object_or_404(User, username=username))


def _save(
    request: HttpRequest,
    person: User,
    form: Form,
    save: Callable[[dict[str, Any]], object],
    done: str,
    shown_as: str,
) -> HttpResponse:
    """Run a service with a valid form's data; a refusal goes back on the form."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except GridbookError as error:
            form.add_error(FIELD_OF_ERROR.get(error.code), error.message)
        else:
            messages.success(request, done % _named(person))
            return redirect("web:person", username=person.username)
    person.refresh_from_db()
    forms: dict[str, Form | None] = {"details": None, "areas": None, "password": None}
    forms[shown_as] = form
    return _person_page(
        request,
        person,
        status=400,
        details=forms["details"],
        areas=forms["areas"],
        password=forms["password"],
    )


@require_POST
@role_required(ADMIN)
def person_details(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username)
    return _save(
        request,
        person,
        PersonForm(request.POST),
        lambda data: user_update(user=person, by=current_user(request), **data),
        _("The details of %(name)s were saved."),
        "details",
    )


@require_POST
@role_required(ADMIN)
def person_areas(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username)
    return _save(
        request,
        person,
        AreasForm(request.POST, areas=Area.objects.filter(is_active=True)),
        lambda data: user_assign_areas(user=person, areas=data["areas"], by=current_user(request)),
        _("The areas of %(name)s were saved."),
        "areas",
    )


@require_POST
@role_required(ADMIN)
def person_password(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username)
    if "generate" in request.POST:
        return _person_page(
            request,
            person,
            shown_password=user_reset_password(user=person, by=current_user(request)),
        )
    return _save(
        request,
        person,
        SetPasswordForm(request.POST),
        lambda data: user_set_password(
            user=person, password=data["password"], by=current_user(request)
        ),
        _("The password of %(name)s was changed."),
        "password",
    )


@require_POST
@role_required(ADMIN)
def person_active(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username)
    try:
        if request.POST.get("active") == "yes":
            user_reactivate(user=person, by=current_user(request))
            messages.success(request, _("%(name)s can sign in again.") % _named(person))
        else:
            user_deactivate(user=person, by=current_user(request))
            messages.success(request, _("%(name)s can no longer sign in.") % _named(person))
    except GridbookError as error:
        messages.error(request, error.message)
    return redirect("web:person", username=person.username)


def _named(person: User) -> dict[str, str]:
    return {"name": person.display_name}
