"""Photos: checking that an image is what it claims to be, and making thumbnails.

Pure functions over file objects (no ORM, no storage). ``IMAGE_MAX_PIXELS`` is set on Pillow
deliberately (``configure_pillow``, called when the app loads): a phone photo has at most a few
tens of megapixels, and forms ask Collect for ``max-pixels=1280``; anything past 100 MP is a
decompression bomb or an accident, refused before it is decoded.

Checking decodes a JPEG at 1/8 scale (``draft``), which reads every byte of it and so catches a
truncated file, at about a millisecond for a phone photo; a PNG's chunks are verified.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_MAX_PIXELS = 100_000_000
THUMBNAIL_SIZE = 400
THUMBNAIL_QUALITY = 80

# Formats Gridbook can check, by the extension a file claims.
CHECKED_EXTENSIONS = {
    "jpg": "JPEG",
    "jpeg": "JPEG",
    "png": "PNG",
    "gif": "GIF",
    "webp": "WEBP",
    "bmp": "BMP",
}
CHECKED_CONTENT_TYPES = {
    "image/jpeg": "JPEG",
    "image/jpg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/bmp": "BMP",
}


def configure_pillow() -> None:
    Image.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS


class BadImage(ValueError):
    """``reason``: ``not_an_image``, ``wrong_type`` or ``too_many_pixels``."""

    def __init__(self, reason: str, *, actual: str = "", claimed: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.actual = actual
        self.claimed = claimed


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int


def claimed_format(name: str, content_type: str) -> str | None:
    """The image format a file claims by its name or its part's content type, if it is one
    Gridbook can check (JPEG, PNG, GIF, WebP, BMP); None for anything else (HEIC, audio...)."""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension in CHECKED_EXTENSIONS:
        return CHECKED_EXTENSIONS[extension]
    return CHECKED_CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())


def inspect_image(file: IO[bytes], claimed: str) -> ImageInfo:
    """Check that ``file`` is a real, complete image of format ``claimed`` within the pixel
    limit. Raises ``BadImage``; leaves the file positioned at its start."""
    file.seek(0)
    try:
        info = _inspect(file)
    except BadImage:
        raise
    except UnidentifiedImageError:
        raise BadImage("not_an_image", claimed=claimed) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        raise BadImage("not_an_image", claimed=claimed) from None
    finally:
        file.seek(0)
    if info.format != claimed:
        raise BadImage("wrong_type", actual=info.format, claimed=claimed)
    return info


def _inspect(file: IO[bytes]) -> ImageInfo:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise BadImage("too_many_pixels") from None
    with image:
        width, height = image.size
        if width * height > IMAGE_MAX_PIXELS or width < 1 or height < 1:
            raise BadImage("too_many_pixels")
        info = ImageInfo(format=image.format or "", width=width, height=height)
        if image.format == "JPEG":
            image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()
        else:
            image.verify()
    return info


def make_thumbnail(file: IO[bytes]) -> bytes:
    """A JPEG at most ``THUMBNAIL_SIZE`` pixels on its long side, turned upright by its EXIF
    orientation (the original is kept byte for byte; only the thumbnail is rotated)."""
    file.seek(0)
    with Image.open(file) as image:
        if image.format == "JPEG":
            image.draft("RGB", (THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2))
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        buffer = io.BytesIO()
        upright.save(buffer, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return buffer.getvalue()
