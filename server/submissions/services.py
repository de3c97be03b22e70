"""Receiving a submission exactly once (ODK Central's semantics, shared/OPENROSA.md).

``submission_receive`` checks everything first (the XML, the form and version, the
collector's right to send it, every photo), writes the attachments to the media storage under
deterministic keys with no database lock held, and only then commits the rows in one short
transaction. The database enforces identity (unique form + instanceID): a concurrent twin
loses the insert, removes its own files and continues as a resubmission.

- Same instanceID, identical XML: the attachments still missing are added (split uploads,
  retries). Nothing is duplicated. A POST is inserted without looking for its instanceID
  first: the unique constraint finds the resubmission (the files this POST wrote under
  other names are then removed, as for a lost race).
- Same instanceID, different XML: 409, nothing changes.
- ``deprecatedID``: an edit; both versions are kept, the new one current.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from server.accounts.models import User
from server.core.errors import GridbookError
from server.core.storage import md5_hex
from server.submissions import errors, parsing, selectors
from server.submissions.acceptance import accepting_version
from server.submissions.attachments import (
    CheckedFile,
    IncomingFile,
    check_files,
    discard,
    store_files,
)
from server.submissions.models import Attachment, Submission
from server.submissions.shape import Shape, shape_of
from server.xforms.models import Form, FormVersion


@dataclass(frozen=True)
class Sender:
    """Who sent a submission, from which phone."""

    user: User
    device_id: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class Received:
    submission: Submission
    created: bool  # a new submission (or a new version of one)
    stored: tuple[str, ...]  # attachments stored by this POST
    missing: tuple[str, ...]  # attachments the XML names that have not arrived yet


@dataclass(frozen=True)
class _Incoming:
    xml: bytes
    envelope: parsing.Envelope
    form: Form
    version: FormVersion
    shape: Shape
    references: list[parsing.FileReference]
    files: Mapping[str, IncomingFile]
    sender: Sender


def submission_receive(
    *, xml: bytes, files: Mapping[str, IncomingFile], sender: Sender
) -> Received:
    """Store a submission POST (see the module's docstring). ``files`` maps the names the XML
    uses to the parts carrying them. Raises ``GridbookError`` with the status to answer."""
    envelope = _envelope(xml)
    form, version = accepting_version(envelope, sender.user)
    shape = shape_of(version)
    incoming = _Incoming(
        xml=xml,
        envelope=envelope,
        form=form,
        version=version,
        shape=shape,
        references=parsing.file_references(envelope, shape.file_fields),
        files=files,
        sender=sender,
    )
    if envelope.deprecated_id:  # an edit: its original is looked up anyway
        existing = selectors.submission_by_instance(form=form, instance_id=envelope.instance_id)
        if existing is not None:
            return _add_missing_attachments(existing, incoming)
    # Almost every POST is a new submission: it is inserted without looking first (one
    # round trip less, docs/performance.md); the unique (form, instanceID) turns a
    # resubmission into an IntegrityError, answered as one (``_after_lost_race``).
    return _create(incoming)


_PARSE_ERRORS = {
    "no_form_id": errors.NO_FORM_ID,
    "no_instance_id": errors.NO_INSTANCE_ID,
}


def _envelope(xml: bytes) -> parsing.Envelope:
    try:
        return parsing.parse_envelope(xml)
    except parsing.ParseError as error:
        if error.reason == "too_large":
            raise GridbookError(
                errors.XML_TOO_LARGE, limit=parsing.XML_MAX_BYTES // 1_000_000
            ) from None
        raise GridbookError(_PARSE_ERRORS.get(error.reason, errors.NOT_XML)) from None


# ------------------------------------------------------------------ a new submission


def _create(incoming: _Incoming) -> Received:
    previous = _edited_submission(incoming)
    checked = check_files(incoming.references, incoming.files, incoming.files.keys())
    fields = _submission_fields(incoming, previous)  # reads (the grid) before the transaction
    keys = store_files(incoming.form.form_id, incoming.envelope.instance_id, checked)
    try:
        with transaction.atomic():
            submission = _insert(incoming, fields, checked, keys)
    except IntegrityError:
        _discard_unreferenced(keys.values())
        return _after_lost_race(incoming)
    _enqueue_processing(submission)
    stored = tuple(item.name for item in checked)
    missing = tuple(ref.name for ref in incoming.references if ref.name not in keys)
    return Received(submission=submission, created=True, stored=stored, missing=missing)


def _after_lost_race(incoming: _Incoming) -> Received:
    """Another request stored this instanceID (or edited the same version) first."""
    envelope = incoming.envelope
    existing = selectors.submission_by_instance(
        form=incoming.form, instance_id=envelope.instance_id
    )
    if existing is not None:
        return _add_missing_attachments(existing, incoming)
    raise GridbookError(errors.EDIT_OF_OLD_VERSION, deprecated_id=envelope.deprecated_id)


def _edited_submission(incoming: _Incoming) -> Submission | None:
    deprecated_id = incoming.envelope.deprecated_id
    if not deprecated_id:
        return None
    previous = selectors.submission_by_instance(form=incoming.form, instance_id=deprecated_id)
    if previous is None:
        raise GridbookError(errors.EDIT_ORIGINAL_MISSING, deprecated_id=deprecated_id)
    if not previous.is_current:
        raise GridbookError(errors.EDIT_OF_OLD_VERSION, deprecated_id=deprecated_id)
    return previous


def _insert(
    incoming: _Incoming,
    fields: dict[str, object],
    checked: Sequence[CheckedFile],
    keys: Mapping[str, str],
) -> Submission:
    previous = fields["supersedes"]
    if isinstance(previous, Submission):
        updated = Submission.objects.filter(pk=previous.pk, is_current=True).update(
            is_current=False
        )
        if not updated:
            raise IntegrityError("the edited version is no longer current")
    submission = Submission.objects.create(
        **fields,
        attachments_expected=len(incoming.references),
        attachments_present=len(keys),
    )
    now = submission.received_at
    by_name = {item.name: item for item in checked}
    Attachment.objects.bulk_create(
        [
            _attachment(submission, ref, by_name.get(ref.name), keys.get(ref.name), now)
            for ref in incoming.references
        ]
    )
    return submission


def _submission_fields(incoming: _Incoming, previous: Submission | None) -> dict[str, object]:
    envelope, sender = incoming.envelope, incoming.sender
    data = parsing.instance_data(envelope, incoming.shape.repeats)
    return {
        "form": incoming.form,
        "form_version": incoming.version,
        "instance_id": envelope.instance_id,
        "root_instance_id": previous.root_instance_id if previous else envelope.instance_id,
        "deprecated_id": envelope.deprecated_id,
        "supersedes": previous,
        "instance_name": envelope.instance_name,
        "xml": incoming.xml,
        "xml_md5": md5_hex(incoming.xml),
        "data": data,
        "encrypted": envelope.encrypted,
        "submitted_by": sender.user,
        "device_id": sender.device_id[:100],
        "user_agent": sender.user_agent[:300],
        "received_at": timezone.now(),
        "started_at": parsing.parse_time(data.get("start")),
        "ended_at": parsing.parse_time(data.get("end")),
        "grid": selectors.grid_for_submission(form_kind=incoming.form.kind, data=data),
    }


def _attachment(
    submission: Submission,
    reference: parsing.FileReference,
    checked: CheckedFile | None,
    key: str | None,
    now: object,
) -> Attachment:
    attachment = Attachment(
        submission=submission, name=reference.name[:255], field_path=reference.field_path[:255]
    )
    if checked is not None and key is not None:
        _fill(attachment, checked, key, now)
    return attachment


def _fill(attachment: Attachment, checked: CheckedFile, key: str, now: object) -> None:
    attachment.present = True
    attachment.file.name = key
    attachment.md5 = checked.incoming.md5
    attachment.size = checked.incoming.size
    attachment.content_type = checked.incoming.content_type[:100]
    attachment.is_image = checked.image is not None
    attachment.width = checked.image.width if checked.image else None
    attachment.height = checked.image.height if checked.image else None
    attachment.received_at = now  # type: ignore[assignment]


# ------------------------------------------------------------------ a resubmission


def _add_missing_attachments(existing: Submission, incoming: _Incoming) -> Received:
    if existing.xml_md5 != md5_hex(incoming.xml) or bytes(existing.xml) != incoming.xml:
        raise GridbookError(errors.CONFLICT, instance_id=existing.instance_id)
    missing = selectors.missing_attachment_names(existing)
    checked = check_files(incoming.references, incoming.files, missing)
    if not checked:
        return Received(existing, created=False, stored=(), missing=tuple(missing))
    keys = store_files(incoming.form.form_id, existing.instance_id, checked)
    with transaction.atomic():
        # Parts of one split upload arrive in parallel: lock the submission first, so each
        # request counts after the one before it committed (two counts made side by side
        # would each miss the other's photo, and the submission would never be complete).
        Submission.objects.select_for_update().filter(pk=existing.pk).values_list("pk").get()
        stored = [item.name for item in checked if _mark_present(existing, item, keys[item.name])]
        _recount(existing)
    _discard_unreferenced(keys[name] for name in keys if name not in stored)
    if stored:
        _enqueue_processing(existing)
    still_missing = tuple(name for name in missing if name not in stored)
    return Received(existing, created=False, stored=tuple(stored), missing=still_missing)


def _mark_present(submission: Submission, checked: CheckedFile, key: str) -> bool:
    """Fill a missing attachment's row; False when a concurrent request filled it first."""
    row = Attachment(name=checked.name)
    _fill(row, checked, key, timezone.now())
    fields = ("present", "md5", "size", "content_type", "is_image", "width", "height")
    values = {name: getattr(row, name) for name in fields}
    return bool(
        Attachment.objects.filter(submission=submission, name=checked.name, present=False).update(
            file=key, received_at=row.received_at, **values
        )
    )


def _recount(submission: Submission) -> None:
    present = Attachment.objects.filter(submission=submission, present=True).count()
    Submission.objects.filter(pk=submission.pk).update(attachments_present=present)
    submission.attachments_present = present


def _discard_unreferenced(keys: Iterable[str]) -> None:
    """Remove the files a request wrote but no row refers to. Identical content has the
    same key: on S3 the twin that won the race may have written (and committed) that very
    key, which must survive. Called after the winner's commit (our insert waited for it)."""
    wanted = set(keys)
    if wanted:
        referenced = Attachment.objects.filter(file__in=wanted).values_list("file", flat=True)
        discard(wanted - set(referenced))


def _enqueue_processing(submission: Submission) -> None:
    from server.submissions.tasks import submission_process

    submission_id = submission.pk
    transaction.on_commit(lambda: submission_process.enqueue(submission_id))
