"""Font collections (.ttc): rows drawn in the faces `font_instances` picks, each as Pillow draws that face;
only the first face was ever drawn before."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import yaml

from synthocr.analysis.parity import aligned_iou, label_problems, reference_mask
from synthocr.planner.fonts import inspect_font
from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.layout import layout_line, layout_mask

# DejaVu Sans, DejaVu Serif and DejaVu Sans Mono in one collection (tests/fonts/LICENSE_DEJAVU_SUBSET),
# subset to the letters of TEXTS; the Mono face lacks the digits.
TTC = Path(__file__).parent / "fonts" / "DejaVu-subset.ttc"
TEXTS = ("Sphinx of black quartz, judge my vow.", "AVTW 0123456789")


def test_the_faces_offered_are_those_that_draw_what_the_first_covers():
    info = inspect_font(TTC, TTC.name)
    assert info.healthy and info.instances == ("DejaVu Sans", "DejaVu Serif")  # Sans Mono has no digits
    assert set("0123456789") <= set(map(chr, info.codepoints))


def test_each_face_is_drawn_as_pillow_draws_it():
    import hashlib

    assets = RenderAssets({"font": str(TTC.parent)})
    sha1 = hashlib.sha1(TTC.read_bytes()).hexdigest()
    faces = assets.font(TTC.name, sha1, 20).file.faces
    assert faces == {"DejaVu Sans": 0, "DejaVu Serif": 1, "DejaVu Sans Mono": 2}
    masks = {}
    for name, index in faces.items():
        for size in (17, 30):
            font = assets.font(TTC.name, sha1, size, name)
            assert font.file.index == index
            for text in TEXTS[: 1 if index == 2 else 2]:
                layout = layout_line(text, "ltr", font, 0.0)
                mask = layout_mask(layout)
                assert not label_problems(layout, mask)
                assert aligned_iou(mask, reference_mask(TTC, size, text, "ltr", index=index))[1], (name, size, text)
                masks[name, size, text] = mask.tobytes()
    assert masks["DejaVu Sans", 30, TEXTS[0]] != masks["DejaVu Serif", 30, TEXTS[0]]
    assert assets.font(TTC.name, sha1, 30, "").file.index == 0  # the default: the first face


def test_rows_are_drawn_in_the_faces_the_spec_picks(cli, tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "corpus").mkdir()
    shutil.copy(TTC, tmp_path / "fonts" / TTC.name)
    (tmp_path / "corpus" / "en.txt").write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    spec = {"name": "c", "corpus_file": "en.txt", "text_source": "lines", "font_instances": ["*Serif", "*Mono"]}
    config = tmp_path / "c.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "total_images": 8,
                "seed": 2,
                "font_dir": str(tmp_path / "fonts"),
                "corpus_dir": str(tmp_path / "corpus"),
                "specifications": [spec],
            }  # fmt: skip
        )
    )
    plan, out = tmp_path / "p.parquet", tmp_path / "out"
    assert cli("plan", config, "-o", plan)[0] == 0
    assert set(pd.read_parquet(plan).font_instance) == {"DejaVu Serif"}  # the Mono face is not offered
    code, _, err = cli("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert code == 0, err
    labels = [json.loads(p.read_text()) for p in out.rglob("image_*.json")]
    assert len(labels) == 8 and {label["params"]["font_instance"] for label in labels} == {"DejaVu Serif"}
    code, stdout, _ = cli("fonts", tmp_path / "fonts")
    assert code == 0 and f"font_instances of {TTC.name}: DejaVu Sans, DejaVu Serif" in stdout


def test_an_otc_collection_is_a_font_too(cli, tmp_path):
    """OpenType collections ship as .otc as well (Source Han Sans): they were not listed as fonts at all."""
    (tmp_path / "fonts").mkdir()
    shutil.copy(TTC, tmp_path / "fonts" / "DejaVu-subset.otc")
    code, stdout, err = cli("fonts", tmp_path / "fonts")
    assert code == 0, err
    assert "font_instances of DejaVu-subset.otc: DejaVu Sans, DejaVu Serif" in stdout
