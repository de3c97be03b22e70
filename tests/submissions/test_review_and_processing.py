"""After a submission is stored: background processing (thumbnails, then the records
projection, tested in tests/records) is idempotent; managers of the grid review it and comment on it."""

from __future__ import annotations

import pytest

from server.core.errors import GridbookError
from server.core.storage import media_storage
from server.submissions.models import Attachment, ReviewState, Submission
from server.submissions.review import submission_comment_add, submission_review
from server.submissions.selectors import submissions_visible_to
from server.submissions.tasks import submission_process
from server.xforms.models import FormVersion
from tests.conftest import World
from tests.openrosa.collect import CollectClient, Part
from tests.openrosa.conftest import photo, visit_xml
from tests.openrosa.test_submission import stored_keys


@pytest.fixture
def submission(bob_phone: CollectClient, visit_form: FormVersion) -> Submission:
    response = bob_phone.submit(visit_xml(visit_form), [Part("1763859601123.jpg", photo())])
    assert response.status_code == 201
    return Submission.objects.get()


def test_processing_twice_makes_one_thumbnail(submission: Submission) -> None:
    submission_process.enqueue(submission.pk)
    first = Attachment.objects.get().thumbnail.name
    submission_process.enqueue(submission.pk)
    assert Attachment.objects.get().thumbnail.name == first
    assert len(stored_keys()) == 2  # the photo and one thumbnail
    assert media_storage().exists(first)


def test_the_grids_manager_reviews_and_comments(submission: Submission, world: World) -> None:
    submission_review(
        submission=submission,
        by=world.alice,
        state=ReviewState.HAS_ISSUES,
        comment="门牌照片看不清",
    )
    submission_comment_add(submission=submission, by=world.alice, body="已电话联系网格员")
    submission_review(submission=submission, by=world.admin, state=ReviewState.APPROVED)
    submission.refresh_from_db()
    assert submission.review_state == ReviewState.APPROVED
    assert [(c.author.username, c.review_state, c.body) for c in submission.comments.all()] == [
        ("alice", "has_issues", "门牌照片看不清"),
        ("alice", "", "已电话联系网格员"),
        ("admin", "approved", ""),
    ]


@pytest.mark.parametrize("who", ["erin", "bob", "dave"])
def test_others_cannot_review(submission: Submission, world: World, who: str) -> None:
    with pytest.raises(GridbookError) as raised:
        submission_review(submission=submission, by=getattr(world, who), state=ReviewState.REJECTED)
    assert raised.value.status == 403
    assert Submission.objects.get().review_state == ReviewState.RECEIVED


def test_who_sees_which_submissions(submission: Submission, world: World) -> None:
    assert list(submissions_visible_to(world.alice)) == [submission]
    assert list(submissions_visible_to(world.admin)) == [submission]
    assert list(submissions_visible_to(world.bob)) == [submission]
    assert list(submissions_visible_to(world.erin)) == []
    assert list(submissions_visible_to(world.carol)) == []
    assert list(submissions_visible_to(world.dave)) == []


def test_a_photo_that_does_not_decode_is_kept_and_flagged(
    bob_phone: CollectClient, visit_form: FormVersion
) -> None:
    """The request checks a JPEG's structure only; the background task decodes it, and a
    damaged one keeps its file and row (nothing lost), flagged, without a thumbnail."""
    from tests.submissions.test_images import damaged_jpeg

    bob_phone.head("submission")
    response = bob_phone.request_submission(
        visit_xml(visit_form), [Part("1763859601123.jpg", damaged_jpeg())]
    )
    assert response.status_code == 201
    submission = Submission.objects.get()
    submission_process.call(submission.pk)  # what the worker does after the commit
    attachment = Attachment.objects.get()
    assert attachment.present and attachment.damaged and not attachment.thumbnail
    assert Submission.objects.get().processed_at is not None
    assert media_storage().exists(attachment.file.name)
    submission_process.call(attachment.submission_id)  # again: still flagged, no thumbnail
    attachment.refresh_from_db()
    assert attachment.damaged and not attachment.thumbnail
