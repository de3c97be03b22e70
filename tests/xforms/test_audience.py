"""Who is offered which form, and which versions still accept submissions.

A form published to an area is offered to the collectors of every grid below it; drafts
only to their testers; closing and closed forms to nobody. Submissions go to any version of
a form that is not closed."""

from __future__ import annotations

import pytest

from server.xforms.models import Form, FormState
from server.xforms.selectors import form_visible_to, forms_for_collector, version_for_submission
from server.xforms.services import form_publish, form_set_state, form_set_testers
from tests.conftest import World
from tests.xforms.conftest import simple_form, upload_markdown

pytestmark = pytest.mark.django_db


def make_form(form_id: str, *, state: str = FormState.OPEN, version: str = "1") -> Form:
    form = upload_markdown(simple_form(form_id=form_id, version=version)).version.form
    return form_set_state(form=form, state=state)


def offered(user) -> list[str]:
    return [form.form_id for form in forms_for_collector(user)]


def test_a_form_published_to_an_area_reaches_the_grids_below_it(world: World) -> None:
    everyone = make_form("everyone")
    form_publish(form=everyone, area=world.district)
    changyuan = make_form("changyuan")
    form_publish(form=changyuan, area=world.community_a)
    binhe_grid = make_form("binhe_grid")
    form_publish(form=binhe_grid, area=world.grid_b1)
    other_grid = make_form("other_grid")
    form_publish(form=other_grid, area=world.grid_a2)
    assert offered(world.bob) == ["changyuan", "everyone"]
    assert offered(world.carol) == ["binhe_grid", "everyone"]


def test_drafts_reach_only_their_testers(world: World) -> None:
    draft = make_form("draft_form", state=FormState.DRAFT)
    form_publish(form=draft, area=world.district)
    assert offered(world.bob) == []
    form_set_testers(form=draft, users=[world.bob])
    assert offered(world.bob) == ["draft_form"]
    assert offered(world.carol) == []


@pytest.mark.parametrize("state", [FormState.CLOSING, FormState.CLOSED])
def test_closing_and_closed_forms_are_not_offered(world: World, state: str) -> None:
    form = make_form("winding_down", state=state)
    form_publish(form=form, area=world.district)
    form_set_testers(form=form, users=[world.bob])
    assert offered(world.bob) == []


def test_the_current_version_comes_with_the_form(world: World, django_assert_num_queries) -> None:
    for name in ("a_form", "b_form", "c_form"):
        form_publish(form=make_form(name), area=world.district)
    upload_markdown(simple_form(form_id="a_form", version="2", label="Second"))
    with django_assert_num_queries(2):  # the collector's grids, then the forms
        versions = {
            form.form_id: form.current_version.version for form in forms_for_collector(world.bob)
        }
    assert versions == {"a_form": "2", "b_form": "1", "c_form": "1"}


def test_who_may_download_a_forms_files(world: World) -> None:
    form = make_form("visible")
    form_publish(form=form, area=world.community_a)
    assert form_visible_to(user=world.bob, form=form)
    assert not form_visible_to(user=world.carol, form=form)
    for staff in (world.admin, world.dave, world.alice):
        assert form_visible_to(user=staff, form=form)
    form_set_state(form=form, state=FormState.CLOSING)
    assert form_visible_to(user=world.bob, form=form)
    form_set_state(form=form, state=FormState.CLOSED)
    assert not form_visible_to(user=world.bob, form=form)


def test_submissions_go_to_any_version_of_a_form_not_closed(world: World) -> None:
    first = make_form("survey", version="1").current_version
    second = upload_markdown(simple_form(form_id="survey", version="2", label="v2")).version
    assert version_for_submission(form_id="survey", version=None) == second
    assert version_for_submission(form_id="survey", version="1") == first
    assert version_for_submission(form_id="survey", version="3") is None
    assert version_for_submission(form_id="nothing", version=None) is None
    for state in (FormState.DRAFT, FormState.CLOSING):
        form_set_state(form=first.form, state=state)
        assert version_for_submission(form_id="survey", version="1") == first
    form_set_state(form=first.form, state=FormState.CLOSED)
    assert version_for_submission(form_id="survey", version="1") is None
    assert version_for_submission(form_id="survey", version=None) is None
