"""PNG bytes decode (Pillow, OpenCV) to exactly the pixels encoded; pixels move between Pillow and numpy unchanged."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from synthocr.renderer.imaging import encode_png, image_of, pixels_of


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


@pytest.mark.parametrize("level", [0, 1, 6, 9])
def test_every_level_round_trips_exactly(level):
    for image in sample_images():
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
    flat = next(i for i in sample_images()
                if i.size == (301, 48) and i.mode == "RGB" and len(np.unique(np.asarray(i))) == 4)
    data = encode_png(flat, 1)
    assert len(data) < 301 * 48 * 3 // 20
    assert encode_png(flat.copy(), 1) == data
    assert len(encode_png(flat, 0)) > 301 * 48 * 3  # level 0 stores


def test_pixels_png_cannot_hold_are_refused_with_a_message():
    with pytest.raises(ValueError, match="8-bit PNG"):
        encode_png(Image.fromarray(np.zeros((4, 5), np.float32), "F"))


def test_pixels_of_equals_numpy_and_image_of_inverts_it():
    for image in sample_images():
        pixels = pixels_of(image)
        assert pixels.dtype == np.uint8 and np.array_equal(pixels, np.asarray(image)), image.mode
        if image.mode != "RGBA":
            back = image_of(pixels)
            assert back.mode == image.mode and back.tobytes() == image.tobytes()
    big = Image.new("RGB", (3000, 2900), (1, 2, 3))  # several blocks of Pillow memory: the np.asarray way
    big.putpixel((2999, 2899), (9, 8, 7))
    assert np.array_equal(pixels_of(big), np.asarray(big))
    assert pixels_of(Image.new("P", (3, 2), 5)).tolist() == [[5, 5, 5], [5, 5, 5]]


def test_a_view_outlives_its_image():
    views = [pixels_of(Image.new(mode, (301, 48), value)) for mode, value in (("L", 77), ("RGBA", (1, 2, 3, 4)))]
    others = [Image.new("RGBA", (301, 48), (250, 250, 250, 250)) for _ in range(100)]  # reuse freed memory
    assert (views[0] == 77).all() and (views[1] == (1, 2, 3, 4)).all() and others
