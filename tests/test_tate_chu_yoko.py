"""Tate-chu-yoko (縦中横): a spec's `combine_upright_digits` sets short runs of digits of vertical lines upright,
side by side in one em (CSS `text-combine-upright: digits N`), each digit boxed in its share of the em square;
the combined ink is Pillow's horizontal line with the font's half-width digits (hwid), narrowed to the em
when it is wider."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from PIL import Image, ImageDraw, ImageFont

from synthocr.analysis.parity import aligned_iou, label_problems
from synthocr.config import config_from_dict
from synthocr.errors import ConfigError
from synthocr.planner.plan import plan_batch
from synthocr.renderer.layout import layout_line, layout_mask
from synthocr.renderer.linestyle import Emphasis, LineStyle
from synthocr.renderer.shaping import FontFile, SizedFont
from synthocr.renderer.upright import combined_spans
from synthocr.schemas.params import EFFECTS

# Noto Sans CJK JP (OFL: tests/fonts/LICENSE_NOTO_CJK) subset to these tests' characters, with its vertical metrics
# and its half-width digits (hwid); no third- or quarter-width forms (twid, qwid): 3 and 4 digits are narrowed.
CJK = Path(__file__).parent / "fonts" / "NotoSansCJKjp-tcy-subset.otf"
SIZE = 40  # px: even, so that Pillow's whole-pixel glyph positions are exact at half width
CLEAN = {f"{e.name}_probability": 0.0 for e in EFFECTS}


def _font(size: int = SIZE) -> SizedFont:
    return SizedFont(FontFile(str(CJK), CJK.name), size)


def _hwid_line(digits: str, size: int, scale: Fraction = Fraction(1)) -> Image.Image:
    """The reference: Pillow/raqm drawing `digits` as a horizontal line with the font's hwid feature, narrowed by
    `scale` (p/q) by exact area averaging (each column repeated p times, then averaged q at a time)."""
    font = ImageFont.truetype(str(CJK), size, layout_engine=ImageFont.Layout.RAQM)
    x0, y0, x1, y1 = font.getbbox(digits, anchor="ls", features=["hwid"])
    q = scale.denominator
    width = math.ceil(x1 - x0) + 4 * q
    canvas = Image.new("L", (width + -width % q, math.ceil(y1 - y0) + 8), 0)
    ImageDraw.Draw(canvas).text((2 * q, 4 - y0), digits, fill=255, font=font, anchor="ls", features=["hwid"])
    cover = np.repeat(np.asarray(canvas, np.float64), scale.numerator, axis=1)
    cover = cover.reshape(cover.shape[0], -1, q).mean(axis=2)
    return Image.fromarray(np.round(cover).astype(np.uint8))


@pytest.mark.parametrize(
    ("text", "longest", "combined"),
    [
        ("12月7日", 2, ["12", "7"]),
        ("第23章", 2, ["23"]),
        ("2026年", 2, []),  # longer than 2: left as it was
        ("2026年", 4, ["2026"]),
        ("東京 2026年", 4, ["2026"]),  # a space holds nothing
        ("A4用紙", 4, []),  # a letter turned with it
        ("第4K画質", 4, []),
        ("3.14倍", 4, []),  # a decimal point between digits: one number
        ("1,000円", 4, []),
        ("12:30", 4, []),
        ("12/7", 4, []),
        ("第3章。", 4, ["3"]),  # a full stop with no digit beyond it holds nothing
        ("１２月", 4, []),  # full-width digits: upright one to an em already
        ("1２月", 4, []),
        ("1\u20e3日", 4, []),  # a keycap: a combining mark on the digit
        ("x²3", 4, []),
        ("第３章と第3章", 4, ["3"]),
        ("12月", 0, []),
    ],
)
def test_what_is_combined(text, longest, combined):
    assert [text[s:e] for s, e in combined_spans(text, longest)] == combined


@pytest.mark.parametrize("size", [17, 24, 37])
def test_a_single_digit_combined_is_the_upright_digit_and_words_keep_their_digits(size):
    """One digit combined is drawn where the column draws it upright (its em, the font's vertical origin); digits
    held by a word or a number are drawn as without combining; a horizontal line ignores the setting."""
    font = _font(size)
    for text, direction in [
        ("第3章", "ttb-mixed"),
        ("第3章", "ttb"),
        ("A4用紙", "ttb-mixed"),
        ("3.14倍", "ttb"),
        ("iPhone 15です", "ttb-mixed"),  # turned with the word before it, as before
        ("第23章", "ltr"),
    ]:
        before = layout_line(text, direction, font, 0.0)
        after = layout_line(text, direction, font, 0.0, combine_upright=4)
        assert np.array_equal(np.asarray(layout_mask(before)), np.asarray(layout_mask(after))), (text, direction)
        if text != "第3章":
            assert before.clusters == after.clusters, (text, direction)


@pytest.mark.parametrize("size", [16, 17, 24, 31, 40, 57])
def test_two_digits_are_the_same_pixels_as_pillows_half_width_line(size):
    layout = layout_line("第23章", "ttb-mixed", _font(size), 0.0, combine_upright=2)
    mask = layout_mask(layout)
    two, three = layout.clusters[1:3]
    cell = mask.crop((0, math.floor(two.box.y0), mask.width, math.ceil(two.box.y1)))
    assert aligned_iou(cell, _hwid_line("23", size))[1]


@pytest.mark.parametrize("direction", ["ttb-mixed", "ttb"])
def test_combined_digits_share_one_em_of_the_column_side_by_side(direction):
    """The digits' boxes are the em square cut between them, left to right; the column moves on by one em, so the
    characters after them are where they follow one upright character (第二章)."""
    font = _font()
    combined = layout_line("第23章", direction, font, 0.0, combine_upright=2)
    upright = layout_line("第二章", direction, font, 0.0)
    assert not label_problems(combined, layout_mask(combined))
    first, two, three, last = combined.clusters
    assert (first.box, last.box) == (upright.clusters[0].box, upright.clusters[2].box)
    kanji = upright.clusters[1].box  # 二 fills its em of the column
    for digit in (two, three):
        assert (digit.box.y0, digit.box.y1) == (kanji.y0, kanji.y1) and kanji.y1 - kanji.y0 == SIZE
    assert two.box.x1 == three.box.x0  # side by side, in reading order
    assert three.box.x1 - two.box.x0 == pytest.approx(SIZE, abs=1)  # the em square, centred on the column
    assert (two.box.x0 + three.box.x1) / 2 == pytest.approx((kanji.x0 + kanji.x1) / 2, abs=0.5)
    assert combined.size == upright.size


def test_spacing_and_emphasis_keep_the_digits_in_their_cell():
    font = _font(32)
    text = "東京 12月7日 です 第123章"
    for style in (
        LineStyle(overlap=0.2),
        LineStyle(tracking=0.3),
        LineStyle(emphasis=Emphasis(2, 0.2, 0.05, 0, True)),  # bold and italic: the digits grow as upright glyphs
    ):
        layout = layout_line(text, "ttb-mixed", font, style, combine_upright=3)
        assert not label_problems(layout, layout_mask(layout))
        for start, stop in combined_spans(text, 3):
            cell = [c.box for c in layout.clusters if start <= c.start < stop]
            assert len({(b.y0, b.y1) for b in cell}) == 1  # no spacing inside the cell
            assert all(a.x1 == b.x0 for a, b in zip(cell, cell[1:]))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Rows of one vertical spec combining up to 4 digits, planned from requests (one asks for 0) and rendered:
    {text, requested value: (label, coverage of the ink, 0-255)}."""
    root = tmp_path_factory.mktemp("tcy")
    (root / "fonts").mkdir()
    (root / "fonts" / CJK.name).write_bytes(CJK.read_bytes())
    spec = {
        "name": "ja",
        "text_direction": "ttb-mixed",
        "language": "ja",
        "combine_upright_digits": 4,
        "font_size_min": SIZE,
        "font_size_max": SIZE,
        "padding_min": 6,
        "padding_max": 6,
        "background_weights": {"plain": 1},
        "ink_color_weights": {"dark": 1},
        "background_color_weights": {"white": 1},
        **CLEAN,
    }
    config = {
        "total_images": 1,
        "seed": 3,
        "color_mode": "L",
        "font_dir": str(root / "fonts"),
        "specifications": [spec],
    }
    (root / "c.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    rows = [{"text": t} for t in ("12月7日", "第23章", "2026年", "第123章", "第二章", "A4用紙")]
    rows.append({"text": "第23章", "combine_upright_digits": 0})
    (root / "req.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    plan, out = root / "p.parquet", root / "out"
    from synthocr.cli import main

    assert main(["plan", str(root / "c.yaml"), "--requests", str(root / "req.jsonl"), "-o", str(plan)]) == 0
    assert main(["render", str(plan), "-o", str(out), "--workers", "1", "--quiet"]) == 0
    found = {}
    for path in sorted(out.rglob("image_*.json")):
        label = json.loads(path.read_text("utf-8"))
        with Image.open(path.with_suffix(".png")) as im:
            pixels = np.asarray(im.convert("L"), np.float64)
        paper, ink = pixels[0, 0], pixels.min()  # a plain ground, and strokes wider than a pixel in full ink
        cover = np.clip((paper - pixels) / (paper - ink), 0.0, 1.0) * 255
        found[label["text"], label["params"]["combine_upright_digits"]] = (label, np.round(cover).astype(np.uint8))
    return pd.read_parquet(plan), found


def _largest_difference(ours: Image.Image, reference: Image.Image) -> int:
    """The largest difference of coverage (0-255) between two ink masks, their inked parts aligned at the best
    whole-pixel shift (by up to one pixel either way)."""
    a = np.asarray(ours.crop(ours.getbbox()), np.int64)
    b = np.asarray(reference.crop(reference.getbbox()), np.int64)
    h, w = max(a.shape[0], b.shape[0]) + 2, max(a.shape[1], b.shape[1]) + 2
    pa = np.zeros((h, w), np.int64)
    pa[1 : 1 + a.shape[0], 1 : 1 + a.shape[1]] = a
    best = 255
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            pb = np.zeros((h, w), np.int64)
            pb[1 + dy : 1 + dy + b.shape[0], 1 + dx : 1 + dx + b.shape[1]] = b
            best = min(best, int(np.abs(pa - pb).max()))
    return best


def _digits(label: dict) -> list[dict]:
    return [c for c in label["chars"] if c["text"].isdigit()]


def _cell_ink(cover: np.ndarray, chars: list[dict]) -> Image.Image:
    x0 = math.floor(min(c["bbox"][0] for c in chars)) - 2
    y0, y1 = math.floor(chars[0]["bbox"][1]), math.ceil(chars[0]["bbox"][3])
    x1 = math.ceil(max(c["bbox"][2] for c in chars)) + 2
    return Image.fromarray(cover[y0:y1, max(0, x0) : x1])


def test_the_plan_carries_the_value_per_row(rendered):
    plan, _ = rendered
    assert plan.combine_upright_digits.dtype == np.uint8
    assert sorted(plan.combine_upright_digits) == [0] + [4] * 6  # the request's 0 kept


def test_the_label_sets_the_digits_side_by_side_in_one_em_of_the_column(rendered):
    _, found = rendered
    for text in ("12月7日", "第23章", "2026年", "第123章"):
        label, _ = found[text, 4]
        column = [c for c in label["chars"] if not c["text"].isdigit()]
        centre = np.mean([(c["bbox"][0] + c["bbox"][2]) / 2 for c in column])
        runs: list[list[dict]] = []  # the label's characters, consecutive digits together
        for c in label["chars"]:
            if c["text"].isdigit() and runs and runs[-1][-1]["text"].isdigit():
                runs[-1].append(c)
            else:
                runs.append([c])
        for cell in (r for r in runs if r[0]["text"].isdigit()):
            tops = {(c["bbox"][1], c["bbox"][3]) for c in cell}
            assert len(tops) == 1 and math.isclose(cell[0]["bbox"][3] - cell[0]["bbox"][1], SIZE, abs_tol=0.01)
            xs = [c["bbox"][0] for c in cell] + [cell[-1]["bbox"][2]]
            assert xs == sorted(xs) and xs[-1] - xs[0] <= SIZE + 1, (text, xs)  # left to right, in one em
            assert abs((xs[0] + xs[-1]) / 2 - centre) <= 0.5  # centred on the column
            for c in cell:  # polygons are the boxes (no warp), inside the word's
                (px0, py0), (_, _), (px1, py1), _ = c["polygon"]
                assert [px0, py0, px1, py1] == pytest.approx(c["bbox"])
        word = label["words"][0]["bbox"]
        assert all(
            word[0] <= c["bbox"][0] and c["bbox"][2] <= word[2] and word[1] <= c["bbox"][1] and c["bbox"][3] <= word[3]
            for c in label["chars"]
        )
        tops = [c["bbox"][1] for c in label["chars"]]
        assert tops == sorted(tops)  # reading order down the column
    # The em square is where the column puts an upright character: 第二章's 二, and 章 after it.
    plain, _ = found["第二章", 4]
    tcy, _ = found["第23章", 4]
    assert [c["bbox"][1::2] for c in plain["chars"]] == [tcy["chars"][0]["bbox"][1::2]] + [
        tcy["chars"][1]["bbox"][1::2],
        tcy["chars"][3]["bbox"][1::2],
    ]
    (bx0, _), (bx1, _) = plain["line"]["baseline"][0], plain["line"]["baseline"][-1]
    (tx0, _), (tx1, _) = tcy["line"]["baseline"][0], tcy["line"]["baseline"][-1]
    assert (bx0, bx1) == (tx0, tx1)  # the same centre line


def test_the_combined_ink_is_pillows_half_width_line(rendered):
    """2 digits: the font's hwid forms fit the em: the same pixels as Pillow's horizontal line with hwid. 3 and 4
    (no twid, qwid in this font): the hwid line narrowed to the em, against Pillow's narrowed by area averaging."""
    _, found = rendered
    # The image's coverage, read back from a grey ground and ink, is the reference's to a grey level or two.
    label, cover = found["第23章", 4]
    assert _largest_difference(_cell_ink(cover, _digits(label)), _hwid_line("23", SIZE)) <= 2
    label, cover = found["12月7日", 4]
    assert _largest_difference(_cell_ink(cover, _digits(label)[:2]), _hwid_line("12", SIZE)) <= 2
    for text, digits, least in (("2026年", "2026", 0.98), ("第123章", "123", 0.95)):
        label, cover = found[text, 4]
        scale = Fraction(SIZE, len(digits) * SIZE // 2)  # the hwid run (half an em a digit) fitted to the em
        iou, _ = aligned_iou(_cell_ink(cover, _digits(label)), _hwid_line(digits, SIZE, scale))
        assert iou >= least, (text, iou)
    # Without combining (the request's 0) the digits stand one to an em, as before.
    label, cover = found["第23章", 0]
    assert [c["bbox"][1] for c in _digits(label)] == sorted({c["bbox"][1] for c in _digits(label)})
    assert _digits(label)[1]["bbox"][1] - _digits(label)[0]["bbox"][1] == SIZE


def test_a_held_run_is_drawn_as_before(rendered):
    _, found = rendered
    label, _ = found["A4用紙", 4]
    assert [c["bbox"][0] for c in label["chars"]] == [label["chars"][0]["bbox"][0]] * 4  # every box spans the column


def test_turning_it_on_changes_no_other_column():
    base = {"total_images": 40, "seed": 5}
    spec = {"corpus_file": "latin.txt", "text_direction_weights": {"ltr": 1, "ttb-mixed": 1}}
    off = plan_batch(config_from_dict({**base, "specifications": [spec]})).to_pandas()
    on = plan_batch(
        config_from_dict(
            {
                **base,
                "specifications": [{**spec, "combine_upright_digits": 2, "combine_upright_digits_probability": 0.5}],
            }
        )
    ).to_pandas()
    assert (off.combine_upright_digits == 0).all()
    others = [c for c in off.columns if c != "combine_upright_digits"]
    pd.testing.assert_frame_equal(off[others], on[others])
    vertical = on.text_direction == "ttb-mixed"
    assert set(on.combine_upright_digits[~vertical]) == {0}
    assert set(on.combine_upright_digits[vertical]) == {0, 2}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"text_direction": "ttb", "combine_upright_digits": 5}, "must be from 0 (off) to 4"),
        ({"combine_upright_digits": 2}, "only used in vertical lines"),
        ({"text_direction": "ttb", "combine_upright_digits_probability": 1.5}, "must be a share of rows"),
    ],
)
def test_the_config_is_checked(spec, message):
    with pytest.raises(ConfigError) as err:
        config_from_dict({"specifications": [{"corpus_file": "latin.txt", **spec}]})
    assert message in str(err.value)


def test_a_request_file_may_set_the_value_of_a_row(cli, tmp_path):
    import csv

    config = {
        "total_images": 1,
        "specifications": [
            {"corpus_file": "latin.txt", "text_direction_weights": {"ltr": 1, "ttb": 1}, "combine_upright_digits": 2}
        ],
    }
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    requests = tmp_path / "req.csv"
    requests.write_text(
        "text,text_direction,combine_upright_digits\nAbc 12,ttb,3\nAbc 12,ltr,2\nAbc 12,ttb,5\n", encoding="utf-8"
    )
    code, _, err = cli("plan", tmp_path / "c.yaml", "--requests", requests, "-o", tmp_path / "p.parquet")
    assert code == 0, err
    plan = pd.read_parquet(tmp_path / "p.parquet")
    assert list(plan.combine_upright_digits) == [3, 0]  # a horizontal row has nothing to combine: 0
    with open(str(requests) + ".rejected.csv", newline="", encoding="utf-8") as fh:
        (rejected,) = list(csv.DictReader(fh))
    assert rejected["error_type"] == "out_of_range" and "[0, 4]" in rejected["error_message"]


def test_inspect_shows_the_share_of_rows_with_upright_digits(cli, tmp_path):
    """`inspect` names how many rows set digits upright, and how many at most, before any compute is spent; a
    plan that sets none has no such row."""
    config = {
        "total_images": 40,
        "seed": 5,
        "specifications": [
            {"name": "cols", "corpus_file": "latin.txt", "text_direction_weights": {"ltr": 1, "ttb": 1},
             "combine_upright_digits": 2},
            {"name": "flat", "corpus_file": "latin.txt"},
        ],
    }  # fmt: skip
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    assert cli("plan", tmp_path / "c.yaml", "-o", tmp_path / "p.parquet")[0] == 0
    plan = pd.read_parquet(tmp_path / "p.parquet")
    vertical = int((plan[plan.spec == "cols"].combine_upright_digits == 2).sum())
    rows = int((plan.spec == "cols").sum())
    assert 0 < vertical < rows
    code, out, _ = cli("inspect", tmp_path / "p.parquet")
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("upright digits"))
    assert f"up to 2 {round(100 * vertical / rows)}%" in line or f"off {round(100 * (rows - vertical) / rows)}%" in line
    assert line.split()[-1] == "off"  # the horizontal spec
    summary = json.loads(cli("inspect", tmp_path / "p.parquet", "--json")[1])
    cols = next(s for s in summary["specs"] if s["name"] == "cols")
    assert cols["combine_upright_digits"] == {"2": vertical, "0": rows - vertical}
    config["specifications"] = config["specifications"][1:]
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    assert cli("plan", tmp_path / "c.yaml", "-o", tmp_path / "q.parquet")[0] == 0
    assert "upright digits" not in cli("inspect", tmp_path / "q.parquet")[1]
