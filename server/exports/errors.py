"""Errors a person can meet when asking for or downloading an export."""

from django.utils.translation import gettext_lazy as _

from server.core.errors import define_error

NOT_ALLOWED = define_error("export_not_allowed", 403, _("Your role cannot export residents' data."))
BAD_OPTION = define_error(
    "export_bad_option", 400, _("The export setting “{key}” has a value that is not allowed.")
)
FORMAT_NOT_OFFERED = define_error(
    "export_format_not_offered", 400, _("This export is not available as {format}.")
)
FORM_REQUIRED = define_error(
    "export_form_required", 400, _("Choose the form whose submissions to export.")
)
FORM_NOT_FOUND = define_error("export_form_not_found", 404, _("There is no form “{form_id}”."))
AREA_NOT_FOUND = define_error(
    "export_area_not_found", 400, _("There is no area “{area}” that you may see.")
)
JOB_NOT_FOUND = define_error("export_not_found", 404, _("There is no such export."))
NOT_READY = define_error(
    "export_not_ready", 409, _("The file is not ready: the export is {state}.")
)
LINK_INVALID = define_error(
    "export_link_invalid",
    403,
    _("This download link is invalid or has expired. Ask for a new one."),
)
TOO_MANY_ACTIVE = define_error(
    "export_too_many_active",
    429,
    _("You already have {count} exports waiting or running. Wait for one to finish."),
)
CANCELLED = define_error("export_cancelled", 409, _("The export was cancelled."))
WORKER_LOST = define_error(
    "export_worker_lost",
    500,
    _("The export stopped because its worker stopped ({attempts} attempts). Ask for it again."),
)
FAILED = define_error(
    "export_failed",
    500,
    _(
        "The export failed ({reason}). Ask for it again; if it fails again, tell your "
        "administrator."
    ),
)
