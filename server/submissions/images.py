"""Photos: checking that an image is what it claims to be, and making thumbnails.

Pure functions over file objects (no ORM, no storage). ``IMAGE_MAX_PIXELS`` is set on Pillow
deliberately (``configure_pillow``, called when the app loads): a phone photo has at most a few
tens of megapixels, and forms ask Collect for ``max-pixels=1280``; anything past 100 MP is a
decompression bomb or an accident, refused before it is decoded.

Checking a JPEG on the request path reads its structure, not its pixels (``_jpeg_structure``):
the markers from SOI to the first scan, the frame's dimensions, and an EOI after that scan, so
a truncated upload (the common damage: a connection cut mid-photo) is refused while the phone
can still send it again. Decoding the pixels costs 3–5 ms of CPU per phone photo, the largest
single cost of a submission (docs/performance.md), so it happens in the background thumbnail
task instead; a photo whose pixels then fail to decode is kept and flagged
(``Attachment.damaged``), never lost. Other formats are opened by Pillow and a PNG's chunks are
verified, as before.
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
    if file.read(2) == b"\xff\xd8":
        file.seek(0)
        return _jpeg_structure(file)
    file.seek(0)
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
        image.verify()
    return info


# Markers without a length (TEM, RST0-7) and the start-of-frame markers carrying dimensions.
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_FRAMES = {*range(0xC0, 0xD0)} - {0xC4, 0xC8, 0xCC}
_SOS, _EOI = 0xDA, b"\xff\xd9"


def _jpeg_structure(file: IO[bytes]) -> ImageInfo:
    """A JPEG's dimensions from its frame header, after walking its markers to the first scan
    and finding an EOI after that scan (entropy-coded data never holds ``FF D9``, and an
    EXIF thumbnail's EOI comes before the scan). Raises ``BadImage``; pixels are not decoded."""
    data = file.read()
    if data[:2] != b"\xff\xd8":
        raise BadImage("not_an_image")
    position, size = 2, None
    while True:
        if position >= len(data) or data[position] != 0xFF:
            raise BadImage("not_an_image")
        while position < len(data) and data[position] == 0xFF:  # the marker and fill bytes
            position += 1
        if position >= len(data):
            raise BadImage("not_an_image")
        marker = data[position]
        position += 1
        if marker in _STANDALONE:
            continue
        if position + 2 > len(data):
            raise BadImage("not_an_image")
        length = int.from_bytes(data[position : position + 2], "big")
        if length < 2 or position + length > len(data):
            raise BadImage("not_an_image")
        if marker in _FRAMES and length >= 7:
            height = int.from_bytes(data[position + 3 : position + 5], "big")
            width = int.from_bytes(data[position + 5 : position + 7], "big")
            size = (width, height)
        position += length
        if marker == _SOS:
            break
    if size is None or size[0] < 1 or size[1] < 1:
        raise BadImage("not_an_image")
    if size[0] * size[1] > IMAGE_MAX_PIXELS:
        raise BadImage("too_many_pixels")
    if data.find(_EOI, position) < 0:  # cut off during the upload
        raise BadImage("not_an_image")
    return ImageInfo(format="JPEG", width=size[0], height=size[1])


def verify_pixels(file: IO[bytes]) -> None:
    """Decode every pixel (at reduced scale for a JPEG): raises on a damaged image."""
    file.seek(0)
    with Image.open(file) as image:
        if image.format == "JPEG":
            width, height = image.size
            image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
        image.load()


def make_thumbnail(file: IO[bytes]) -> bytes:
    """A JPEG at most ``THUMBNAIL_SIZE`` pixels on its long side, turned upright by its EXIF
    orientation (the original is kept byte for byte; only the thumbnail is rotated)."""
    file.seek(0)
    with Image.open(file) as image:
        if image.format == "JPEG":  # decode at the smallest scale still >= the thumbnail:
            image.draft("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE))  # 6 ms, not 18, for 1280x960
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        buffer = io.BytesIO()
        upright.save(buffer, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return buffer.getvalue()
