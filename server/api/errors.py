"""Errors of the records API's query parameters."""

from django.utils.translation import gettext_lazy as _

from server.core.errors import define_error

PERIOD_INVALID = define_error(
    "period_invalid",
    400,
    _(
        "This is not a period: {reason}. Use period=YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY, "
        "or from=YYYY-MM-DD&to=YYYY-MM-DD."
    ),
)
NOT_VISITED_DAYS_INVALID = define_error(
    "not_visited_days_invalid", 400, _("not_visited_days must be a whole number from 1 to 3650.")
)
