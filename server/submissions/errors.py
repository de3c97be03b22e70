"""Errors a worker can meet when sending a submission (shown by ODK Collect as is)."""

from django.utils.translation import gettext_lazy as _

from server.core.errors import define_error

NOT_XML = define_error(
    "submission_not_xml",
    400,
    _(
        "The submission is not readable XML, so nothing was saved. Send it again; if this "
        "happens again, tell your administrator."
    ),
)
XML_TOO_LARGE = define_error(
    "submission_xml_too_large",
    413,
    _("The form data is larger than {limit} MB, so nothing was saved. Tell your administrator."),
)
NO_FORM_ID = define_error(
    "submission_no_form_id",
    400,
    _("The submission does not say which form it belongs to (no id on its root element)."),
)
NO_INSTANCE_ID = define_error(
    "submission_no_instance_id",
    400,
    _(
        "The submission has no instance ID (meta/instanceID), so nothing was saved. The form "
        "must include it; tell your administrator."
    ),
)
FORM_UNKNOWN = define_error(
    "submission_form_unknown",
    404,
    _(
        "The form {form_id} is not on this server, so nothing was saved. Check that the phone "
        "is connected to the right server, or ask your administrator."
    ),
)
VERSION_UNKNOWN = define_error(
    "submission_version_unknown",
    404,
    _(
        "Version {version} of the form “{title}” is not on this server, so nothing was saved. "
        "Ask your administrator; do not delete the form from the phone."
    ),
)
FORM_CLOSED = define_error(
    "submission_form_closed",
    403,
    _(
        "The form “{title}” (version {version}) no longer accepts submissions, so nothing was "
        "saved. Ask your manager what to do with it."
    ),
)
FORM_NOT_OFFERED = define_error(
    "submission_form_not_offered",
    403,
    _(
        "You may not send the form “{title}”: it is not assigned to your grid. Nothing was "
        "saved. Ask your manager."
    ),
)
CONFLICT = define_error(
    "submission_conflict",
    409,
    _(
        "A different submission with the same ID ({instance_id}) was already received, so "
        "nothing was changed. Tell your administrator."
    ),
)
EDIT_ORIGINAL_MISSING = define_error(
    "submission_edit_original_missing",
    404,
    _(
        "This is an edit of a submission the server never received ({deprecated_id}), so "
        "nothing was saved. Send the original first, or tell your administrator."
    ),
)
EDIT_OF_OLD_VERSION = define_error(
    "submission_edit_of_old_version",
    409,
    _(
        "The submission you edited ({deprecated_id}) was already edited once, so nothing was "
        "saved. Only the latest version can be edited; tell your administrator."
    ),
)
NOT_AN_IMAGE = define_error(
    "attachment_not_an_image",
    400,
    _(
        "The photo {name} is not a readable {claimed} image, so nothing of this submission was "
        "saved. Open the form, take the photo again and send it again."
    ),
)
IMAGE_WRONG_TYPE = define_error(
    "attachment_image_wrong_type",
    400,
    _(
        "The photo {name} claims to be {claimed} but is {actual}, so nothing of this submission "
        "was saved. Open the form, take the photo again and send it again."
    ),
)
IMAGE_TOO_MANY_PIXELS = define_error(
    "attachment_image_too_many_pixels",
    413,
    _(
        "The photo {name} has too many pixels (at most {limit} megapixels), so nothing of this "
        "submission was saved. Take the photo again at a lower resolution and send it again."
    ),
)
STORAGE_FAILED = define_error(
    "attachment_storage_failed",
    503,
    _(
        "The server could not save the files just now. The submission is still on your phone: "
        "send it again later."
    ),
)
REVIEW_NOT_ALLOWED = define_error(
    "submission_review_not_allowed",
    403,
    _("Only managers and administrators responsible for this grid can review its submissions."),
)
SUBMISSION_NOT_FOUND = define_error(
    "submission_not_found",
    404,
    _("There is no submission {pk} among those you can see."),
)
ATTACHMENT_NOT_FOUND = define_error(
    "submission_attachment_not_found",
    404,
    _("The submission {pk} has no stored file named {name} among those you can see."),
)
