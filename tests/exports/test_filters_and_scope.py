"""Every export holds only what its requester may see, then what the filters keep: date
range, area (any node), form version, review state, submitter, answers (main fields in SQL,
repeat and multiple-choice answers per row)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from server.core.errors import GridbookError
from server.exports.services import export_request
from server.submissions.models import Submission
from server.submissions.review import submission_review
from server.xforms.services import form_set_state
from tests.conftest import World
from tests.exports.conftest import Need, Send, upload_export_form
from tests.exports.support import csv_rows, run_export, zip_members


def households(job) -> list[str]:
    return [row["household"] for row in csv_rows(zip_members(job)["hh_visit.csv"])]


@pytest.fixture
def spread(world: World, send: Send) -> dict[str, Submission]:
    """bob's visits in CY1 and carol's in BH1."""
    return {
        "cy_a": send(household="XF-1-101", result="met", needs=(Need("repair", "漏水"),)),
        "cy_b": send(household="XF-1-102", result="nobody", flags="none"),
        "bh": send("carol", grid="BH1", household="BH-1-101", needs=(Need("health", "体检"),)),
    }


def test_managers_see_their_communities_only(
    world: World, spread, django_capture_on_commit_callbacks
) -> None:
    options = {"language": "names"}
    assert households(
        run_export(django_capture_on_commit_callbacks, world.alice, options=options)
    ) == ["XF-1-101", "XF-1-102"]
    assert households(
        run_export(django_capture_on_commit_callbacks, world.erin, options=options)
    ) == ["BH-1-101"]
    assert (
        len(
            households(run_export(django_capture_on_commit_callbacks, world.admin, options=options))
        )
        == 3
    )


def test_collectors_export_only_their_own_and_never_anothers(
    world: World, spread, django_capture_on_commit_callbacks
) -> None:
    options = {"language": "names"}
    assert households(
        run_export(django_capture_on_commit_callbacks, world.carol, options=options)
    ) == ["BH-1-101"]
    job = run_export(django_capture_on_commit_callbacks, world.carol, options=options)
    assert "XF-1" not in zip_members(job)["hh_visit-needs.csv"].decode()


def test_designers_cannot_export(world: World, spread) -> None:
    with pytest.raises(GridbookError) as raised:
        export_request(user=world.dave, kind="submissions", format="csv_zip", form_id="hh_visit")
    assert raised.value.code == "export_not_allowed"


def test_an_area_outside_the_scope_is_refused(world: World, spread) -> None:
    with pytest.raises(GridbookError) as raised:
        export_request(
            user=world.alice,
            kind="submissions",
            format="csv_zip",
            form_id="hh_visit",
            filters={"area": "BH1"},
        )
    assert raised.value.code == "export_area_not_found"


def test_area_filter_on_any_node(world: World, spread, django_capture_on_commit_callbacks) -> None:
    options = {"language": "names"}
    assert (
        len(
            households(
                run_export(
                    django_capture_on_commit_callbacks,
                    world.admin,
                    options=options,
                    filters={"area": "TY"},
                )
            )
        )
        == 3
    )
    assert households(
        run_export(
            django_capture_on_commit_callbacks, world.admin, options=options, filters={"area": "BH"}
        )
    ) == ["BH-1-101"]
    assert (
        households(
            run_export(
                django_capture_on_commit_callbacks,
                world.alice,
                options=options,
                filters={"area": "CY2"},
            )
        )
        == []
    )


def test_date_range_in_local_days(world: World, spread, django_capture_on_commit_callbacks) -> None:
    old = spread["cy_b"]
    Submission.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=40))
    today = timezone.localdate()
    options = {"language": "names"}
    recent = run_export(
        django_capture_on_commit_callbacks,
        world.alice,
        options=options,
        filters={"date_from": (today - timedelta(days=7)).isoformat()},
    )
    assert households(recent) == ["XF-1-101"]
    older = run_export(
        django_capture_on_commit_callbacks,
        world.alice,
        options=options,
        filters={"date_to": (today - timedelta(days=30)).isoformat()},
    )
    assert households(older) == ["XF-1-102"]
    with pytest.raises(GridbookError):
        export_request(
            user=world.alice,
            kind="submissions",
            format="csv_zip",
            form_id="hh_visit",
            filters={"date_from": "2026-12-01", "date_to": "2026-11-01"},
        )


def test_review_state_and_submitter(
    world: World, spread, django_capture_on_commit_callbacks
) -> None:
    submission_review(submission=spread["cy_b"], by=world.alice, state="approved")
    options = {"language": "names"}
    approved = run_export(
        django_capture_on_commit_callbacks,
        world.admin,
        options=options,
        filters={"review_states": ["approved"]},
    )
    assert households(approved) == ["XF-1-102"]
    assert csv_rows(zip_members(approved)["hh_visit.csv"])[0]["ReviewState"] == "approved"
    by_carol = run_export(
        django_capture_on_commit_callbacks,
        world.admin,
        options=options,
        filters={"submitter": "carol"},
    )
    assert households(by_carol) == ["BH-1-101"]


def test_answer_filters_on_main_repeat_and_multiple_choice(
    world: World, spread, django_capture_on_commit_callbacks
) -> None:
    options = {"language": "names"}
    met = run_export(
        django_capture_on_commit_callbacks,
        world.admin,
        options=options,
        filters={"answers": {"visit_result": "nobody"}},
    )
    assert households(met) == ["XF-1-102"]
    health = run_export(
        django_capture_on_commit_callbacks,
        world.admin,
        options=options,
        filters={"answers": {"need_category": "health"}},
    )
    assert households(health) == ["BH-1-101"]
    dibao = run_export(
        django_capture_on_commit_callbacks,
        world.admin,
        options=options,
        filters={"answers": {"special_flags": "dibao"}},
    )
    assert households(dibao) == ["XF-1-101", "BH-1-101"]
    with pytest.raises(GridbookError) as raised:
        export_request(
            user=world.admin,
            kind="submissions",
            format="csv_zip",
            form_id="hh_visit",
            filters={"answers": {"no_such_field": "x"}},
        )
    assert raised.value.code == "export_bad_option"


def test_versions_are_merged_or_chosen(
    world: World, send: Send, export_form, django_capture_on_commit_callbacks
) -> None:
    send(household="XF-1-101")
    newer = upload_export_form(world, version="2026112401")
    form_set_state(form=newer.form, state="open")
    send(household="XF-1-102", version=newer)
    options = {"language": "names"}
    both = run_export(django_capture_on_commit_callbacks, world.alice, options=options)
    rows = csv_rows(zip_members(both)["hh_visit.csv"])
    assert [(row["household"], row["FormVersion"]) for row in rows] == [
        ("XF-1-101", "2026112301"),
        ("XF-1-102", "2026112401"),
    ]
    one = run_export(
        django_capture_on_commit_callbacks,
        world.alice,
        options=options,
        filters={"version": "2026112401"},
    )
    assert households(one) == ["XF-1-102"]


def test_an_edit_exports_only_the_current_version(
    world: World, send: Send, django_capture_on_commit_callbacks
) -> None:
    first = send(household="XF-1-101", opinions="旧")
    Submission.objects.filter(pk=first.pk).update(is_current=False)
    send(household="XF-1-101", opinions="新")
    rows = csv_rows(
        zip_members(
            run_export(
                django_capture_on_commit_callbacks, world.alice, options={"language": "names"}
            )
        )["hh_visit.csv"]
    )
    assert [row["opinions"] for row in rows] == ["新"]
