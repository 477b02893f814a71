"""Effects one by one: warps invert exactly, curvature bends the right way, and every effect runs from the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from render_helpers import GEOMETRY_CASES, MARKED, STRONG, clean, ink_mask, mostly_inside, raster, switched_on
from synthocr.renderer.compose import render_row
from synthocr.renderer.effects import GEOMETRIC
from synthocr.renderer.geometry import Frame
from synthocr.schemas.params import EFFECTS, EFFECTS_BY_NAME, PARAMS_BY_NAME


def _grouped(name: str, values: list) -> list:
    """Column values of an effect grouped as its renderer takes them: one tuple per parameter of several columns."""
    out = []
    for p in EFFECTS_BY_NAME[name].params:
        k = len(p.column_names)
        out.append(values[0] if k == 1 else tuple(values[:k]))
        values = values[k:]
    return out


FRAMES = [Frame(300.0, 60.0, False), Frame(60.0, 300.0, True), Frame(80.0, 70.0, False)]


@pytest.mark.parametrize("name", list(GEOMETRIC))
@pytest.mark.parametrize("frame", FRAMES, ids=["ltr", "ttb", "short"])
def test_warp_inverse_undoes_forward(name, frame):
    """Pixels are resampled through the inverse, polygons moved by the forward map: they must agree."""
    rng = np.random.default_rng(3)
    pts = rng.uniform(0, 1, (200, 2)) * [frame.width, frame.height]
    for value in (STRONG[name], -STRONG[name], PARAMS_BY_NAME[name].bounds[1]):
        value = float(np.clip(value, *PARAMS_BY_NAME[name].bounds))
        if value == PARAMS_BY_NAME[name].neutral:
            continue
        args = switched_on(name, value).values()
        warp = GEOMETRIC[name](*_grouped(name, list(args)), np.random.default_rng(11), frame)
        moved = warp.forward(pts)
        assert np.abs(moved - pts).max() > 0.1, f"{name}={value} moved nothing"
        assert np.allclose(warp.inverse(moved), pts, atol=1e-3)


@pytest.mark.parametrize("sign", [1, -1])
def test_arc_bends_the_ends_the_right_way(tiny_plan, tiny_assets, sign):
    row = clean(tiny_plan.to_pylist()[0], text="abcdefghij", curvature_arc=0.15 * sign)
    _, label = render_row(row, tiny_assets)
    tops = [min(y for _, y in c.polygon) for c in label.chars]
    middle = tops[len(tops) // 2]
    assert sign * (middle - tops[0]) > 5 and sign * (middle - tops[-1]) > 5
    assert len(label.line.polygon) > 4 * len(label.chars)  # a dense outline that follows the bend
    assert all(len(c.polygon) == 4 for c in label.chars)


def test_crop_cuts_into_the_text(tiny_plan, tiny_assets):
    row = clean(tiny_plan.to_pylist()[0])
    full, full_label = render_row(row, tiny_assets)
    cut, cut_label = render_row(clean(row, crop_fraction=0.5), tiny_assets)
    assert cut.width < full.width and cut.height < full.height
    xs = [x for c in cut_label.chars for x, _ in c.polygon]
    ys = [y for c in cut_label.chars for _, y in c.polygon]
    assert min(xs) < 0 or min(ys) < 0 or max(xs) > cut.width or max(ys) > cut.height
    for c in cut_label.chars:  # bboxes stay clipped to the image
        x0, y0, x1, y1 = c.bbox
        assert 0 <= x0 <= x1 <= cut.width and 0 <= y0 <= y1 <= cut.height


def _random_geometry(rng: np.random.Generator) -> dict[str, float]:
    """Strong but in-range values of every geometric effect, each present half of the time."""
    ranges = {
        "glyph_overlap_intensity": (0.0, 0.1),
        "curvature_arc": (-0.2, 0.2),
        "curvature_sine": (0.0, 0.4),
        "elastic_amplitude": (0.0, 0.1),
        "perspective_warp_magnitude": (0.0, 0.08),
        "rotation_angle": (-30.0, 30.0),
        "slant_angle": (-20.0, 20.0),
        "crop_fraction": (0.0, 0.2),
    }
    return {k: float(rng.uniform(*r)) if rng.random() < 0.5 else 0.0 for k, r in ranges.items()}


@pytest.mark.slow
def test_polygons_follow_the_ink_over_random_geometry(tiny_plan, tiny_assets):
    """Across many rows with random combinations of all geometric effects: ink in chars, every char holds ink."""
    rng = np.random.default_rng(2024)
    rows = tiny_plan.to_pylist()
    rows += [clean(rows[0], **marked) for marked in MARKED]  # right to left, marks, ligatures
    for k in range(160):
        changes = _random_geometry(rng)
        row = clean(rows[k % len(rows)], seed=int(rng.integers(2**62)), **changes)
        image, label = render_row(row, tiny_assets)
        ink = ink_mask(image, row)
        chars = raster(image.size, [c.polygon for c in label.chars])
        inside = (ink & chars).sum() / max(ink.sum(), 1)
        assert inside >= 0.98, f"{changes}: only {inside:.3f} of the ink inside character polygons"
        for c in label.chars:
            if mostly_inside(c.polygon, image.size):
                assert (ink & raster(image.size, [c.polygon], grow=0)).any(), f"{changes}: {c.text!r} empty"


def test_geometry_cases_cover_every_geometric_effect():
    covered = {name for case in GEOMETRY_CASES.values() for name in case}
    assert set(GEOMETRIC) | {"crop_fraction", "glyph_overlap_intensity"} <= covered


@pytest.mark.slow
def test_every_effect_from_the_cli(cli, tiny_dict, tmp_path):
    """A config turning every effect on plans, renders and labels through `synthocr plan` / `render`."""
    spec = tiny_dict["specifications"][0]
    for e in EFFECTS:
        lo, hi = sorted((e.neutral, STRONG[e.name]))
        spec[f"{e.name}_min"], spec[f"{e.name}_max"] = (
            (int(lo), int(hi)) if e.strength.is_int else (float(lo), float(hi))
        )
    spec["jpeg_quality_min"] = 20
    tiny_dict["total_images"] = 8
    tiny_dict["specifications"] = [spec]
    config = tmp_path / "all.yaml"
    config.write_text(yaml.safe_dump(tiny_dict))
    plan, out = tmp_path / "p.parquet", tmp_path / "out"
    assert cli("plan", config, "-o", plan)[0] == 0
    code, text, err = cli("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert code == 0, err
    labels = sorted(Path(out).rglob("image_*.json"))
    assert len(labels) == 8
    for path in labels:
        label = json.loads(path.read_text())
        with Image.open(path.with_suffix(".png")) as image:
            assert image.size == (label["width"], label["height"])
        assert label["params"]["jpeg_quality"] >= 20
        assert all(len(c["polygon"]) == 4 for c in label["chars"])


@pytest.mark.parametrize("shape", [(23, 31, 3), (17, 29)])
def test_brightness_is_the_rounded_level_shift(shape):
    """brightness_offset is a saturating add of the rounded offset: check it against the per-level
    definition (v + offset, rounded half up, clipped) at halves, near halves and past the ends."""
    from synthocr.renderer.effects.photometric import brightness_offset

    pixels = np.arange(np.prod(shape)).reshape(shape).astype(np.uint8)  # every level appears
    offsets = [0.5, -0.5, 1.5, -1.5, 2.4999998, -2.5000002, 254.5, -254.5, 300.0, -300.0, 17.25, -63.75]
    for offset in offsets + list(np.random.default_rng(5).uniform(-80, 80, 50)):
        expected = np.clip(np.floor(pixels.astype(np.float64) + float(offset) + 0.5), 0, 255).astype(np.uint8)
        assert np.array_equal(brightness_offset(pixels, float(offset), np.random.default_rng(0)), expected), offset


def test_composite_blends_like_image_composite():
    """The ink laid over the background through the coverage equals Pillow's Image.composite."""
    from synthocr.renderer.compose import _composite

    rng = np.random.default_rng(9)
    background = Image.fromarray(rng.integers(0, 256, (40, 70, 3), dtype=np.uint8), "RGB")
    alpha = np.zeros((40, 70), np.uint8)
    alpha[5:30, 10:60] = rng.integers(0, 256, (25, 50))
    coverage = Image.fromarray(alpha, "L")
    expected = Image.composite(Image.new("RGB", background.size, (12, 200, 40)), background, coverage)
    got = _composite(background.copy(), alpha, (12, 200, 40))
    assert np.array_equal(np.asarray(got), np.asarray(expected))


@pytest.mark.parametrize("amplitude", [0.001, 0.02, PARAMS_BY_NAME["elastic_amplitude"].bounds[1]])
def test_elastic_forward_solves_the_field_to_a_millionth_of_a_pixel(amplitude):
    """The polygon points' forward map stops Newton's method early only when its error bound allows."""
    frame = Frame(420.0, 64.0, False)
    pts = np.random.default_rng(4).uniform(0, 1, (300, 2)) * [frame.width, frame.height]
    for seed in range(20):
        warp = GEOMETRIC["elastic_amplitude"](amplitude, np.random.default_rng(seed), frame)  # one parameter
        assert np.abs(warp.inverse(warp.forward(pts)) - pts).max() < 1e-6


@pytest.mark.parametrize("direction", ["ltr", "ttb"])
@pytest.mark.parametrize("name", [e.name for e in EFFECTS])
def test_every_parameter_at_each_end_of_its_allowed_range_renders(tiny_plan, tiny_assets, name, direction):
    """Each column of each effect at each end of its allowed range (what a request file or config may set),
    the effect on: the row renders, or is refused by the image size limit. Show-through moved more than the
    image's height failed ('could not broadcast input array'), found by rendering fuzzed request files."""
    from synthocr.renderer.limits import RowLimitError

    effect = EFFECTS_BY_NAME[name]
    row = tiny_plan.to_pylist()[0]
    for p in effect.params:
        for col in p.column_names:
            for end in p.bounds:
                value = int(end) if p.is_int else float(end)
                strength = value if col == name else STRONG.get(name, effect.params[0].bounds[1])
                if strength == effect.neutral:
                    continue
                changes = {name: strength, col: value, "text_direction": direction}
                try:
                    image, label = render_row(clean(row, **changes), tiny_assets)
                except RowLimitError:
                    continue
                assert image.width > 0 and image.height > 0 and label.chars, (col, value)
