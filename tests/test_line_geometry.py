"""The line's baseline and the words' outlines in labels: the baseline where Pillow puts it drawing the same
text, on the ink's foot through every geometric warp, left to right in the text's own frame, and carried
through JSON; the words' polygons following bent lines, holding their characters' polygons."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from render_helpers import GEOMETRY_CASES, clean, ink_mask
from synthocr.renderer.compose import render_row
from synthocr.schemas.labels import Label

FONTS = "src/synthocr/assets/fonts/"


def _row(tiny_plan, **changes) -> dict:
    return clean(tiny_plan.to_pylist()[0], **changes)


def _strips(ink: np.ndarray, baseline: list[list[float]], near: float, far: float) -> tuple[float, float]:
    """Share of ink in the strips `near`..`far` pixels above and below the baseline (on its left-hand and
    right-hand sides, seen on screen), sampled every half pixel along it."""
    above = below = total = 0
    h, w = ink.shape
    for (x0, y0), (x1, y1) in zip(baseline, baseline[1:]):
        length = math.hypot(x1 - x0, y1 - y0)
        if length == 0:
            continue
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        nx, ny = uy, -ux  # left-hand normal on screen (y down): where the text stands
        for t in np.arange(0.0, length, 0.5):
            px, py = x0 + ux * t, y0 + uy * t
            for d in np.arange(near, far, 0.5):
                total += 1
                for sign in (1, -1):
                    x, y = round(px + sign * nx * d), round(py + sign * ny * d)
                    if 0 <= x < w and 0 <= y < h and ink[y, x]:
                        if sign > 0:
                            above += 1
                        else:
                            below += 1
    return above / total, below / total


@pytest.mark.parametrize(
    "text,font,direction",
    [
        ("Hamburg 42 Lyxq", "DejaVuSans.ttf", "ltr"),
        ("Ёжик в тумане", "DejaVuSerif.ttf", "ltr"),
        ("مرحبا بالعالم", "NotoNaskhArabic-Regular.ttf", "rtl"),
        ("שלום עולם", "NotoSansHebrew-Regular.ttf", "rtl"),
    ],
)
@pytest.mark.parametrize("size", [17, 40])
def test_baseline_is_where_pillow_puts_it(tiny_plan, tiny_assets, text, font, direction, size):
    """Pillow draws the same text with its baseline at our baseline's height (anchor "ls"): the two images'
    rows of ink line up with no vertical shift."""
    row = _row(tiny_plan, text=text, font=font, text_direction=direction, font_size=size)
    image, label = render_row(row, tiny_assets)
    (x0, y0), (x1, y1) = label.regions.baseline.tolist()
    assert y0 == y1 and x0 < x1, "a line that is not warped has a level baseline, from left to right"
    ours = ink_mask(image, row).sum(axis=1).astype(np.float64)
    pillow = Image.new("L", image.size, 0)
    ImageDraw.Draw(pillow).text(
        (x0, y0), text, fill=255, font=ImageFont.truetype(FONTS + font, size), anchor="ls", direction=direction
    )
    theirs = (np.asarray(pillow) > 127).sum(axis=1).astype(np.float64)
    shifts = range(-4, 5)
    score = [np.dot(ours, np.roll(theirs, s)) for s in shifts]
    assert shifts[int(np.argmax(score))] == 0, f"Pillow's baseline is {shifts[int(np.argmax(score))]} px off ours"


@pytest.mark.parametrize("case", GEOMETRY_CASES)
def test_capitals_stand_on_the_baseline_through_every_warp(tiny_plan, tiny_assets, case):
    """Capitals without descenders: ink just above the baseline (on its left-hand side), none below it."""
    row = _row(tiny_plan, text="HELLE HILTI", font="DejaVuSans-Bold.ttf", font_size=36, **GEOMETRY_CASES[case])
    image, label = render_row(row, tiny_assets)
    baseline = label.regions.baseline.tolist()
    above, below = _strips(ink_mask(image, row), baseline, 1.5, 4.0)
    assert above > 0.25 and below < 0.02, f"{case}: ink above {above:.3f}, below {below:.3f}"
    if case == "rotation_angle":  # turned counter-clockwise: the baseline rises to the right
        (x0, y0), (x1, y1) = baseline[0], baseline[-1]
        angle = math.degrees(math.atan2(y0 - y1, x1 - x0))
        assert abs(angle - row["rotation_angle"]) < 0.01


def test_a_line_turned_half_round_has_its_baseline_from_right_to_left(tiny_plan, tiny_assets):
    row = _row(tiny_plan, text="HELLE", font="DejaVuSans-Bold.ttf", font_size=36, rotation_angle=180.0)
    image, label = render_row(row, tiny_assets)
    baseline = label.regions.baseline.tolist()
    assert baseline[0][0] > baseline[-1][0]
    above, below = _strips(ink_mask(image, row), baseline, 1.5, 4.0)  # the text still on its left-hand side
    assert above > 0.25 and below < 0.02


def test_right_to_left_lines_run_their_baseline_left_to_right(tiny_plan, tiny_assets):
    """The baseline's direction is the text's orientation, not its reading direction."""
    _, label = render_row(_row(tiny_plan, text="שלום עולם", text_direction="rtl", font="DejaVuSans.ttf"), tiny_assets)
    (x0, _), (x1, _) = label.regions.baseline.tolist()
    assert x0 < x1


@pytest.mark.parametrize("direction", ["ttb", "ttb-mixed"])
def test_a_column_has_its_centre_line_from_top_to_bottom(tiny_plan, tiny_assets, direction):
    row = _row(tiny_plan, text="HOIXOH", text_direction=direction, font_size=30)
    image, label = render_row(row, tiny_assets)
    (x0, y0), (x1, y1) = label.regions.baseline.tolist()
    assert x0 == x1 and y0 < y1
    ink = ink_mask(image, row)
    left, right = ink[:, : round(x0)].sum(), ink[:, round(x0) :].sum()
    assert abs(left - right) < 0.15 * (left + right), "symmetric letters lie half on each side of the centre line"
    xs = [x for x, _ in label.line.polygon]
    assert min(xs) < x0 < max(xs)


def test_baseline_survives_json_and_labels_before_version_4_have_none(tiny_plan, tiny_assets):
    _, label = render_row(_row(tiny_plan, curvature_arc=0.1), tiny_assets)
    text = label.to_json()
    back = Label.from_json(text)
    assert len(back.regions.baseline) > 2  # an arc: a point every quarter line height
    assert np.allclose(back.regions.baseline, label.regions.baseline, atol=0.005)
    old = text.replace(',"baseline":', ',"dropped":')
    assert len(Label.from_json(old).regions.baseline) == 0


CURVED = {"curvature_arc", "curvature_arc_down", "curvature_sine", "elastic_amplitude", "all"}


@pytest.mark.parametrize("case", GEOMETRY_CASES)
def test_word_polygons_hold_their_characters_through_every_warp(tiny_plan, tiny_assets, case):
    """A bent word is outlined as the line is (a straight edge between its far corners would cut across the
    bend and leave its middle letters out); a word that is only turned or sheared keeps 4 points."""
    text = "Quickly jumping foxes, overwhelmingly"
    row = _row(tiny_plan, text=text, font="DejaVuSans.ttf", font_size=30, **GEOMETRY_CASES[case])
    image, label = render_row(row, tiny_assets)
    words = [np.array(w.polygon, np.float32).reshape(-1, 1, 2) for w in label.words]
    for char in label.chars:  # every corner inside a word's polygon, or on its edge to half a pixel
        for corner in char.polygon:
            depth = max(cv2.pointPolygonTest(w, (float(corner[0]), float(corner[1])), True) for w in words)
            assert depth > -0.5, f"{case}: a corner of {char.text!r} lies {-depth:.1f} px outside every word"
    sizes = [len(w.polygon) for w in label.words]
    if case in CURVED:
        assert min(sizes) > 4 and len(label.line.polygon) > 4
    else:
        assert sizes == [4] * len(label.words)
    back = Label.from_json(label.to_json())  # read back: each word with its own number of points
    assert [len(w.polygon) for w in back.words] == sizes and [w.text for w in back.words] == text.split()
    for a, b in zip(back.words + (back.line,), label.words + (label.line,)):
        assert np.allclose(a.polygon, b.polygon, atol=0.005) and np.allclose(a.bbox, b.bbox, atol=0.005)
    assert [c.text for c in back.chars] == [c.text for c in label.chars]


def test_a_bent_column_turned_for_recognizers_keeps_its_word_outlines(tiny_plan, tiny_assets):
    """export --rotate-vertical turns every point of a label: a bent word keeps its number of points."""
    from synthocr.analysis.export.orientation import turned_label

    row = _row(tiny_plan, text="HOI XO HIH", text_direction="ttb", font_size=30, curvature_arc=0.1)
    _, label = render_row(row, tiny_assets)
    turned = turned_label(label)
    sizes = [len(w.polygon) for w in label.words]
    assert min(sizes) > 4 and [len(w.polygon) for w in turned.words] == sizes
    for before, after in zip(label.words + label.chars, turned.words + turned.chars):
        assert np.allclose([(y, label.width - x) for x, y in before.polygon], after.polygon)
    assert np.allclose([(y, label.width - x) for x, y in label.regions.baseline.tolist()], turned.regions.baseline)
