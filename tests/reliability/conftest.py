"""The reliability suite uses the OpenRosa tests' forms and phones: hostile input arrives the
way everything else does, through the front door."""

from django.core.servers.basehttp import ThreadedWSGIServer

from tests.openrosa.conftest import (  # noqa: F401 - fixtures
    _fresh_process_memory,
    bob_phone,
    carol_phone,
    visit_form,
)
from tests.web.conftest import signed_in  # noqa: F401 - fixture

# Django's test server listens with socketserver's backlog of 5: fifty phones connecting at
# the same instant overflow it and get "connection reset" before Gridbook sees them. gunicorn
# (production) listens with a backlog of 2048; give the test server a realistic one.
ThreadedWSGIServer.request_queue_size = 128
