"""The access matrix: what every role gets from every URL pattern of the project.

``MATRIX`` has one ``Row`` per URL pattern name (``namespace:name``). A row names the path
to request (with the objects of the test world: a household of grid CY1 in 长源社区, the
``hh_visit`` form published there, ...) and, per HTTP method, what each of the seven roles
gets:

    admin       administrator                     manager_a  alice, manager of 长源社区 (area A)
    manager_b   erin, manager of 滨河社区 (area B)  designer   dave
    collector_1 bob, collector of grid CY1         collector_2 carol, collector of grid BH1
    anonymous   nobody signed in

Expectations: ``OK`` (2xx, or a redirect that is not to the sign-in page), ``W`` (a write
that reached its view: any answer but 401/403/404/405 or the sign-in redirect; the test
posts an empty form, so 400 is common), ``LOGIN`` (302 to the sign-in page), or an exact
status (401, 403, 404, 405).

Adding a page: add its row to ``MATRIX``. To see what the server does today, run
``GRIDBOOK_ACCESS_PRINT=1 pytest tests/reliability/test_access_matrix.py -k NAME -s``: it
prints the observed row in this syntax. Read it cell by cell before pasting it: a manager
of area B getting OK on area A's page is a leak, not an expectation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("admin", "manager_a", "manager_b", "designer", "collector_1", "collector_2", "anonymous")
OK, W, LOGIN = "OK", "W", "LOGIN"
Expect = str | int


def per_role(*cells: Expect) -> dict[str, Expect]:
    """Expectations in ``ROLES`` order: admin, manager_a, manager_b, designer, collector_1,
    collector_2, anonymous."""
    return dict(zip(ROLES, cells, strict=True))


def everyone(signed_in: Expect, anonymous: Expect) -> dict[str, Expect]:
    return {role: (anonymous if role == "anonymous" else signed_in) for role in ROLES}


@dataclass(frozen=True)
class Row:
    path: str  # formatted with {version}, {media_version}, {upload_id}, {token} (see place)
    methods: dict[str, dict[str, Expect]] = field(default_factory=dict)
    collect: bool = False  # an OpenRosa address: collectors sign in with Digest, not a session


# Web pages.
NO_GET = everyone(405, 405)  # POST-only addresses refuse GET before anything else
ADMIN_GET = per_role(OK, 403, 403, 403, 403, 403, LOGIN)
ADMIN_POST = per_role(W, 403, 403, 403, 403, 403, LOGIN)
FORM_READERS_GET = per_role(OK, OK, OK, OK, 404, 404, LOGIN)
FORM_WRITERS_GET = per_role(OK, 403, 403, OK, 404, 404, LOGIN)
FORM_WRITERS_POST = per_role(W, 403, 403, W, 404, 404, LOGIN)
AREA_A = per_role(OK, OK, 404, 403, OK, 404, LOGIN)  # grid CY1 and its households
BOARD_A = per_role(W, W, 404, 403, 403, 403, LOGIN)  # the needs board, register changes
EXPORTERS_GET = per_role(OK, OK, OK, 404, OK, OK, LOGIN)
EXPORTERS_POST = per_role(W, W, W, 404, W, W, LOGIN)
ALICES_EXPORT_WEB = per_role(OK, OK, 404, 404, 404, 404, LOGIN)
# The API: DRF answers 401 with a Token challenge to anonymous requests.
API_READ = per_role(OK, OK, OK, OK, 403, 403, 401)
API_WRITE = per_role(W, 403, 403, W, 403, 403, 401)
API_DESIGNERS = per_role(OK, 403, 403, OK, 403, 403, 401)
API_ANY_SIGNED_IN = everyone(OK, 401)  # the OpenAPI schema and its viewers
RECORD_A = per_role(OK, OK, 404, 403, OK, 404, 401)  # a record of grid CY1
CHANGE_A = per_role(OK, OK, 404, 403, 403, 403, 401)  # managers decide register changes
API_EXPORTERS = per_role(OK, OK, OK, 403, OK, OK, 401)
ALICES_EXPORT_API = per_role(OK, OK, 404, 403, 404, 404, 401)
# OpenRosa with a password: collectors only (nobody else has a Digest secret, so their
# passwords fail like wrong ones: 401); hh_visit is offered to grid CY1, not BH1.
COLLECT_A = per_role(401, 401, 401, 401, OK, 404, 401)
COLLECT_ANY = per_role(401, 401, 401, 401, OK, OK, 401)
COLLECT_POST = per_role(401, 401, 401, 401, W, W, 401)
# Token URLs: a collector's own token; everyone else presents a token that is not valid.
KEY_A = per_role(403, 403, 403, 403, OK, 404, 403)
KEY_ANY = per_role(403, 403, 403, 403, OK, OK, 403)
KEY_POST = per_role(403, 403, 403, 403, W, W, 403)

VERSION = "/api/v1/forms/hh_visit/versions/{version}/"
ODK_FORM = "forms/hh_visit/{version}/"
ODK_MEDIA = "forms/hh_media/{media_version}/media/"

MATRIX: dict[str, Row] = {
    # ---------------------------------------------------------------- outside any app
    "healthz": Row("/healthz", {"GET": everyone(OK, OK)}),
    "set_language": Row("/i18n/setlang/", {"POST": everyone(OK, OK)}),
    "javascript-catalog": Row("/jsi18n/", {"GET": everyone(OK, OK)}),
    # ---------------------------------------------------------------- web: signing in
    "web:home": Row("/", {"GET": everyone(OK, LOGIN)}),
    "web:login": Row("/login/", {"GET": everyone(OK, OK), "POST": everyone(OK, W)}),
    "web:logout": Row("/logout/", {"GET": everyone(405, 405), "POST": everyone(LOGIN, LOGIN)}),
    "web:onboarding": Row("/onboarding/", {"GET": per_role(403, 403, 403, 403, OK, OK, LOGIN)}),
    "web:audit": Row("/audit/", {"GET": ADMIN_GET}),
    "web:audit_export": Row("/audit/export.csv", {"GET": ADMIN_GET}),
    # ---------------------------------------------------------------- web: the register
    "web:register": Row("/register/", {"GET": per_role(OK, OK, OK, 403, OK, OK, LOGIN)}),
    "web:area": Row("/areas/CY1/", {"GET": AREA_A}),
    "web:record": Row("/records/CY1/", {"GET": AREA_A}),
    "web:household": Row("/households/XF-1-101/", {"GET": AREA_A}),
    "web:register_import": Row("/import/register/", {"GET": ADMIN_GET, "POST": ADMIN_POST}),
    "web:register_template": Row(
        "/import/templates/register-template-flat.csv", {"GET": ADMIN_GET}
    ),
    # ---------------------------------------------------------------- web: people
    "web:people": Row("/people/", {"GET": ADMIN_GET}),
    "web:person_create": Row("/people/new/", {"GET": ADMIN_GET, "POST": ADMIN_POST}),
    "web:person": Row("/person/bob/", {"GET": ADMIN_GET}),
    "web:person_details": Row("/person/bob/details/", {"GET": NO_GET, "POST": ADMIN_POST}),
    "web:person_areas": Row("/person/bob/areas/", {"GET": NO_GET, "POST": ADMIN_POST}),
    "web:person_password": Row("/person/bob/password/", {"GET": NO_GET, "POST": ADMIN_POST}),
    "web:person_active": Row("/person/bob/active/", {"GET": NO_GET, "POST": ADMIN_POST}),
    # ---------------------------------------------------------------- web: forms
    "web:forms": Row("/forms/", {"GET": FORM_READERS_GET, "POST": FORM_WRITERS_POST}),
    "web:form_upload_status": Row("/form-uploads/{upload_id}/", {"GET": FORM_WRITERS_GET}),
    "web:form": Row("/forms/hh_visit/", {"GET": FORM_READERS_GET}),
    "web:form_upload": Row(
        "/forms/hh_visit/upload/", {"GET": FORM_WRITERS_GET, "POST": FORM_WRITERS_POST}
    ),
    "web:form_state": Row("/forms/hh_visit/state/", {"GET": NO_GET, "POST": FORM_WRITERS_POST}),
    "web:form_testers": Row("/forms/hh_visit/testers/", {"GET": NO_GET, "POST": FORM_WRITERS_POST}),
    "web:form_publication_add": Row(
        "/forms/hh_visit/publications/", {"GET": NO_GET, "POST": FORM_WRITERS_POST}
    ),
    "web:form_publication_remove": Row(
        "/forms/hh_visit/publications/remove/", {"GET": NO_GET, "POST": FORM_WRITERS_POST}
    ),
    "web:form_media": Row("/forms/hh_visit/media/", {"GET": NO_GET, "POST": FORM_WRITERS_POST}),
    "web:form_media_remove": Row(
        "/forms/hh_visit/media/remove/", {"GET": NO_GET, "POST": FORM_WRITERS_POST}
    ),
    "web:form_lists": Row("/forms/hh_visit/lists/", {"GET": FORM_WRITERS_GET}),
    "web:form_preview": Row("/forms/hh_visit/preview/", {"GET": FORM_READERS_GET}),
    # ---------------------------------------------------------------- the API
    "api:schema": Row("/api/v1/schema/", {"GET": API_ANY_SIGNED_IN}),
    "api:docs": Row("/api/v1/docs/", {"GET": API_ANY_SIGNED_IN}),
    "api:redoc": Row("/api/v1/redoc/", {"GET": API_ANY_SIGNED_IN}),
    "api:form-list": Row("/api/v1/forms/", {"GET": API_READ, "POST": API_WRITE}),
    "api:form-detail": Row("/api/v1/forms/hh_visit/", {"GET": API_READ, "PATCH": API_WRITE}),
    "api:form-publications": Row(
        "/api/v1/forms/hh_visit/publications/", {"GET": API_READ, "POST": API_WRITE}
    ),
    "api:form-publication-detail": Row(
        "/api/v1/forms/hh_visit/publications/CY/", {"DELETE": API_WRITE}
    ),
    "api:form-manifest": Row(
        "/api/v1/forms/hh_visit/manifest/?collector=bob", {"GET": API_DESIGNERS}
    ),
    "api:form-versions": Row("/api/v1/forms/hh_visit/versions/", {"GET": API_READ}),
    "api:form-version-detail": Row(VERSION, {"GET": API_READ}),
    "api:form-version-xform": Row(VERSION + "xform/", {"GET": API_READ}),
    "api:form-version-source": Row(VERSION + "source/", {"GET": API_READ}),
    "api:form-media": Row(VERSION + "media/", {"GET": API_READ, "POST": API_WRITE}),
    "api:form-media-detail": Row(
        "/api/v1/forms/hh_media/versions/{media_version}/media/logo.jpg",
        {"GET": API_READ, "DELETE": API_WRITE},
    ),
    "api:form-upload-detail": Row("/api/v1/form-uploads/{upload_id}/", {"GET": API_READ}),
    "api:register-list": Row(
        "/api/v1/register-lists/households.csv?collector=bob", {"GET": API_DESIGNERS}
    ),
    "api:audit-events": Row(
        "/api/v1/audit-events/", {"GET": per_role(OK, 403, 403, 403, 403, 403, 401)}
    ),
    # ---------------------------------------------------------------- OpenRosa (Digest)
    "openrosa:form-list": Row("/formList", {"GET": COLLECT_ANY}, collect=True),
    "openrosa:form-xml": Row("/" + ODK_FORM + "form.xml", {"GET": COLLECT_A}, collect=True),
    "openrosa:manifest": Row("/" + ODK_FORM + "manifest", {"GET": COLLECT_A}, collect=True),
    "openrosa:form-media": Row("/" + ODK_MEDIA + "logo.jpg", {"GET": COLLECT_A}, collect=True),
    "openrosa:register-list": Row("/lists/households.csv", {"GET": COLLECT_ANY}, collect=True),
    "openrosa:submission": Row(
        "/submission", {"HEAD": COLLECT_ANY, "POST": COLLECT_POST}, collect=True
    ),
    # ---------------------------------------------------------------- OpenRosa (token URL)
    "openrosa-key:form-list": Row("/key/{token}/formList", {"GET": KEY_ANY}, collect=True),
    "openrosa-key:form-xml": Row(
        "/key/{token}/" + ODK_FORM + "form.xml", {"GET": KEY_A}, collect=True
    ),
    "openrosa-key:manifest": Row(
        "/key/{token}/" + ODK_FORM + "manifest", {"GET": KEY_A}, collect=True
    ),
    "openrosa-key:form-media": Row(
        "/key/{token}/" + ODK_MEDIA + "logo.jpg", {"GET": KEY_A}, collect=True
    ),
    "openrosa-key:register-list": Row(
        "/key/{token}/lists/households.csv", {"GET": KEY_ANY}, collect=True
    ),
    "openrosa-key:submission": Row(
        "/key/{token}/submission", {"HEAD": KEY_ANY, "POST": KEY_POST}, collect=True
    ),
    # ---------------------------------------------------------------- records, submissions
    # Observed and reviewed at the merge of records/submissions (2026-11-23). Refusals come
    # before form checks: a collector's POST to web:submission_review is 403 whatever it
    # holds; the administrator's POST to web:collector_token naming no action is 400.
    "web:submissions": Row("/submissions/", {"GET": per_role(OK, OK, OK, 404, OK, OK, LOGIN)}),
    "web:submission": Row(
        "/submissions/{submission}/", {"GET": per_role(OK, OK, 404, 404, OK, 404, LOGIN)}
    ),
    "web:submission_file": Row(
        "/submissions/{submission}/files/door.jpg",
        {"GET": per_role(OK, OK, 404, 404, OK, 404, LOGIN)},
    ),
    "web:submission_review": Row(
        "/submissions/{submission}/review/", {"POST": per_role(W, W, 404, 404, 403, 404, LOGIN)}
    ),
    "web:photo": Row("/photos/{attachment}/", {"GET": per_role(OK, OK, 404, 404, OK, 404, LOGIN)}),
    "web:dashboard_home": Row("/dashboard/", {"GET": per_role(OK, OK, OK, 403, 403, 403, LOGIN)}),
    "web:dashboard": Row("/dashboard/CY1/", {"GET": per_role(OK, OK, 404, 403, 403, 403, LOGIN)}),
    "web:needs": Row("/needs/", {"GET": per_role(OK, OK, OK, 403, 403, 403, LOGIN)}),
    "web:collector_qr_png": Row("/person/bob/qr.png", {"GET": ADMIN_GET}),
    "web:collector_qr_svg": Row("/person/bob/qr.svg", {"GET": ADMIN_GET}),
    "web:collector_sheet": Row("/person/bob/collect-sheet/", {"GET": ADMIN_GET}),
    "web:collector_token": Row("/person/bob/token/", {"POST": ADMIN_POST}),
    "api:area-list": Row("/api/v1/areas/", {"GET": everyone(OK, 401)}),
    "api:area-record": Row(
        "/api/v1/areas/CY/record/", {"GET": per_role(OK, OK, 404, 403, 404, 404, 401)}
    ),
    "api:area-trends": Row(
        "/api/v1/areas/CY/trends/", {"GET": per_role(OK, OK, 404, 403, 404, 404, 401)}
    ),
    "api:grid-record": Row(
        "/api/v1/grids/CY1/record/", {"GET": per_role(OK, OK, 404, 403, OK, 404, 401)}
    ),
    "api:household-list": Row(
        "/api/v1/households/", {"GET": per_role(OK, OK, OK, 403, OK, OK, 401)}
    ),
    "api:household-detail": Row(
        "/api/v1/households/XF-1-101/", {"GET": per_role(OK, OK, 404, 403, OK, 404, 401)}
    ),
    "api:need-list": Row("/api/v1/needs/", {"GET": per_role(OK, OK, OK, 403, OK, OK, 401)}),
    "api:visit-list": Row("/api/v1/visits/", {"GET": per_role(OK, OK, OK, 403, OK, OK, 401)}),
    "api:register-change-list": Row(
        "/api/v1/register-changes/", {"GET": per_role(OK, OK, OK, 403, 403, 403, 401)}
    ),
    "api:submission-list": Row(
        "/api/v1/submissions/", {"GET": per_role(OK, OK, OK, 403, 403, 403, 401)}
    ),
    "api:submission-detail": Row(
        "/api/v1/submissions/{submission}/", {"GET": per_role(OK, OK, 404, 403, 403, 403, 401)}
    ),
    "api:submission-review": Row(
        "/api/v1/submissions/{submission}/review/",
        {"POST": per_role(W, W, 404, 403, 403, 403, 401)},
    ),
    "api:submission-attachment": Row(
        "/api/v1/submissions/{submission}/attachments/door.jpg",
        {"GET": per_role(OK, OK, 404, 403, 403, 403, 401)},
    ),
    # A need and a pending register change of household XF-1-101 (grid CY1, area A).
    "api:need-detail": Row("/api/v1/needs/{need}/", {"GET": RECORD_A}),
    "api:need-transitions": Row(
        "/api/v1/needs/{need}/transitions/", {"POST": per_role(W, W, 404, 403, W, 404, 401)}
    ),
    "api:register-change-detail": Row("/api/v1/register-changes/{change}/", {"GET": CHANGE_A}),
    "api:register-change-approve": Row(
        "/api/v1/register-changes/{change}/approve/", {"POST": CHANGE_A}
    ),
    "api:register-change-reject": Row(
        "/api/v1/register-changes/{change}/reject/", {"POST": CHANGE_A}
    ),
    "web:need_step": Row("/needs/{need}/", {"GET": NO_GET, "POST": BOARD_A}),
    "web:register_change": Row(
        "/households/XF-1-101/changes/{change}/", {"GET": NO_GET, "POST": BOARD_A}
    ),
    # ---------------------------------------------------------------- exports
    # Designers export nothing: the pages do not exist for them (404), the API refuses (403).
    # {export} is alice's finished export: it belongs to her (and the administrator reads
    # every export); anyone else gets 404, whatever their area.
    "web:exports": Row("/exports/", {"GET": EXPORTERS_GET, "POST": EXPORTERS_POST}),
    "web:export_jobs": Row("/exports/jobs/", {"GET": EXPORTERS_GET}),
    "web:export_cancel": Row(
        "/exports/{export}/cancel/", {"GET": NO_GET, "POST": ALICES_EXPORT_WEB}
    ),
    "web:export_download": Row("/exports/{export}/download/", {"GET": ALICES_EXPORT_WEB}),
    # The signed link the API gave alice: without a session the link is the credential (for
    # scripts, valid GRIDBOOK_EXPORT_LINK_SECONDS); in someone else's signed-in browser it is
    # the same 404 as the job's own pages.
    "web:export_file": Row(
        "/exports/file/{export_link}/", {"GET": per_role(OK, OK, 404, 404, 404, 404, OK)}
    ),
    "api:export-list": Row(
        "/api/v1/exports/",
        {"GET": API_EXPORTERS, "POST": per_role(W, W, W, 403, W, W, 401)},
    ),
    "api:export-detail": Row(
        "/api/v1/exports/{export}/",
        {"GET": ALICES_EXPORT_API, "DELETE": per_role(W, W, 404, 403, 404, 404, 401)},
    ),
    "api:export-audit": Row(
        "/api/v1/exports/audit/", {"GET": per_role(OK, OK, OK, 403, 403, 403, 401)}
    ),
}


PENDING: set[str] = set()
