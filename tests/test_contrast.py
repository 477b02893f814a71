"""The contrast guard: ink over the background actually under the line keeps min_contrast, measured independently."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from PIL import Image

from synthocr.renderer.contrast import fit_ink
from synthocr.renderer.effects.backgrounds import image_crop


def wcag_luminance(pixels: np.ndarray) -> np.ndarray:
    """WCAG 2 relative luminance, written out here independently of synthocr.color."""
    c = np.asarray(pixels, np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def ratio(ink, background: np.ndarray, light: bool) -> float:
    """Contrast of `ink` over the 5th (95th for light ink) luminance percentile of every background pixel."""
    y_ink = float(wcag_luminance(np.array(ink)))
    y_bg = float(np.percentile(wcag_luminance(background.reshape(-1, 3)), 95 if light else 5))
    if (y_ink > y_bg) != light:
        return 0.0
    return (max(y_ink, y_bg) + 0.05) / (min(y_ink, y_bg) + 0.05)


def backgrounds() -> dict[str, Image.Image]:
    rng = np.random.default_rng(5)
    ys, xs = np.mgrid[0:90, 0:400]
    checker = (((xs // 7) + (ys // 7)) % 2 * 200 + 30).astype(np.uint8)
    return {
        "black": Image.new("RGB", (400, 90), (5, 5, 8)),
        "white": Image.new("RGB", (400, 90), (250, 250, 245)),
        "mid": Image.new("RGB", (400, 90), (120, 118, 125)),
        "checker": Image.fromarray(np.stack([checker] * 3, -1)),
        "noise": Image.fromarray(rng.integers(0, 256, (90, 400, 3), dtype=np.uint8)),
        "red": Image.new("RGB", (400, 90), (200, 30, 20)),
        "sky": Image.fromarray(np.stack([xs % 256 // 3 + 100, ys + 120, 240 - xs % 64], -1).astype(np.uint8)),
    }


@pytest.mark.parametrize("name", list(backgrounds()))
@pytest.mark.parametrize("light", [False, True])
@pytest.mark.parametrize("min_contrast", [1.0, 3.0, 4.5, 7.0])
def test_fit_reaches_min_contrast_over_any_background(name, light, min_contrast):
    background = backgrounds()[name]
    ink = (235, 235, 230) if light else (40, 50, 130)
    box = (10.0, 8.0, 390.0, 80.0)
    fit, out = fit_ink(background, box, ink, light, min_contrast)
    under = np.asarray(out)[8:80, 10:390]
    assert ratio(fit.ink, under, light) >= min_contrast * 0.98, (fit, ratio(fit.ink, under, light))
    assert fit.contrast >= min_contrast
    before = ratio(ink, np.asarray(background)[8:80, 10:390], light)
    if before >= min_contrast * 1.1:
        assert fit.ink == ink and fit.fade == 0.0 and out is background  # nothing to do: nothing done
    elif before < min_contrast:
        assert fit.ink != ink or fit.fade > 0


def test_ink_keeps_its_side_of_the_background():
    """Dark ink stays darker than the background, light ink lighter: a dark mode on a dark photo fades the photo."""
    fit, out = fit_ink(Image.new("RGB", (50, 20), (30, 30, 30)), (0, 0, 50, 20), (20, 20, 60), False, 4.5)
    assert fit.fade > 0 and sum(fit.ink) <= sum((20, 20, 60)) and np.asarray(out).mean() > 30


def _render_on_photos(cli, tiny_dict, tmp_path, total: int, **spec_values) -> Path:
    """Plan and render `total` rows over the photo-like backgrounds() at min_contrast 4.5, every specification
    given `spec_values`, through the CLI; the output dir."""
    folder = tmp_path / "bg"
    folder.mkdir()
    for name, image in backgrounds().items():
        image.save(folder / f"{name}.png")
    tiny_dict.update(total_images=total, background_dir=str(folder))
    for spec in tiny_dict["specifications"]:
        spec.update(background_weights={"image": 1.0}, min_contrast=4.5, **spec_values)
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump(tiny_dict))
    plan, out = tmp_path / "p.parquet", tmp_path / "out"
    assert cli("plan", config, "-o", plan)[0] == 0
    code, _, err = cli("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert code == 0, err
    return out


@pytest.mark.slow
def test_image_backgrounds_render_above_min_contrast(cli, tiny_dict, tmp_path):
    """From the CLI: photo-like backgrounds of every tone, every ink mode, min_contrast 4.5. Each label's
    ink, over its background crop (rebuilt from the plan row and faded as the label says), keeps 4.5."""
    sources = backgrounds()
    out = _render_on_photos(
        cli,
        tiny_dict,
        tmp_path,
        60,
        ink_color_weights={"dark": 1, "colored": 1, "pen_blue": 1, "pen_red": 1, "stamp": 1, "light_on_dark": 1},
        # A plate or a marker changes the background before the guard measures it: the crop rebuilt
        # below would not hold them (tests/test_styles.py checks the ink over each).
        plate_opacity_probability=0.0,
        highlight_opacity_probability=0.0,
    )
    changed = 0
    for path in sorted(Path(out).rglob("image_*.json")):
        label = json.loads(path.read_text())
        row, look = label["params"], label["appearance"]
        crop = image_crop(
            sources[Path(row["background_file"]).stem],
            (label["width"], label["height"]),
            row["background_x"],
            row["background_y"],
            row["background_scale"],
        )
        if look["background_fade"]:
            light = row["ink_color"] == "light_on_dark"
            end = Image.new("RGB", crop.size, (0, 0, 0) if light else (255, 255, 255))
            crop = Image.blend(crop, end, look["background_fade"])
        x0, y0, x1, y1 = (int(v) for v in label["line"]["bbox"])
        under = np.asarray(crop)[y0 : y1 + 1, x0 : x1 + 1]
        got = ratio(look["ink"], under, row["ink_color"] == "light_on_dark")
        assert got >= 4.5 * 0.97, (path.name, row["background_file"], look, got)
        changed += look["ink"] != [row["ink_r"], row["ink_g"], row["ink_b"]] or look["background_fade"] > 0
    assert changed >= 10  # the guard had work to do: black, checker and noise photos


# Warps that turn or bend the line: its axis-aligned box could then reach past the plate.
WARPS = ("rotation_angle", "perspective_warp_magnitude", "curvature_arc", "curvature_sine", "elastic_amplitude")


def test_the_ink_keeps_min_contrast_over_a_sign_plate(cli, tiny_dict, tmp_path):
    """From the CLI: every row on a photo-like background behind a plate (no warps, so the line's box lies
    on the plate), every ink mode: the label's ink keeps 4.5 over the plate's colour, faded as the label says."""
    from synthocr.renderer.effects.style import plate_color
    from synthocr.renderer.linestyle import Plate

    out = _render_on_photos(
        cli,
        tiny_dict,
        tmp_path,
        40,
        ink_color_weights={"dark": 1, "colored": 1, "stamp": 1, "light_on_dark": 1},
        plate_opacity_probability=1.0,
        plate_opacity_min=1.0,
        plate_margin_min=0.2,
        plate_border_max=0.0,
        **{f"{warp}_probability": 0.0 for warp in WARPS},
    )
    labels = sorted(Path(out).rglob("image_*.json"))
    assert len(labels) == 40
    checked = 0
    for path in labels:
        label = json.loads(path.read_text())
        row, look = label["params"], label["appearance"]
        assert not any(row[warp] for warp in WARPS)
        light = row["ink_color"] == "light_on_dark"
        plate = Plate(1.0, row["plate_margin"], row["plate_radius"], 0.0, row["plate_shade"])
        colour = np.array(plate_color(plate, (row["background_r"], row["background_g"], row["background_b"]), light))
        end = np.array((0, 0, 0) if light else (255, 255, 255))
        under = np.rint(colour + (end - colour) * look["background_fade"])[None, :]
        assert ratio(look["ink"], under, light) >= 4.5 * 0.97, (path.name, look, colour)
        checked += 1
    assert checked == 40
