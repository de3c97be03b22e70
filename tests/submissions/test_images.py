"""Photos are checked by Pillow before they count: a real, complete image of the format its
name claims, within the pixel limit; thumbnails are upright (EXIF orientation) and small."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from server.submissions import images
from server.submissions.images import BadImage, claimed_format, inspect_image, make_thumbnail


def jpeg(width: int = 64, height: int = 48, *, orientation: int | None = None) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    for x in range(width // 2):  # the left half dark, to see which way is up
        for y in range(height):
            image.putpixel((x, y), (10, 10, 10))
    buffer = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def png(width: int = 20, height: int = 10) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 255, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG that claims ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def test_pillow_has_the_pixel_limit_set_deliberately() -> None:
    assert Image.MAX_IMAGE_PIXELS == images.IMAGE_MAX_PIXELS == 100_000_000


@pytest.mark.parametrize(
    ("name", "content_type", "claimed"),
    [
        ("1763859601123.jpg", "image/jpeg", "JPEG"),
        ("DOOR.JPEG", "application/octet-stream", "JPEG"),
        ("sign.png", "image/png", "PNG"),
        ("photo", "image/jpeg", "JPEG"),
        ("photo.heic", "image/heic", None),
        ("voice.m4a", "audio/mp4", None),
    ],
)
def test_the_claimed_format_comes_from_the_name_then_the_part_type(
    name: str, content_type: str, claimed: str | None
) -> None:
    assert claimed_format(name, content_type) == claimed


def test_a_real_jpeg_passes_and_reports_its_size() -> None:
    info = inspect_image(io.BytesIO(jpeg(64, 48)), "JPEG")
    assert (info.format, info.width, info.height) == ("JPEG", 64, 48)


def test_bytes_that_are_not_an_image_are_refused() -> None:
    with pytest.raises(BadImage) as raised:
        inspect_image(io.BytesIO(b"<html>not a photo</html>"), "JPEG")
    assert raised.value.reason == "not_an_image"


def test_a_truncated_jpeg_is_refused() -> None:
    data = jpeg(640, 480)
    with pytest.raises(BadImage):
        inspect_image(io.BytesIO(data[: len(data) // 2]), "JPEG")


def test_a_png_named_jpg_is_refused_as_the_wrong_type() -> None:
    with pytest.raises(BadImage) as raised:
        inspect_image(io.BytesIO(png()), "JPEG")
    assert (raised.value.reason, raised.value.actual) == ("wrong_type", "PNG")


@pytest.mark.parametrize("size", [(10_001, 10_001), (30_000, 30_000), (100_000, 100_000)])
def test_decompression_bombs_are_refused_before_decoding(size: tuple[int, int]) -> None:
    with pytest.raises(BadImage) as raised:
        inspect_image(io.BytesIO(png_bomb(*size)), "PNG")
    assert raised.value.reason == "too_many_pixels"


def test_thumbnails_are_small_jpegs_turned_upright() -> None:
    # Orientation 6: the camera was turned; the stored pixels are 64 wide, 48 high, and the
    # photo is meant to be shown rotated 90° clockwise: 48 wide, 64 high.
    thumbnail = make_thumbnail(io.BytesIO(jpeg(640, 480, orientation=6)))
    with Image.open(io.BytesIO(thumbnail)) as image:
        assert image.format == "JPEG"
        assert image.size == (300, 400)
        top_left = image.convert("RGB").getpixel((5, 5))
        assert top_left[0] < 60  # the dark half is now on top


def test_a_transparent_png_gets_a_thumbnail_too() -> None:
    with Image.open(io.BytesIO(make_thumbnail(io.BytesIO(png(800, 400))))) as image:
        assert image.size == (400, 200)


def jpeg_bomb(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims ``width`` × ``height`` pixels."""
    data = bytearray(jpeg())
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def test_a_jpeg_is_checked_by_its_structure_with_its_real_dimensions() -> None:
    info = inspect_image(io.BytesIO(jpeg(640, 10)), "JPEG")
    assert (info.format, info.width, info.height) == ("JPEG", 640, 10)


def test_a_jpeg_claiming_too_many_pixels_is_refused_without_decoding() -> None:
    with pytest.raises(BadImage) as raised:
        inspect_image(io.BytesIO(jpeg_bomb(20_000, 10_000)), "JPEG")
    assert raised.value.reason == "too_many_pixels"


@pytest.mark.parametrize("cut", [2, 10, 200, -2])
def test_a_jpeg_cut_anywhere_is_refused(cut: int) -> None:
    data = jpeg(200, 100)
    with pytest.raises(BadImage) as raised:
        inspect_image(io.BytesIO(data[:cut]), "JPEG")
    assert raised.value.reason == "not_an_image"


def test_a_jpeg_whose_only_eoi_is_its_exif_thumbnails_is_refused() -> None:
    """An EXIF thumbnail carries its own EOI before the main scan: it does not count."""
    image = Image.new("RGB", (300, 200), (10, 120, 10))
    buffer = io.BytesIO()
    thumb = io.BytesIO()
    Image.new("RGB", (30, 20), (1, 2, 3)).save(thumb, format="JPEG")
    app1 = b"Exif\x00\x00" + thumb.getvalue()  # not a valid TIFF, but a segment with an EOI
    image.save(buffer, format="JPEG")
    data = buffer.getvalue()
    data = data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + data[2:]
    assert inspect_image(io.BytesIO(data), "JPEG").width == 300
    with pytest.raises(BadImage):
        inspect_image(io.BytesIO(data[:-2]), "JPEG")


def test_a_jpeg_whose_scan_does_not_decode_passes_the_structure_but_not_the_pixels() -> None:
    data = damaged_jpeg()
    assert inspect_image(io.BytesIO(data), "JPEG").width == 64
    with pytest.raises(OSError):
        images.verify_pixels(io.BytesIO(data))
    with pytest.raises(OSError):
        make_thumbnail(io.BytesIO(data))


def damaged_jpeg() -> bytes:
    """A JPEG with intact markers whose scan names a Huffman table that does not exist."""
    data = bytearray(jpeg())
    scan = data.index(b"\xff\xda")
    data[scan + 6] = 0x77
    return bytes(data)
