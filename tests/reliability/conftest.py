"""The reliability suite uses the OpenRosa tests' forms and phones: hostile input arrives the
way everything else does, through the front door."""

from tests.openrosa.conftest import (  # noqa: F401 - fixtures
    _fresh_process_memory,
    bob_phone,
    carol_phone,
    visit_form,
)
from tests.web.conftest import signed_in  # noqa: F401 - fixture
