"""Glare (glare_strength): a soft reflection lifting the pixels towards white, brightest at its centre."""

from __future__ import annotations

import numpy as np

from synthocr.renderer.effects.photometric import glare_strength


def _grey(h: int = 120, w: int = 480, level: int = 100) -> np.ndarray:
    return np.full((h, w, 3), level, np.uint8)


def test_the_centre_moves_strength_of_the_way_to_white_and_far_pixels_not_at_all():
    out = glare_strength(_grey(), 0.5, (0.25, 0.5), 0.2, 1.0, 0.0, np.random.default_rng(0))
    centre = out[60, 120].astype(int)
    assert np.abs(centre - (100 + 0.5 * 155)).max() <= 2, centre
    assert (out[:, 400:] == 100).all()  # more than 11 sigmas away
    assert (out >= 100).all()  # a glare only lightens


def test_a_stretched_glare_reaches_further_along_its_angle():
    flat = glare_strength(_grey(200, 200), 0.6, (0.5, 0.5), 0.1, 4.0, 0.0, np.random.default_rng(0))
    along, across = int(flat[100, 130, 0]), int(flat[130, 100, 0])
    assert along > across + 20, (along, across)
    turned = glare_strength(_grey(200, 200), 0.6, (0.5, 0.5), 0.1, 4.0, 90.0, np.random.default_rng(0))
    assert int(turned[130, 100, 0]) == along and int(turned[100, 130, 0]) == across


def test_greyscale_and_no_glare():
    grey = np.full((40, 80), 30, np.uint8)
    out = glare_strength(grey, 0.9, (0.5, 0.5), 1.0, 1.0, 0.0, np.random.default_rng(0))
    assert out.shape == grey.shape and out[20, 40] > 200
    assert glare_strength(grey, 0.0, (0.5, 0.5), 1.0, 1.0, 0.0, np.random.default_rng(0)) is grey


def test_a_glare_wider_than_the_image_is_pillows_screen_blend():
    """Under a glare much wider than the image its lift is nearly even: every pixel of a random image is
    Pillow's screen blend (ImageChops.screen) of it with that lift, within a level."""
    from PIL import Image, ImageChops

    rng = np.random.default_rng(4)
    pixels = rng.integers(0, 256, (30, 60, 3), dtype=np.uint8)
    out = glare_strength(pixels, 0.5, (0.5, 0.5), 5.0, 1.0, 0.0, rng)
    centre = (slice(12, 18), slice(27, 33))  # within 0.01 sigma of the centre: the lift is round(255 x 0.5)
    screen = np.asarray(ImageChops.screen(Image.fromarray(pixels), Image.new("RGB", (60, 30), (128, 128, 128))))
    assert np.abs(out[centre].astype(int) - screen[centre].astype(int)).max() <= 1
