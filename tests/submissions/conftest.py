"""The submissions tests use the OpenRosa tests' forms and phones (a submission arrives the
way it does in production: through the front door)."""

from tests.openrosa.conftest import (  # noqa: F401 - fixtures
    _fresh_process_memory,
    bob_phone,
    carol_phone,
    visit_form,
)
