"""Which form version a collector's submission goes to, and whether they may send it.

Answered by ``server.xforms.selectors.version_for_submission`` (the version still accepts)
and ``selectors.collector_may_submit`` (the form reaches one of the collector's grids, or
they test it). A phone sends a day's visits in one burst, so a positive answer is
remembered in the process for ``REMEMBER_SECONDS``: closing a form or withdrawing a
publication takes effect for submissions within that time. Refusals are never remembered.
"""

from __future__ import annotations

import threading
import time

from server.accounts.models import User
from server.core.errors import GridbookError
from server.submissions import errors, selectors
from server.submissions.parsing import Envelope
from server.xforms.models import Form, FormVersion
from server.xforms.selectors import version_for_submission

REMEMBER_SECONDS = 30
_LIMIT = 5_000
_remembered: dict[tuple[int, str, str | None], tuple[float, Form, FormVersion]] = {}
_lock = threading.Lock()


def accepting_version(envelope: Envelope, user: User) -> tuple[Form, FormVersion]:
    """The form and version to store the submission under, or ``GridbookError``."""
    key = (user.pk, envelope.form_id, envelope.version)
    now = time.monotonic()
    remembered = _remembered.get(key)
    if remembered is not None and remembered[0] > now:
        return remembered[1], remembered[2]
    form, version = _look_up(envelope, user)
    with _lock:
        if len(_remembered) >= _LIMIT:
            _remembered.clear()
        _remembered[key] = (now + REMEMBER_SECONDS, form, version)
    return form, version


def forget_accepting_versions() -> None:
    with _lock:
        _remembered.clear()


def _look_up(envelope: Envelope, user: User) -> tuple[Form, FormVersion]:
    version = version_for_submission(form_id=envelope.form_id, version=envelope.version)
    form = version.form if version is not None else _known_form(envelope.form_id)
    if not selectors.collector_may_submit(user, form):
        raise GridbookError(errors.FORM_NOT_OFFERED, title=form.title, form_id=form.form_id)
    if version is not None:
        return form, version
    if envelope.version and not form.versions.filter(version=envelope.version).exists():
        raise GridbookError(errors.VERSION_UNKNOWN, title=form.title, version=envelope.version)
    raise GridbookError(errors.FORM_CLOSED, title=form.title, version=envelope.version or "-")


def _known_form(form_id: str) -> Form:
    form = Form.objects.filter(form_id=form_id).first()
    if form is None:
        raise GridbookError(errors.FORM_UNKNOWN, form_id=form_id)
    return form
