"""Submissions: the list (filters, newest first, a page at a time), one submission with its
labelled answers, photos, versions and review, and its files streamed from the storage.

Administrators see every submission, managers those of the grids in their areas, collectors
their own; designers have no such pages (404). Outside the scope a submission is 404.
Reviewing (managers and administrators responsible for the grid) goes through
``submissions.review``; its refusal comes back as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from server.accounts.models import Role, User
from server.accounts.privacy import personal_data_for
from server.accounts.selectors import scope_for
from server.core.errors import GridbookError
from server.grids.choices import AreaLevel
from server.grids.models import Area
from server.submissions.browse import (
    SubmissionFilters,
    SubmissionView,
    attachment_for,
    attachment_open,
    forms_with_submissions_for,
    submission_detail,
    submission_page,
    submitters_for,
)
from server.submissions.review import may_review, submission_comment_add, submission_review
from server.web.access import current_user, role_required
from server.web.submissions_inputs import ReviewForm, SubmissionFilterForm
from server.web.submissions_presenters import (
    answer_tree,
    answers_of,
    files_of,
    state_tone,
    version_views,
)

READERS = (Role.ADMINISTRATOR, Role.MANAGER, Role.COLLECTOR)
HIDDEN = (Role.DESIGNER,)
FILTER_NAMES = ("form", "version", "date_from", "date_to", "area", "submitter", "state", "q")


def _filter_areas(user: User) -> list[Area]:
    """Communities and grids a person may filter by (collectors: none, they see their own)."""
    if user.is_collector:
        return []
    return list(
        scope_for(user)
        .areas()
        .filter(level__in=(AreaLevel.COMMUNITY, AreaLevel.GRID), is_active=True)
        .order_by("path")
    )


@role_required(*READERS, hidden_from=HIDDEN)
def submissions(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = SubmissionFilterForm(
        request.GET or None,
        forms_choices=forms_with_submissions_for(user),
        areas=_filter_areas(user),
        submitters=submitters_for(user),
    )
    filters = form.filters() if request.GET else SubmissionFilters()
    page = submission_page(
        user=user,
        filters=filters,
        after=request.GET.get("after", "")[:200],
        before=request.GET.get("before", "")[:200],
    )
    query = urlencode(
        [(name, request.GET[name]) for name in (*FILTER_NAMES, "edits") if request.GET.get(name)]
    )
    rows = [{"submission": row, "tone": state_tone(row.review_state)} for row in page.rows]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query,
        "filtered": bool(query),
        "is_collector": user.is_collector,
    }
    return render(request, "web/submissions.html", context)


def _detail_or_404(request: HttpRequest, pk: int) -> SubmissionView:
    view = submission_detail(user=current_user(request), pk=pk)
    if view is None:
        raise Http404
    return view


@role_required(*READERS, hidden_from=HIDDEN)
def submission(request: HttpRequest, pk: int) -> HttpResponse:
    return _submission_page(request, pk)


def _submission_page(
    request: HttpRequest, pk: int, review_form: ReviewForm | None = None, status: int = 200
) -> HttpResponse:
    user = current_user(request)
    view = _detail_or_404(request, pk)
    shown = view.submission
    personal = personal_data_for(user)
    answers = answers_of(shown, personal)
    files = view.attachments_by_name()
    reviewer = may_review(user, shown)
    context = {
        "view": view,
        "submission": shown,
        "tone": state_tone(shown.review_state),
        "items": answer_tree(answers.items, shown, files),
        "metadata": answer_tree(list(answers.metadata), shown, files),
        "files": files_of(view),
        "missing": [a.name for a in view.attachments if not a.present],
        "versions": version_views(view, personal) if len(view.versions) > 1 else [],
        "current": view.current,
        "comments": [{"comment": c, "tone": state_tone(c.review_state)} for c in view.comments],
        "may_review": reviewer,
        "review_form": review_form
        or ReviewForm(initial={"state": shown.review_state}, auto_id="review_%s"),
        "masked": not personal.in_full,
    }
    return render(request, "web/submission.html", context, status=status)


@require_POST
@role_required(*READERS, hidden_from=HIDDEN)
def submission_review_post(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    view = _detail_or_404(request, pk)
    shown = view.submission
    if not may_review(user, shown):  # before the form: a refused person learns nothing of it
        raise PermissionDenied
    form = ReviewForm(request.POST, auto_id="review_%s")
    if not form.is_valid():
        return _submission_page(request, pk, review_form=form, status=400)
    state, comment = form.cleaned_data["state"], form.cleaned_data["comment"]
    try:
        if state == shown.review_state and comment.strip():
            submission_comment_add(submission=shown, by=user, body=comment)
            messages.success(request, _("Your comment was added."))
        elif state == shown.review_state:
            messages.info(request, _("Nothing changed: choose another state or write a comment."))
        else:
            submission_review(submission=shown, by=user, state=state, comment=comment)
            messages.success(request, _("The review state was saved."))
    except GridbookError as error:
        messages.error(request, error.message)
    return redirect("web:submission", pk=shown.pk)


@role_required(*READERS, hidden_from=HIDDEN)
def submission_file(request: HttpRequest, pk: int, name: str) -> FileResponse:
    """A submission's file, streamed from the media storage: the original byte for byte
    (``?download=1`` saves it), or the thumbnail (``?size=thumbnail``)."""
    attachment = attachment_for(user=current_user(request), pk=pk, name=name)
    if attachment is None:
        raise Http404
    opened = attachment_open(attachment, thumbnail=request.GET.get("size") == "thumbnail")
    # Only checked images are shown inline; any other file is a download, never rendered.
    inline = attachment.is_image and request.GET.get("download") != "1"
    response = FileResponse(
        opened.file,
        content_type=opened.content_type,
        as_attachment=not inline,
        filename=opened.name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
