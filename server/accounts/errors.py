from django.utils.translation import gettext_lazy as _

from server.core.errors import define_error

USERNAME_TAKEN = define_error(
    "username_taken", 409, _("The user name {username} is already taken.")
)
USERNAME_NOT_ASCII = define_error(
    "username_not_ascii",
    400,
    _(
        "A user name may only use the letters a-z, digits and . _ - (ODK Collect sends it as "
        "Latin-1), not {username}."
    ),
)
PASSWORD_NOT_ASCII = define_error(
    "password_not_ascii",
    400,
    _(
        "A collector's password may only use ASCII letters, digits and punctuation: ODK Collect "
        "cannot send other characters."
    ),
)
PASSWORD_INVALID = define_error(
    "password_invalid", 400, _("The password is not accepted: {reason}")
)
WRONG_AREA_LEVEL = define_error(
    "wrong_area_level",
    400,
    _("A collector can only be assigned to grids; {area} is not a grid."),
)
ROLE_HAS_NO_AREAS = define_error(
    "role_has_no_areas", 400, _("Only managers and collectors are assigned to areas.")
)
TOKEN_NOT_COLLECTOR = define_error(
    "token_not_collector",
    400,
    _("Only collectors get a phone token and QR code; {username} is not a collector."),
)
CANNOT_DEACTIVATE_SELF = define_error(
    "cannot_deactivate_self", 400, _("You cannot deactivate your own account.")
)
LAST_ADMINISTRATOR = define_error(
    "last_administrator",
    400,
    _("{username} is the last active administrator; make another administrator first."),
)
ROLE_CHANGE_KEEPS_AREAS = define_error(
    "role_change_keeps_areas",
    400,
    _(
        "{username} still has assigned areas that a {role} cannot have; remove them before "
        "changing the role."
    ),
)
SIGN_IN_BLOCKED = define_error(
    "sign_in_blocked",
    429,
    _("Too many failed sign-ins. Wait {minutes} minutes and try again, or ask your administrator."),
)
