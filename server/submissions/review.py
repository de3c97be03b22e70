"""Managers reviewing submissions: a review state (received, has issues, approved, rejected)
and comments. Writes, one transaction each; who may review is decided by the scope."""

from __future__ import annotations

from django.db import transaction

from server.accounts.models import Role, User
from server.accounts.selectors import scope_for
from server.core.errors import GridbookError
from server.submissions import errors
from server.submissions.models import ReviewState, Submission, SubmissionComment


def may_review(user: User, submission: Submission) -> bool:
    """Administrators review everything; managers the submissions of grids in their scope."""
    if user.role == Role.ADMINISTRATOR and user.is_active:
        return True
    if user.role != Role.MANAGER or submission.grid is None:
        return False
    return scope_for(user).sees_area(submission.grid)


@transaction.atomic
def submission_review(
    *, submission: Submission, by: User, state: str, comment: str = ""
) -> SubmissionComment:
    """Set the review state (recorded as a comment, with an optional text)."""
    if state not in ReviewState.values:
        raise ValueError(f"unknown review state {state!r}")
    _require_reviewer(by, submission)
    was_rejected = submission.review_state == ReviewState.REJECTED
    Submission.objects.filter(pk=submission.pk).update(review_state=state)
    submission.review_state = state
    if was_rejected != (state == ReviewState.REJECTED):
        from server.records.services import submission_project

        submission_project(submission=submission)  # a rejected submission counts for nothing
    return SubmissionComment.objects.create(
        submission=submission, author=by, body=comment.strip(), review_state=state
    )


@transaction.atomic
def submission_comment_add(*, submission: Submission, by: User, body: str) -> SubmissionComment:
    _require_reviewer(by, submission)
    return SubmissionComment.objects.create(submission=submission, author=by, body=body.strip())


def _require_reviewer(user: User, submission: Submission) -> None:
    if not may_review(user, submission):
        raise GridbookError(errors.REVIEW_NOT_ALLOWED)
