from django.utils.translation import gettext_lazy as _

from server.core.errors import define_error

IMPORT_UNREADABLE = define_error(
    "import_unreadable",
    400,
    _("The file cannot be read as a CSV or XLSX register: {reason}"),
)
IMPORT_UNKNOWN_LAYOUT = define_error(
    "import_unknown_layout",
    400,
    _(
        "The columns of {sheet} do not match any register layout. See the import guide for the "
        "column names."
    ),
)
IMPORT_REJECTED = define_error(
    "import_rejected",
    400,
    _(
        "{count} rows have errors; nothing was imported. Fix them, or import the good rows only "
        "with --skip-bad."
    ),
)
AREA_WRONG_PARENT = define_error(
    "area_wrong_parent",
    400,
    _("A {level} must be inside a {parent_level}; {parent} is a {actual}."),
)
AREA_PARENT_MISSING = define_error("area_parent_missing", 400, _("A {level} needs a parent area."))
COMPOUND_OUTSIDE_COMMUNITY = define_error(
    "compound_outside_community",
    400,
    _("Building {building} is in grid {grid} of another community than its compound {compound}."),
)
