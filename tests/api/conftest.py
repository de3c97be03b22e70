"""Fixtures the API tests share with the web tests: forms, phones and sent submissions."""

from tests.openrosa.conftest import bob_phone, carol_phone, visit_form  # noqa: F401 - fixtures
from tests.web.submissions_support import sent  # noqa: F401 - fixture
