"""Work done for a submission after it is stored, off the request path: thumbnails of its
photos. Each step is idempotent (running it twice changes nothing the second time)."""

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
        submission=submission, present=True, is_image=True, thumbnail=""
    )
    return sum(1 for attachment in pending if _thumbnail(attachment))


def _thumbnail(attachment: Attachment) -> bool:
    storage = media_storage()
    key = thumbnail_key(attachment)
    try:
        if not storage.exists(key):
            with storage.open(str(attachment.file.name), "rb") as original:
                content = images.make_thumbnail(io.BytesIO(original.read()))
            key = storage.save(key, ContentFile(content, name=key))
    except Exception:
        logger.warning("no thumbnail for attachment %s", attachment.pk, exc_info=True)
        return False
    return bool(Attachment.objects.filter(pk=attachment.pk, thumbnail="").update(thumbnail=key))
