"""PNG bytes: every level decodes, in Pillow and OpenCV, to exactly the pixels encoded."""

from __future__ import annotations

import io
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from synthocr.renderer.imaging import PNG_FILTER_KEY, encode_png, image_of, pixels_of


def sample_images() -> list[Image.Image]:
    """Noise, flat areas and edges in both modes, including one-row and one-column images."""
    rng = np.random.default_rng(7)
    images = []
    for h, w in ((1, 1), (1, 37), (29, 1), (48, 301)):
        noise = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        flat = np.full((h, w, 3), 240, np.uint8)
        flat[h // 2 :, w // 3 :] = (20, 30, 200)
        for rgb in (noise, flat):
            rgba = np.dstack((rgb, rgb[..., :1]))
            images += [Image.fromarray(rgb, "RGB"), Image.fromarray(rgb[..., 0], "L"), Image.fromarray(rgba, "RGBA")]
    return images


@pytest.mark.parametrize("level,unfiltered", [(0, False), (1, False), (1, True), (6, False), (9, False)])
def test_every_level_round_trips_exactly(level, unfiltered):
    for image in sample_images():
        if unfiltered:
            image.info[PNG_FILTER_KEY] = "none"
        data = encode_png(image, level)
        Image.open(io.BytesIO(data)).verify()  # chunk CRCs and structure
        decoded = Image.open(io.BytesIO(data))
        assert decoded.mode == image.mode and decoded.size == image.size
        assert np.array_equal(np.asarray(decoded), np.asarray(image))
        via_cv = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        if image.mode != "L":
            via_cv = cv2.cvtColor(via_cv, cv2.COLOR_BGRA2RGBA if image.mode == "RGBA" else cv2.COLOR_BGR2RGB)
        assert np.array_equal(via_cv, np.asarray(image))


def test_the_fast_level_compresses_flat_images_and_is_deterministic():
    flat = next(
        i for i in sample_images() if i.size == (301, 48) and i.mode == "RGB" and len(np.unique(np.asarray(i))) == 4
    )
    data = encode_png(flat, 1)
    assert len(data) < 301 * 48 * 3 // 20
    assert encode_png(flat.copy(), 1) == data
    assert len(encode_png(flat, 0)) > 301 * 48 * 3  # level 0 stores


def test_pixels_png_cannot_hold_are_refused_with_a_message():
    with pytest.raises(ValueError, match="8-bit PNG"):
        encode_png(Image.fromarray(np.zeros((4, 5), np.float32), "F"))


def _row_filters(data: bytes, row_bytes: int) -> set[int]:
    """The filter type bytes that open the rows of a PNG's (single) IDAT chunk."""
    start = data.index(b"IDAT") + 4
    length = int.from_bytes(data[start - 8 : start - 4], "big")
    raw = zlib.decompress(data[start : start + length])
    return set(raw[:: row_bytes + 1])


def test_the_fast_level_writes_the_filter_the_image_asks_for():
    """Up by default; None on an image marked for it (grain new at every pixel), which compresses better."""
    grain = np.clip(200 + np.random.default_rng(3).normal(0, 6, (60, 300, 3)), 0, 255).astype(np.uint8)
    image = Image.fromarray(grain, "RGB")
    up = encode_png(image, 1)
    image.info[PNG_FILTER_KEY] = "none"
    unfiltered = encode_png(image, 1)
    assert _row_filters(up, 900) == {0, 2} and _row_filters(unfiltered, 900) == {0}
    assert len(unfiltered) < len(up)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(unfiltered))), grain)


def test_pixels_of_and_image_of_give_the_same_pixels_as_numpy_and_pillow():
    """The Arrow paths between Pillow and numpy read and write exactly np.asarray's and Image.fromarray's
    pixels, in every mode; an image made by image_of and changed since gives its new pixels."""
    for image in sample_images():
        assert np.array_equal(pixels_of(image), np.asarray(image)), image.mode
        made = image_of(np.array(image))
        assert made.mode == image.mode and made.size == image.size and made.tobytes() == image.tobytes()
        assert encode_png(made) == encode_png(image)
    rgb = np.random.default_rng(3).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    changed = image_of(rgb.copy())
    changed.paste((1, 2, 3), (0, 0, 5, 5))  # read only: Pillow copies it first
    assert np.array_equal(pixels_of(changed), np.asarray(changed)) and not np.array_equal(pixels_of(changed), rgb)
    big = Image.new("RGB", (3000, 2000), (10, 20, 30))  # over 16 MiB: Pillow keeps it in several blocks
    assert np.array_equal(pixels_of(big)[-1, -1], (10, 20, 30)) and pixels_of(big).shape == (2000, 3000, 3)
