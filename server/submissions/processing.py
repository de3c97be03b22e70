"""Work done for a submission after it is stored, off the request path: thumbnails of its
photos, which is also where a photo's pixels are first decoded (the request checks only its
structure, ``images``): one that does not decode is flagged ``damaged`` and kept. Each step
is idempotent (running it twice changes nothing the second time)."""

from __future__ import annotations

import io
import logging

from django.core.files.base import ContentFile

from server.core.storage import media_storage
from server.submissions import images
from server.submissions.models import Attachment, Submission

logger = logging.getLogger(__name__)


def thumbnail_key(attachment: Attachment) -> str:
    """Beside the original, named by its content: ``<folder>/<md5 prefix>-thumb.jpg``."""
    folder = str(attachment.file.name).rpartition("/")[0]
    return f"{folder}/{attachment.md5[:12]}-thumb{images.THUMBNAIL_SIZE}.jpg"


def attachment_thumbnails_make(*, submission: Submission) -> int:
    """Make the missing thumbnails of a submission's photos; returns how many were made."""
    pending = Attachment.objects.filter(
        submission=submission, present=True, is_image=True, damaged=False, thumbnail=""
    )
    return sum(1 for attachment in pending if _thumbnail(attachment))


def _thumbnail(attachment: Attachment) -> bool:
    storage = media_storage()
    key = thumbnail_key(attachment)
    try:
        if not storage.exists(key):
            with storage.open(str(attachment.file.name), "rb") as original:
                data = original.read()
            content = _decoded_thumbnail(attachment, data)
            if content is None:
                return False
            key = storage.save(key, ContentFile(content, name=key))
    except Exception:  # the storage: the task runs again later
        logger.warning("no thumbnail for attachment %s", attachment.pk, exc_info=True)
        return False
    return bool(Attachment.objects.filter(pk=attachment.pk, thumbnail="").update(thumbnail=key))


def _decoded_thumbnail(attachment: Attachment, data: bytes) -> bytes | None:
    """The thumbnail, or None after flagging a photo whose pixels do not decode."""
    try:
        return images.make_thumbnail(io.BytesIO(data))
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        logger.warning("attachment %s does not decode: kept, flagged damaged", attachment.pk)
        Attachment.objects.filter(pk=attachment.pk).update(damaged=True)
        return None
