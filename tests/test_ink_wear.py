"""Worn ink (ink_wear_amount): about the asked share of the ink lies in worn patches of about the asked size."""

from __future__ import annotations

import numpy as np
import pytest

from synthocr.renderer.effects.ink import ink_wear_amount


@pytest.mark.parametrize("amount", [0.1, 0.3, 0.6])
def test_the_worn_share_follows_the_amount(amount):
    ink = np.full((120, 900), 255, np.uint8)
    worn = ink_wear_amount(ink, amount, 4.0, np.random.default_rng(7))
    touched = (worn < 255).mean()
    assert abs(touched - amount) < 0.06, touched
    assert worn.min() == round(255 * 0.15)  # a patch keeps a faint trace of the ink, never none
    assert (worn == worn.min()).mean() < touched  # the patches fade out at their edges
    assert worn.max() == 255  # ink outside the patches is whole


def test_larger_scale_gives_larger_patches():
    ink = np.full((200, 800), 255, np.uint8)

    def patches(scale: float) -> float:
        worn = ink_wear_amount(ink, 0.3, scale, np.random.default_rng(3)) < 128
        edges = (worn[:, 1:] != worn[:, :-1]).sum()
        return worn.sum() / max(edges, 1)  # mean run length of worn pixels along rows

    assert patches(8.0) > 2 * patches(2.0)


def test_no_ink_and_no_wear_leave_the_mask_as_it_is():
    rng = np.random.default_rng(0)
    empty = np.zeros((30, 40), np.uint8)
    assert ink_wear_amount(empty, 0.5, 3.0, rng) is empty
    ink = np.full((30, 40), 200, np.uint8)
    assert ink_wear_amount(ink, 0.0, 3.0, rng) is ink


def test_the_same_generator_wears_the_same_pixels():
    ink = np.full((50, 300), 255, np.uint8)
    a = ink_wear_amount(ink, 0.3, 3.0, np.random.default_rng(11))
    b = ink_wear_amount(ink, 0.3, 3.0, np.random.default_rng(11))
    assert np.array_equal(a, b)
