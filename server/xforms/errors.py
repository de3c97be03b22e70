from django.utils.translation import gettext_lazy as _

from server.core.errors import define_error

FORM_NOT_CONVERTED = define_error(
    "form_not_converted",
    400,
    _(
        "The form was not loaded because it has {count} error(s); nothing was changed. Fix the "
        "spreadsheet and upload it again. First error: {first}"
    ),
)
FORM_FILE_TOO_LARGE = define_error(
    "form_file_too_large",
    413,
    _("The file is {size_mb} MB; a form file may be at most {limit_mb} MB."),
)
FORM_VALIDATOR_UNAVAILABLE = define_error(
    "form_validator_unavailable",
    503,
    _(
        "Forms cannot be checked right now: this server requires ODK Validate, which needs Java, "
        "and Java is not installed. Ask the administrator."
    ),
)
FORM_VERSION_CONTENT_CHANGED = define_error(
    "form_version_content_changed",
    409,
    _(
        "Version {version} of the form '{form_id}' already exists with different content. "
        "Raise the version in the settings sheet (settings.version, for example {suggestion}) "
        "and upload the file again."
    ),
)
FORM_VERSION_NOT_NEWER = define_error(
    "form_version_not_newer",
    409,
    _(
        "Version {version} is older than the current version {current} of the form "
        "'{form_id}'. Versions only go up: set settings.version above {current} (for example "
        "{suggestion}) and upload the file again."
    ),
)
FORM_NOT_FOUND = define_error("form_not_found", 404, _("There is no form '{form_id}'."))
FORM_VERSION_NOT_FOUND = define_error(
    "form_version_not_found", 404, _("The form '{form_id}' has no version '{version}'.")
)
FORM_STATE_UNKNOWN = define_error(
    "form_state_unknown",
    400,
    _("'{state}' is not a form state; use draft, open, closing or closed."),
)
FORM_TESTER_NOT_COLLECTOR = define_error(
    "form_tester_not_collector",
    400,
    _("{username} is not a collector; only collectors can test draft forms on their phones."),
)
FORM_AREA_NOT_FOUND = define_error(
    "form_area_not_found", 404, _("There is no area with the code '{code}'.")
)
FORM_MEDIA_NOT_EXPECTED = define_error(
    "form_media_not_expected",
    400,
    _(
        "Version {version} of '{form_id}' does not use a file named '{filename}'. Name the file "
        "exactly as the form refers to it. Files it expects: {expected}."
    ),
)
FORM_MEDIA_IS_REGISTER_LIST = define_error(
    "form_media_is_register_list",
    400,
    _(
        "'{filename}' is a register list: Gridbook generates it for each collector from the "
        "household register, so it cannot be uploaded. Change the register instead."
    ),
)
FORM_MEDIA_TOO_LARGE = define_error(
    "form_media_too_large",
    413,
    _("'{filename}' is {size_mb} MB; a form media file may be at most {limit_mb} MB."),
)
FORM_MEDIA_NOT_IMAGE = define_error(
    "form_media_not_image",
    400,
    _("'{filename}' is named like an image but is not a readable image file."),
)
FORM_MEDIA_NOT_FOUND = define_error(
    "form_media_not_found",
    404,
    _("Version {version} of '{form_id}' has no uploaded file '{filename}'."),
)
FORM_UPLOAD_NOT_FOUND = define_error(
    "form_upload_not_found", 404, _("There is no form upload with this ID.")
)
REGISTER_LIST_UNKNOWN = define_error(
    "register_list_unknown",
    404,
    _("'{filename}' is not a register list. Register lists: {names}."),
)
COLLECTOR_NOT_FOUND = define_error(
    "collector_not_found", 404, _("There is no collector with the username '{username}'.")
)
USER_NOT_FOUND = define_error("user_not_found", 404, _("There is no user '{username}'."))
