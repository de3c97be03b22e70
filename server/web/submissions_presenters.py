"""What the submissions pages show: answers laid out for templates, photos with their
addresses, review badges, the changes an edit made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import get_language

from server.accounts.privacy import PersonalData
from server.submissions.answers import (
    Answer,
    Answers,
    Change,
    Repeat,
    Section,
    changes,
    labelled_answers,
)
from server.submissions.browse import SubmissionView
from server.submissions.models import Attachment, ReviewState, Submission

STATE_TONES: dict[str, str] = {
    ReviewState.RECEIVED: "plain",
    ReviewState.HAS_ISSUES: "warn",
    ReviewState.APPROVED: "ok",
    ReviewState.REJECTED: "bad",
}


def form_language() -> str:
    """The form language that matches the page's: ``zh`` for Chinese, else ``en``."""
    return "zh" if (get_language() or "zh").lower().startswith("zh") else "en"


def state_tone(state: str) -> str:
    return STATE_TONES.get(state, "plain")


@dataclass(frozen=True)
class FileView:
    """An attachment as a page shows it: present or missing, with its addresses."""

    name: str
    present: bool
    is_image: bool
    size: int | None
    url: str
    download_url: str
    thumbnail_url: str

    @classmethod
    def of(cls, submission: Submission, name: str, attachment: Attachment | None) -> FileView:
        present = bool(attachment and attachment.present)
        url = reverse("web:submission_file", args=[submission.pk, name]) if present else ""
        return cls(
            name=name,
            present=present,
            is_image=bool(attachment and attachment.is_image),
            size=attachment.size if attachment else None,
            url=url,
            download_url=f"{url}?download=1" if url else "",
            thumbnail_url=f"{url}?size=thumbnail" if url else "",
        )


def answers_of(submission: Submission, personal: PersonalData) -> Answers:
    return labelled_answers(
        submission.form_version.schema or {},
        submission.data or {},
        language=form_language(),
        mask=personal.field,
    )


def answer_tree(
    items: list[Answer | Section | Repeat], submission: Submission, files: dict[str, Attachment]
) -> list[dict[str, Any]]:
    """The answers as nested dicts a recursive template reads."""
    tree: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, Answer):
            file = (
                FileView.of(submission, item.attachment, files.get(item.attachment))
                if item.attachment
                else None
            )
            tree.append({"kind": "answer", "answer": item, "file": file})
        elif isinstance(item, Repeat):
            tree.append(
                {
                    "kind": "repeat",
                    "label": item.label,
                    "instances": [
                        {
                            "number": instance.number,
                            "label": instance.label,
                            "items": answer_tree(instance.items, submission, files),
                        }
                        for instance in item.instances
                    ],
                }
            )
        else:
            tree.append(
                {
                    "kind": "group",
                    "label": item.label,
                    "items": answer_tree(item.items, submission, files),
                }
            )
    return tree


@dataclass(frozen=True)
class VersionView:
    submission: Submission
    number: int
    changes: list[Change]
    is_shown: bool


def version_views(view: SubmissionView, personal: PersonalData) -> list[VersionView]:
    """Every version, oldest first, each with what it changed from the one before."""
    result = []
    previous: Answers | None = None
    for number, version in enumerate(view.versions, start=1):
        answers = answers_of(version, personal)
        result.append(
            VersionView(
                submission=version,
                number=number,
                changes=changes(previous, answers) if previous is not None else [],
                is_shown=version.pk == view.submission.pk,
            )
        )
        previous = answers
    return result


def files_of(view: SubmissionView) -> list[FileView]:
    """Every file the submission names, present or still missing."""
    return [FileView.of(view.submission, a.name, a) for a in view.attachments]
