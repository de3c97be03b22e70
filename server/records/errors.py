"""Errors a manager can meet when acting on needs and register changes."""

from django.utils.translation import gettext_lazy as _

from server.core.errors import define_error

NEED_NOT_FOUND = define_error("need_not_found", 404, _("No such need."))
NEED_FIELD_ONLY = define_error(
    "need_field_only",
    403,
    _(
        "Collectors record needs and follow-ups with the phone forms; only managers and "
        "administrators change a need's status here."
    ),
)
NEED_CHANGED = define_error(
    "need_changed",
    409,
    _(
        "Someone else changed this need meanwhile (it is now “{status}”). Reload it and "
        "decide again."
    ),
)
NEED_TRANSITION_NOT_ALLOWED = define_error(
    "need_transition_not_allowed",
    409,
    _("A need that is “{from_status}” cannot become “{to_status}”."),
)
NEED_NOTE_REQUIRED = define_error(
    "need_note_required", 400, _("Say how the need was resolved (a note is required).")
)
NEED_LEVEL_REQUIRED = define_error(
    "need_level_required",
    400,
    _(
        "Choose where the need is escalated to: community, street, district platform or a "
        "department."
    ),
)
NEED_DEPARTMENT_REQUIRED = define_error(
    "need_department_required", 400, _("Name the department the need is passed to.")
)
NEED_ASSIGNEE_INVALID = define_error(
    "need_assignee_invalid",
    400,
    _("The need can only be assigned to an active worker or manager of its grid."),
)
REGISTER_CHANGE_NOT_FOUND = define_error(
    "register_change_not_found", 404, _("No such register change.")
)
REGISTER_CHANGE_NOT_ALLOWED = define_error(
    "register_change_not_allowed",
    403,
    _("Only managers of the grid and administrators decide on register changes."),
)
REGISTER_CHANGE_DECIDED = define_error(
    "register_change_decided",
    409,
    _("This register change was already decided (it is “{state}”)."),
)
REGISTER_CHANGE_INVALID = define_error(
    "register_change_invalid",
    400,
    _("The change cannot be applied to the register: {reason}"),
)
