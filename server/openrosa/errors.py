"""Errors ODK Collect shows a worker for sign-in and protocol problems."""

from django.utils.translation import gettext_lazy as _

from server.core.errors import define_error

SIGN_IN_REQUIRED = define_error(
    "openrosa_sign_in_required",
    401,
    _(
        "Sign in with your Gridbook user name and password. A collector's password uses only "
        "English letters, digits and punctuation (ASCII); ODK Collect cannot send other "
        "characters."
    ),
)
SIGN_IN_FAILED = define_error(
    "openrosa_sign_in_failed",
    401,
    _(
        "Wrong user name or password. A collector's password uses only English letters, "
        "digits and punctuation (ASCII); ask your administrator to set a new one if needed."
    ),
)
SIGN_IN_BLOCKED = define_error(
    "openrosa_sign_in_blocked",
    429,
    _("Too many failed sign-ins. Wait {minutes} minutes and try again, or ask your administrator."),
)
TOKEN_INVALID = define_error(
    "openrosa_token_invalid",
    403,
    _(
        "This phone's server address is no longer valid (its key was revoked or mistyped). "
        "Ask your administrator for a new QR code and scan it."
    ),
)
NOT_COLLECTOR = define_error(
    "openrosa_not_collector",
    403,
    _(
        "This account is not a collector account, so it cannot be used in ODK Collect. Sign in "
        "with your collector account."
    ),
)
ACCOUNT_DISABLED = define_error(
    "openrosa_account_disabled",
    403,
    _("This account is disabled. Ask your administrator."),
)
BODY_TOO_LARGE = define_error(
    "openrosa_body_too_large",
    413,
    _(
        "The submission is too large ({size} MB; the server accepts at most {limit} MB in one "
        "sending), so nothing was saved. Tell your administrator."
    ),
)
NOT_MULTIPART = define_error(
    "openrosa_not_multipart",
    400,
    _(
        "The server could not read this sending (it is not multipart/form-data from ODK "
        "Collect). Nothing was saved; send it again."
    ),
)
NO_XML_PART = define_error(
    "openrosa_no_xml_part",
    400,
    _(
        "The sending contains no form data (no xml_submission_file part). Nothing was saved; "
        "send it again."
    ),
)
FORM_NOT_AVAILABLE = define_error(
    "openrosa_form_not_available",
    404,
    _(
        "The form {form_id} (version {version}) is not available to you. Refresh the list of "
        "blank forms."
    ),
)
FILE_NOT_AVAILABLE = define_error(
    "openrosa_file_not_available",
    404,
    _("The file {filename} is not available. Refresh the list of blank forms."),
)
METHOD_NOT_ALLOWED = define_error(
    "openrosa_method_not_allowed", 405, _("This address does not accept this kind of request.")
)
DUPLICATE_PART = define_error(
    "openrosa_duplicate_part",
    400,
    _(
        "The sending contains the part {name} more than once, so the server cannot tell which "
        "one is meant. Nothing was saved; tell your administrator."
    ),
)
DATABASE_UNAVAILABLE = define_error(
    "openrosa_database_unavailable",
    503,
    _(
        "The server cannot save anything just now (its database is not answering). Nothing "
        "was saved; the submission is still on your phone: send it again later."
    ),
)
