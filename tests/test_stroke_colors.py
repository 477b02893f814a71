"""Outline (stroke) colours drawn from the ink (planner/colors.py draw_stroke_colors): a contrasting outline at
least max(min_contrast, 3) from its ink, or a deeper shade of the ink further from the background; a narrow
configured range pins the colour; rows without an outline stay neutral; requested colours win."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq

from synthocr.color import contrast_ratio, luminance
from synthocr.config import config_from_dict
from synthocr.planner.plan import plan_batch


def _spec(**extra) -> dict:
    return {"name": "s", "corpus_file": "latin.txt", "stroke_width_probability": 0.7, **extra}


def _plan(n: int = 600, **extra):
    light = {"ink_color_weights": {"dark": 1.0, "pen_blue": 1.0, "light_on_dark": 1.0}}
    config = {"total_images": n, "seed": 11, "specifications": [_spec(**light, **extra)]}
    return plan_batch(config_from_dict(config)).to_pandas()


def _rgb(frame, name: str) -> np.ndarray:
    return frame[[f"{name}_r", f"{name}_g", f"{name}_b"]].to_numpy(np.uint8)


def test_outline_contrasts_with_its_ink_or_deepens_it():
    frame = _plan()
    on = frame.stroke_width.to_numpy() > 0
    assert 0.6 < on.mean() < 0.8
    assert (_rgb(frame[~on], "stroke") == 0).all()  # no outline: the neutral colour
    rows = frame[on]
    ink, stroke = _rgb(rows, "ink"), _rgb(rows, "stroke")
    y_ink, y_stroke = luminance(ink), luminance(stroke)
    light = (rows.ink_color == "light_on_dark").to_numpy()
    floor = np.maximum(rows.min_contrast.to_numpy(np.float64), 3.0)
    contrasting = (contrast_ratio(y_ink, y_stroke) >= floor - 1e-9) & np.where(
        light, y_stroke < y_ink, y_stroke > y_ink
    )
    # a shade lies on the far side of the ink from the background: darker than dark ink, lighter than light ink
    shade = ~contrasting & np.where(light, y_stroke >= y_ink, y_stroke <= y_ink)
    assert (contrasting | shade).all()
    assert 0.45 < contrasting.mean() < 0.75 and shade.any()
    assert light[contrasting].any() and (~light[contrasting]).any()
    # A shade keeps the ink's hue: its channels keep their order (within a level of rounding).
    ink_i, stroke_i = ink[shade].astype(int), stroke[shade].astype(int)
    for a, b in ((0, 1), (1, 2), (0, 2)):
        assert (np.sign(ink_i[:, a] - ink_i[:, b]) * (stroke_i[:, a] - stroke_i[:, b]) >= -2).all()
    bg_far = contrast_ratio(y_stroke[shade], luminance(_rgb(rows, "background")[shade]))
    assert (bg_far >= contrast_ratio(y_ink[shade], luminance(_rgb(rows, "background")[shade])) - 1e-9).all()


def test_narrow_range_pins_the_outline_and_plans_repeat(tmp_path):
    pinned = _plan(120, stroke_color_min=200, stroke_color_max=200)
    on = pinned.stroke_width.to_numpy() > 0
    assert (_rgb(pinned[on], "stroke") == 200).all()
    assert _plan(120).equals(_plan(120))


def test_requested_outline_colour_is_kept(cli, tmp_path):
    import yaml

    (tmp_path / "req.csv").write_text(
        "text,stroke_width,stroke_r,stroke_g,stroke_b\nred outline,0.05,230,20,10\nits own,0.05,,,\n", encoding="utf-8"
    )
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump({"total_images": 2, "seed": 1, "specifications": [_spec()]}))
    code, _, err = cli("plan", config, "--requests", tmp_path / "req.csv", "-o", tmp_path / "p.parquet")
    assert code == 0, err
    frame = pq.read_table(tmp_path / "p.parquet").to_pandas()
    stroke = _rgb(frame, "stroke")
    assert stroke[0].tolist() == [230, 20, 10]
    ink = _rgb(frame, "ink")[1:2]
    y_ink, y_stroke = luminance(ink)[0], luminance(stroke[1:2])[0]
    assert contrast_ratio(y_ink, y_stroke) >= 3.0 or y_stroke <= y_ink  # drawn from its ink like any row
