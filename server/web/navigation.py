"""The main navigation: each role sees only what it may use (a context processor)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from server.accounts.models import Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    prefixes: tuple[str, ...] = ()  # paths under which the item is the current page


HOME = NavItem("web:home", _("Home"))
PEOPLE = NavItem("web:people", _("People"), ("/people/", "/person/"))
REGISTER = NavItem("web:register", _("Register"), ("/register/", "/areas/", "/households/"))
GRIDS = NavItem(
    "web:register", _("Grids and households"), ("/register/", "/areas/", "/households/")
)
MY_GRIDS = NavItem("web:register", _("My grids"), ("/register/", "/areas/", "/households/"))
IMPORT = NavItem("web:register_import", _("Import register"), ("/import/",))
FORMS = NavItem("web:forms", _("Forms"), ("/forms/", "/form-uploads/"))
AUDIT = NavItem("web:audit", _("Audit log"), ("/audit/",))
SUBMISSIONS = NavItem("web:submissions", _("Submissions"), ("/submissions/",))
EXPORTS = NavItem("web:exports", _("Exports"), ("/exports/",))
ONBOARDING = NavItem("web:onboarding", _("Set up ODK Collect"), ("/onboarding/",))

DASHBOARD = NavItem("web:dashboard_home", _("Dashboard"), ("/dashboard/",))
NEEDS = NavItem("web:needs", _("Needs"), ("/needs/",))

NAVIGATION: dict[str, tuple[NavItem, ...]] = {
    Role.ADMINISTRATOR: (
        HOME,
        DASHBOARD,
        NEEDS,
        PEOPLE,
        REGISTER,
        IMPORT,
        FORMS,
        SUBMISSIONS,
        EXPORTS,
        AUDIT,
    ),
    Role.MANAGER: (HOME, DASHBOARD, GRIDS, NEEDS, FORMS, SUBMISSIONS, EXPORTS),
    Role.DESIGNER: (HOME, FORMS),
    Role.COLLECTOR: (HOME, MY_GRIDS, SUBMISSIONS, EXPORTS, ONBOARDING),
}


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    path = request.path
    items = []
    for item in NAVIGATION.get(getattr(user, "role", ""), ()):
        url = reverse(item.url_name)
        current = path == url or any(path.startswith(prefix) for prefix in item.prefixes)
        items.append({"url": url, "label": item.label, "current": current})
    return {"nav_items": items}
