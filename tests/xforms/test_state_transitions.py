"""A form's life: draft → open → closing → closed, and closing or closed forms reopen.
The web offers these moves only; ``form_transition`` refuses the others."""

from __future__ import annotations

import pytest

from server.core.errors import GridbookError
from server.xforms.models import FormState
from server.xforms.services import allowed_states, form_transition
from tests.conftest import World
from tests.xforms.conftest import simple_form, upload_markdown

pytestmark = pytest.mark.django_db

DRAFT, OPEN, CLOSING, CLOSED = FormState.DRAFT, FormState.OPEN, FormState.CLOSING, FormState.CLOSED


def test_the_allowed_moves() -> None:
    assert allowed_states(DRAFT) == (OPEN,)
    assert allowed_states(OPEN) == (CLOSING, CLOSED)
    assert allowed_states(CLOSING) == (OPEN, CLOSED)
    assert allowed_states(CLOSED) == (OPEN,)


def test_a_form_goes_through_its_life_and_is_reopened(world: World) -> None:
    form = upload_markdown(simple_form()).version.form
    for state in (OPEN, CLOSING, CLOSED, OPEN, CLOSED):
        assert form_transition(form=form, state=state).state == state
    form.refresh_from_db()
    assert form.state == CLOSED


def test_a_move_the_life_does_not_allow_is_refused_and_changes_nothing(world: World) -> None:
    form = upload_markdown(simple_form()).version.form
    with pytest.raises(GridbookError) as refused:
        form_transition(form=form, state=CLOSED)
    assert refused.value.code == "form_state_transition_not_allowed"
    assert "开放" in refused.value.message
    form.refresh_from_db()
    assert form.state == DRAFT
    form_transition(form=form, state=OPEN)
    with pytest.raises(GridbookError):
        form_transition(form=form, state=DRAFT)  # phones have it: no way back to a draft


def test_the_same_state_again_is_a_no_op_and_a_made_up_state_is_refused(world: World) -> None:
    form = upload_markdown(simple_form()).version.form
    assert form_transition(form=form, state=DRAFT).state == DRAFT
    with pytest.raises(GridbookError) as refused:
        form_transition(form=form, state="archived")
    assert refused.value.code == "form_state_unknown"
