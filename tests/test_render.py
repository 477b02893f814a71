"""render_row: purity, exact geometry against the ink, and every effect real and neutral-safe."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from render_helpers import GEOMETRY_CASES, MARKED, NEUTRAL, STRONG, clean, ink_mask, mostly_inside, raster
from synthocr.renderer.compose import render_row
from synthocr.renderer.io import encode_image
from synthocr.schemas.labels import Label
from synthocr.schemas.params import EFFECTS


def png(image: Image.Image) -> bytes:
    return encode_image(image, "png")


def test_every_effect_has_a_strong_test_value():
    assert set(STRONG) == {e.name for e in EFFECTS}


def test_same_row_gives_identical_bytes(tiny_plan, tiny_assets):
    for row in tiny_plan.to_pylist()[:6]:
        a, la = render_row(row, tiny_assets)
        b, lb = render_row(dict(row), tiny_assets)
        assert png(a) == png(b)
        assert la.to_json() == lb.to_json()


def test_label_round_trips_through_json(tiny_plan, tiny_assets):
    _, label = render_row(tiny_plan.to_pylist()[1], tiny_assets)
    again = Label.from_json(label.to_json())
    assert again.to_json() == label.to_json()
    assert again.params["image_id"] == 1


@pytest.mark.parametrize("name", [e.name for e in EFFECTS])
def test_effect_is_noop_at_neutral_and_real_otherwise(tiny_plan, tiny_assets, name):
    row = clean(tiny_plan.to_pylist()[0])
    base, _ = render_row(row, tiny_assets)
    again, _ = render_row(clean(row, **{name: NEUTRAL[name]}), tiny_assets)
    assert png(base) == png(again)
    changed, _ = render_row(clean(row, **{name: STRONG[name]}), tiny_assets)
    if changed.size == base.size:
        diff = np.abs(np.asarray(changed, np.int16) - np.asarray(base, np.int16))
        assert diff.max() > 0, f"{name} at {STRONG[name]} changed no pixel"
    # A geometric effect may change the size, which is a change too.


@pytest.mark.parametrize("name", [e.name for e in EFFECTS if e.stage in ("mask", "page", "overlay", "image")])
def test_pixel_effects_leave_the_label_geometry_exact(tiny_plan, tiny_assets, name):
    """Effects that do not move the text keep every polygon where the ink is: the same label regions."""
    row = clean(tiny_plan.to_pylist()[1])
    _, base = render_row(row, tiny_assets)
    _, changed = render_row(clean(row, **{name: STRONG[name]}), tiny_assets)
    assert changed.regions == base.regions and (changed.width, changed.height) == (base.width, base.height)


@pytest.mark.parametrize("name", ["neighbour_lines", "table_rule_width"])
def test_clutter_stays_out_of_the_line(tiny_plan, tiny_assets, name):
    """Fragments of the neighbouring lines, and rules at a gap, never touch the pixels of the line's box."""
    for row in tiny_plan.to_pylist()[:6]:
        row = clean(row)
        base, label = render_row(row, tiny_assets)
        changed, _ = render_row(clean(row, **{name: STRONG[name]}), tiny_assets)
        x0, y0, x1, y1 = label.line.bbox
        inside = (slice(int(np.ceil(y0)), int(y1)), slice(int(np.ceil(x0)), int(x1)))
        assert np.array_equal(np.asarray(changed)[inside], np.asarray(base)[inside]), (name, row["text"])
        assert not np.array_equal(np.asarray(changed), np.asarray(base)), (name, row["text"])


@pytest.mark.parametrize("kind", ["plain", "noise", "paper", "gradient"])
def test_background_kinds_differ_and_ink_is_composited(tiny_plan, tiny_assets, kind):
    row = clean(tiny_plan.to_pylist()[0], background_kind=kind)
    image, _ = render_row(row, tiny_assets)
    pixels = np.asarray(image, np.int16)
    assert pixels.std() > 5  # ink on a background, not a blank
    if kind != "plain":
        plain, _ = render_row(clean(row, background_kind="plain"), tiny_assets)
        assert np.abs(pixels - np.asarray(plain, np.int16)).max() > 0


@pytest.mark.parametrize("case", GEOMETRY_CASES)
def test_polygons_follow_the_ink(tiny_plan, tiny_assets, case):
    rows = tiny_plan.to_pylist()
    rows += [clean(rows[0], **marked) for marked in MARKED]
    for row in rows:
        row = clean(row, **GEOMETRY_CASES[case])
        image, label = render_row(row, tiny_assets)
        assert (label.width, label.height) == image.size
        ink = ink_mask(image, row)
        chars = raster(image.size, [c.polygon for c in label.chars])
        inside = (ink & chars).sum() / max(ink.sum(), 1)
        assert inside >= 0.98, f"row {row['image_id']}: only {inside:.3f} of the ink is inside character polygons"
        assert not (ink & ~raster(image.size, [label.line.polygon])).any(), "ink outside the line polygon"
        for c in label.chars:
            if not mostly_inside(c.polygon, image.size):
                continue  # cropped off: it should hold no ink
            holds = ink & raster(image.size, [c.polygon], grow=0)
            assert holds.any(), f"row {row['image_id']}: character {c.text!r} polygon holds no ink"
        for region in label.chars + label.words + (label.line,):
            x0, y0, x1, y1 = region.bbox
            assert 0 <= x0 <= x1 <= label.width and 0 <= y0 <= y1 <= label.height


def test_rtl_label_keeps_logical_order_and_digits_read_left_to_right(tiny_assets, tiny_plan):
    row = clean(tiny_plan.to_pylist()[0], text="שלום 123", text_direction="rtl", font="DejaVuSans.ttf")
    _, label = render_row(row, tiny_assets)
    assert "".join(c.text for c in label.chars) == "שלום123"
    xs = {c.text: c.polygon[0][0] for c in label.chars}
    assert xs["1"] < xs["2"] < xs["3"]  # digits keep their left-to-right order
    assert xs["ש"] > xs["ל"] > xs["ו"]  # Hebrew reads right to left
    assert xs["3"] < xs["ם"]  # the number follows the word, to its left


def test_combining_marks_stay_with_their_base(tiny_assets, tiny_plan):
    row = clean(tiny_plan.to_pylist()[0], text="Cafe\u0301 noe\u0308l", text_direction="ltr")
    _, label = render_row(row, tiny_assets)
    assert [c.text for c in label.chars] == ["C", "a", "f", "e\u0301", "n", "o", "e\u0308", "l"]
    assert [w.text for w in label.words] == ["Cafe\u0301", "noe\u0308l"]


def test_vertical_text_stacks_top_to_bottom(tiny_assets, tiny_plan):
    row = clean(tiny_plan.to_pylist()[0], text="ABC", text_direction="ttb")
    image, label = render_row(row, tiny_assets)
    assert image.height > image.width
    ys = [c.polygon[0][1] for c in label.chars]
    assert ys == sorted(ys)


def test_grayscale_rows_give_grayscale_images(tiny_plan, tiny_assets):
    image, _ = render_row({**tiny_plan.to_pylist()[0], "color_mode": "L"}, tiny_assets)
    assert image.mode == "L"
    assert Image.open(io.BytesIO(png(image))).mode == "L"


def test_overlap_pulls_characters_together(tiny_plan, tiny_assets):
    row = clean(tiny_plan.to_pylist()[0], text="spacing test")
    wide, _ = render_row(row, tiny_assets)
    tight, _ = render_row(clean(row, glyph_overlap_intensity=0.2), tiny_assets)
    assert tight.width < wide.width


def test_grainy_unsmoothed_images_ask_for_unfiltered_png_rows(tiny_plan, tiny_assets):
    from synthocr.renderer.imaging import PNG_FILTER_KEY

    row = tiny_plan.to_pylist()[0]

    def asks(**changes) -> bool:
        image, _ = render_row(clean(row, **changes), tiny_assets)
        return image.info.get(PNG_FILTER_KEY) == "none"

    assert asks(background_kind="paper") and asks(background_kind="noise", noise_sigma=8.0)
    assert not asks(background_kind="gradient")
    assert not asks(background_kind="paper", blur_radius=1.0) and not asks(background_kind="noise", jpeg_quality=50)
