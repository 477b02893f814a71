"""Variable fonts: rows drawn in a font's named instances (`font_instances` -> the `font_instance` column),
shaped and drawn as Pillow/raqm draws the same instance; bitmap-only fonts left out with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import ImageFont, features

from helpers import one_spec_config, plan_and_render_labels, plan_requests
from synthocr.analysis.parity import aligned_iou, label_problems, reference_mask
from synthocr.assets import BUILTIN_DIRS
from synthocr.renderer.layout import layout_line, layout_mask
from synthocr.renderer.shaping import FontFile, SizedFont, line_runs, shape_run

# Inter (OFL 1.1, tests/fonts/LICENSE_INTER; Debian's fonts-inter-variable), subset to the letters of TEXTS: axes wght 100-900 and
# slnt -10-0, 18 named instances (Thin ... Black Italic).
INTER = Path(__file__).parent / "fonts" / "Inter-subset.var.ttf"
TEXTS = ("Sphinx of black quartz, judge my vow.", "AVTW 0123456789", "Wax jog")
# Instances at the default or an end of every axis: their advances need no rounding of a fractional
# variation, so every FreeType version gives the same ones.
AXIS_ENDS = ("Thin", "Thin Italic", "Regular", "Italic", "Black", "Black Italic")


def _advance(font: SizedFont, text: str) -> int:
    """The line's advance in 26.6 pixels, as shaped."""
    codepoints = [ord(c) for c in text]
    return sum(g[2] for run in line_runs(text, "ltr") for g in shape_run(font, codepoints, run, False))


def test_the_font_names_its_instances():
    file = FontFile(str(INTER), INTER.name)
    assert len(file.instances) == 18
    assert file.instances["Semi Bold Italic"] == {"wght": 600.0, "slnt": -10.0}


@pytest.mark.parametrize("size", [17, 24, 37])
def test_instances_are_drawn_and_advanced_as_pillow_draws_them(size):
    """Against Pillow/raqm with the instance set (FreeType's named instance): the same advances where the
    instance sits at axis ends, and the same shapes everywhere (ink IoU); heavier instances have more ink."""
    file = FontFile(str(INTER), INTER.name)
    ink = {}
    for instance in file.instances:
        font = SizedFont(file, size, None, instance)
        pillow = ImageFont.truetype(str(INTER), size, layout_engine=ImageFont.Layout.RAQM)
        pillow.set_variation_by_name(instance)
        for text in TEXTS:
            layout = layout_line(text, "ltr", font, 0.0)
            mask = layout_mask(layout)
            assert not label_problems(layout, mask), (instance, text)
            iou, _ = aligned_iou(mask, reference_mask(INTER, size, text, "ltr", instance=instance))
            assert iou >= 0.85, (instance, text, iou)
            if instance in AXIS_ENDS:
                assert _advance(font, text) == round(pillow.getlength(text) * 64), (instance, text)
        ink[instance] = int(np.asarray(layout_mask(layout_line(TEXTS[0], "ltr", font, 0.0)), np.int64).sum())
    weights = ["Thin", "Extra Light", "Light", "Regular", "Medium", "Semi Bold", "Bold", "Extra Bold", "Black"]
    assert [ink[w] for w in weights] == sorted(ink[w] for w in weights)
    assert ink["Black"] > 2 * ink["Thin"]


@pytest.mark.skipif(
    features.version("freetype2") != ".".join(map(str, __import__("freetype").version())),
    reason="Pillow bundles another FreeType version than freetype-py: advances between axis ends differ by 1/64 px",
)
def test_every_instance_has_pillows_pixels_with_the_same_freetype():
    file = FontFile(str(INTER), INTER.name)
    for instance in ["", *file.instances]:
        for size in (17, 24, 37):
            font = SizedFont(file, size, None, instance)
            for text in TEXTS:
                mask = layout_mask(layout_line(text, "ltr", font, 0.0))
                assert aligned_iou(mask, reference_mask(INTER, size, text, "ltr", instance=instance))[1], instance


def test_an_unknown_instance_is_a_clear_error():
    from synthocr.renderer.glyphs import FontRenderError

    file = FontFile(str(INTER), INTER.name)
    with pytest.raises(FontRenderError, match="has no named instance 'Condensed'; its named instances are"):
        SizedFont(file, 20, None, "Condensed")
    dejavu = BUILTIN_DIRS["font"] / "DejaVuSans.ttf"
    with pytest.raises(FontRenderError, match="it is neither a variable font nor a font collection"):
        SizedFont(FontFile(str(dejavu), dejavu.name), 20, None, "Bold")


def _setup(root: Path, spec: dict, total: int = 60) -> Path:
    """A config over a font dir of the Inter subset and DejaVu Sans, and a one-file corpus of TEXTS."""
    fonts = (INTER, BUILTIN_DIRS["font"] / "DejaVuSans.ttf")
    return one_spec_config(root, fonts, "v.txt", TEXTS, spec, total, seed=7)


def test_font_instances_pick_the_instance_of_each_row_and_add_nothing_else(cli, tmp_path):
    """Rows of the variable font get a matching instance each (uniformly); rows of a static font, and every
    row of a spec without font_instances, the default. The other columns are those of the plan without."""
    config = _setup(tmp_path, {"font_instances": "*Italic"})
    assert cli("plan", config, "-o", tmp_path / "p.parquet", "--font-report", tmp_path / "fonts.csv")[0] == 0
    frame = pd.read_parquet(tmp_path / "p.parquet")
    inter = frame[frame.font == INTER.name]
    assert len(inter) > 15 and inter.font_instance.str.endswith("Italic").all()
    assert inter.font_instance.nunique() >= 5
    assert (frame[frame.font != INTER.name].font_instance == "").all()
    assert cli("plan", config, "-o", tmp_path / "plain.parquet", "specifications.0.font_instances=[]")[0] == 0
    plain = pd.read_parquet(tmp_path / "plain.parquet")
    assert (plain.font_instance == "").all()
    pd.testing.assert_frame_equal(frame.drop(columns="font_instance"), plain.drop(columns="font_instance"))
    report = pd.read_csv(tmp_path / "fonts.csv", keep_default_na=False).set_index("font")
    assert report.loc[INTER.name, "instances"].split("|")[:3] == ["Thin", "Thin Italic", "Extra Light"]
    assert report.loc["DejaVuSans.ttf", "instances"] == ""


def test_rows_render_in_their_instance_and_their_labels_say_which(cli, tmp_path):
    config = _setup(tmp_path, {"font_instances": ["Thin", "Black"], "font_filter": INTER.name}, total=12)
    plan, labels = plan_and_render_labels(cli, config)
    assert {label["params"]["font_instance"] for label in labels} == {"Thin", "Black"}
    code, stdout, _ = cli("inspect", plan)
    assert code == 0 and "font instance" in stdout and "Black" in stdout
    code, stdout, _ = cli("plan", config, "--dry-run")
    assert code == 0 and "named instances and faces used (2):" in stdout and f"{INTER.name}: Black:" in stdout


def test_instances_that_match_nothing_are_a_config_error(cli, tmp_path):
    config = _setup(tmp_path, {"font_instances": ["Condensed*"]})
    code, _, err = cli("plan", config, "-o", tmp_path / "p.parquet")
    assert code == 2 and "Traceback" not in err
    assert "specification 'v': font_instances ['Condensed*'] match no named instance" in err and "'Thin'" in err
    code, _, err = cli("plan", config, "-o", tmp_path / "p.parquet", "specifications.0.font_filter=DejaVu*")
    assert code == 2 and "none of them is a variable font or a font collection" in err


def test_a_request_may_give_the_instance_of_its_font(cli, tmp_path):
    config = _setup(tmp_path, {})
    content = (
        "text,font,font_instance\n"
        f"Wax jog,{INTER.name},Bold Italic\n"
        f"Wax jog,{INTER.name},\n"
        f"Wax jog,{INTER.name},Condensed\n"
        "Wax jog,,Bold\n"
        "Wax jog,DejaVuSans.ttf,Bold\n"
    )
    plan, requests = plan_requests(cli, config, tmp_path, content)
    assert pd.read_parquet(plan).font_instance.tolist() == ["Bold Italic", ""]
    rejected = pd.read_csv(str(requests) + ".rejected.csv")
    messages = rejected.error_message.tolist()
    assert "'Condensed' is not a named instance or face of font 'Inter-subset.var.ttf'; it offers [" in messages[0]
    assert "needs a font in the same row" in messages[1]
    assert "it is neither a variable font nor a font collection" in messages[2]


def test_a_hand_edited_instance_fails_its_row_alone(cli, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    config = _setup(tmp_path, {"font_instances": ["*"], "font_filter": INTER.name}, total=4)
    plan, edited, out = tmp_path / "p.parquet", tmp_path / "e.parquet", tmp_path / "out"
    assert cli("plan", config, "-o", plan)[0] == 0
    table = pq.read_table(plan)
    i = table.schema.get_field_index("font_instance")
    values = table.column(i).to_pylist()
    values[0] = "Ultra Wide"
    pq.write_table(table.set_column(i, table.schema.field(i), pa.array(values).dictionary_encode()), edited)
    code, stdout, _ = cli("render", edited, "-o", out, "--workers", "1", "--quiet")
    assert code == 1 and "failed 1" in stdout
    state = [json.loads(line) for line in (out / "_render_state.jsonl").read_text().splitlines()]
    failed = [r["error_message"] for r in state if r.get("status") == "failed"]
    assert len(failed) == 1 and "has no named instance 'Ultra Wide'" in failed[0]
    assert len(list(out.rglob("*.png"))) == 3


def test_a_bitmap_only_font_is_left_out_with_what_to_use_instead(tmp_path):
    """A colour emoji font (CBDT bitmaps at one size) failed with FreeType's "invalid pixel size"."""
    from synthocr.planner.fonts import inspect_font

    data = bytearray(INTER.read_bytes())
    tables = int.from_bytes(data[4:6], "big")
    for k in range(tables):  # the table directory: rename glyf, so that only a bitmap table holds glyphs
        at = 12 + 16 * k
        if data[at : at + 4] == b"glyf":
            data[at : at + 4] = b"CBDT"
    path = tmp_path / "Emoji.ttf"
    path.write_bytes(bytes(data))
    info = inspect_font(path, path.name)
    assert not info.healthy and "only bitmap glyphs" in info.reason and "Noto Emoji" in info.reason


def test_a_bitmap_only_font_no_specification_asks_for_is_no_warning(cli, tmp_path, caplog):
    """font_dir: /usr/share/fonts holds Noto Color Emoji: every plan warned that it was left out, though no
    specification's font_filter matched it, with nothing to act on. It is noted at INFO level then, and still
    a warning where a specification's font_filter or fallback_fonts match it."""
    import logging

    data = bytearray(INTER.read_bytes())
    for k in range(int.from_bytes(data[4:6], "big")):
        if data[12 + 16 * k : 16 + 16 * k] == b"glyf":
            data[12 + 16 * k : 16 + 16 * k] = b"CBDT"
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "Emoji.ttf").write_bytes(bytes(data))
    sans = BUILTIN_DIRS["font"] / "DejaVuSans.ttf"
    lines = ("Hello there world",)
    for spec, warned in (({"font_filter": "DejaVu*"}, False), ({"font_filter": "*"}, True)):
        config = one_spec_config(tmp_path, (sans,), "t.txt", lines, spec, 4, seed=1)
        caplog.clear()
        with caplog.at_level(logging.INFO):
            assert cli("plan", config, "-o", tmp_path / "p.parquet")[0] == 0
        said = [r for r in caplog.records if "Emoji.ttf left out" in r.getMessage()]
        assert len(said) == 1 and (said[0].levelno == logging.WARNING) == warned, spec
