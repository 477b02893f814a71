"""Font fallback (`fallback_fonts` -> the plan's `fallback_fonts` column): the characters a row's font lacks
are drawn by the first fallback font that has them, each part as Pillow/raqm draws it with its own font."""

from __future__ import annotations

import json
from pathlib import Path

import freetype
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from PIL import Image, ImageDraw, ImageFont, features

from helpers import one_spec_config, plan_and_render_labels, plan_requests
from synthocr.analysis.parity import aligned_iou, label_problems
from synthocr.assets import BUILTIN_DIRS
from synthocr.renderer.layout import layout_line, layout_mask
from synthocr.renderer.shaping import FontFile, SizedFont

FONTS = BUILTIN_DIRS["font"]
HEBREW = FONTS / "NotoSansHebrew-Regular.ttf"  # Hebrew letters and niqqud; no digits, no brackets, no Latin
SANS = FONTS / "DejaVuSans.ttf"
MONO = FONTS / "DejaVuSansMono.ttf"  # digits, no ※
NASKH = FONTS / "NotoNaskhArabic-Regular.ttf"  # Arabic and digits; no Latin letters, no brackets
# Whether Pillow's FreeType draws the glyphs freetype-py's does (same pixels expected, not only the same shapes).
SAME_FREETYPE = features.version("freetype2") == ".".join(map(str, freetype.version()))
LINES = ("שלום עולם", "מחיר 250 שקלים", "ראה [עמוד 12]", "בית ספר")


def _font(path: Path, size: int) -> SizedFont:
    return SizedFont(FontFile(str(path), path.name), size)


def _pillow_runs(segments: list[tuple[str, Path, str]], size: int, language: str) -> Image.Image:
    """The reference: Pillow/raqm draws each piece of the line (its text, font, direction), left to right,
    each where Pillow's advance of the pieces before it ends (fractional pixels), on one baseline."""
    fonts = [ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM) for _, path, _ in segments]
    width = sum(f.getlength(text, direction=d, language=language) for f, (text, _, d) in zip(fonts, segments))
    canvas = Image.new("L", (int(width) + 2 * size, 3 * size), 0)
    draw = ImageDraw.Draw(canvas)
    x = float(size)
    for font, (text, _, direction) in zip(fonts, segments):
        draw.text((x, 2 * size), text, fill=255, font=font, anchor="ls", direction=direction, language=language)
        x += font.getlength(text, direction=direction, language=language)
    return canvas


# A line, its language, and its pieces in visual order: a right-to-left paragraph draws its logically last
# piece leftmost; a space goes with the piece of the font that draws it.
CASES = {
    "digits in Hebrew": (
        "שלום 2024 עולם",
        "he",
        [(slice(9, 14), HEBREW, "rtl"), (slice(5, 9), SANS, "ltr"), (slice(0, 5), HEBREW, "rtl")],
    ),
    "Latin in Arabic": (
        "نظام Linux الجديد",
        "ar",
        [(slice(10, 17), NASKH, "rtl"), (slice(5, 10), SANS, "ltr"), (slice(0, 5), NASKH, "rtl")],
    ),
    # U+0301, which the Hebrew font lacks, makes א́ one grapheme cluster: the fallback draws both, the mark on its
    # letter; never the letter in one font and the mark in another.
    "a letter and its mark": ("שלום א\u0301", "he", [(slice(5, 7), SANS, "rtl"), (slice(0, 5), HEBREW, "rtl")]),
}


@pytest.mark.parametrize("size", [17, 24, 37])
@pytest.mark.parametrize("case", list(CASES))
def test_what_the_font_lacks_is_drawn_by_the_fallback_as_pillow_draws_it(case, size):
    """Each piece has the pixels Pillow draws for it in its font, placed by Pillow's advances of the pieces
    before it, and every label entry is one character with ink in its box."""
    text, language, pieces = CASES[case]
    primary = pieces[-1][1]
    layout = layout_line(text, "rtl", _font(primary, size), 0.0, language, (_font(SANS, size),))
    mask = layout_mask(layout)
    assert not label_problems(layout, mask)
    reference = _pillow_runs([(text[at], path, d) for at, path, d in pieces], size, language)
    iou, same = aligned_iou(mask, reference)
    assert iou >= 0.99 and (same or not SAME_FREETYPE), (iou, same)


def test_digits_read_left_to_right_inside_a_right_to_left_line():
    layout = layout_line("שלום 2024 עולם", "rtl", _font(HEBREW, 24), 0.0, "he", (_font(SANS, 24),))
    digits = [c.box.x0 for c in layout.clusters if 5 <= c.start < 9]
    assert digits == sorted(digits)
    words = [c.box.x0 for c in layout.clusters if c.start in (0, 5, 10)]
    assert words == sorted(words, reverse=True)  # right to left: שלום, then 2024, then עולם


def test_a_text_the_font_draws_is_laid_out_as_without_fallbacks():
    plain = layout_line("שלום עולם", "rtl", _font(HEBREW, 24), 0.0, "he")
    helped = layout_line("שלום עולם", "rtl", _font(HEBREW, 24), 0.0, "he", (_font(SANS, 24),))
    assert [c[:2] for c in plain.clusters] == [c[:2] for c in helped.clusters]
    assert np.array_equal(np.asarray(layout_mask(plain)), np.asarray(layout_mask(helped)))


def _setup(root: Path, spec: dict, total: int = 40, lines: tuple[str, ...] = LINES) -> Path:
    """A right-to-left config over the Hebrew font and the two DejaVu Sans, and a one-file corpus of `lines`."""
    fixed = {"text_direction": "rtl", "font_filter": HEBREW.name}
    return one_spec_config(root, (HEBREW, SANS, MONO), "he.txt", lines, {**fixed, **spec}, total, seed=3)


def test_lines_the_font_cannot_draw_alone_are_planned_with_the_fonts_they_need(cli, tmp_path):
    """Without fallback fonts the lines with digits or brackets never appear (the Hebrew font lacks them);
    with them they do, in the Hebrew font, and their rows name the fallback font (and its sha1) they need."""
    import hashlib

    config = _setup(tmp_path, {"fallback_fonts": [MONO.name, SANS.name]})
    assert cli("plan", config, "-o", tmp_path / "p.parquet")[0] == 0
    frame = pd.read_parquet(tmp_path / "p.parquet")
    assert set(frame.text) == set(LINES) and (frame.font == HEBREW.name).all()
    needs = frame.text.str.contains(r"[0-9\[\]]")
    assert (frame.fallback_fonts[needs] == MONO.name).all()  # the first that has digits and brackets
    assert (frame.fallback_sha1[needs] == hashlib.sha1(MONO.read_bytes()).hexdigest()).all()
    assert (frame.fallback_fonts[~needs] == "").all() and (frame.fallback_sha1[~needs] == "").all()

    assert cli("plan", config, "-o", tmp_path / "plain.parquet", "specifications.0.fallback_fonts=[]")[0] == 0
    plain = pd.read_parquet(tmp_path / "plain.parquet")
    assert set(plain.text) == {"שלום עולם", "בית ספר"} and (plain.fallback_fonts == "").all()


def test_a_font_without_the_lines_script_is_never_its_font(cli, tmp_path):
    """DejaVu Sans Mono has no Hebrew letter: with DejaVu Sans as fallback it could draw any Hebrew line
    (its spaces and digits), but a row's font is a font for its line's script. Latin lines may take it."""
    lines = (*LINES, "Hello world", "Room 12 [east]")
    config = _setup(tmp_path, {"font_filter": [HEBREW.name, MONO.name], "fallback_fonts": SANS.name}, 200, lines)
    assert cli("plan", config, "-o", tmp_path / "p.parquet")[0] == 0
    frame = pd.read_parquet(tmp_path / "p.parquet")
    hebrew = frame.text.isin(LINES)
    assert (frame.font[hebrew] == HEBREW.name).all() and (frame.font[~hebrew] == MONO.name).all()
    assert set(frame.text) == set(lines) and (frame.fallback_fonts[~hebrew] == "").all()


def test_each_character_takes_the_first_fallback_font_that_has_it(cli, tmp_path):
    config = _setup(tmp_path, {"fallback_fonts": [MONO.name, SANS.name]}, lines=("הערה ※ 12",), total=4)
    assert cli("plan", config, "-o", tmp_path / "p.parquet")[0] == 0
    frame = pd.read_parquet(tmp_path / "p.parquet")
    assert (frame.fallback_fonts == f"{MONO.name}|{SANS.name}").all()
    assert (frame.fallback_sha1.str.split("|").str.len() == 2).all()


def test_rows_render_with_their_fallback_fonts_from_the_cli(cli, tmp_path):
    config = _setup(tmp_path, {"fallback_fonts": SANS.name}, total=12)
    plan, labels = plan_and_render_labels(cli, config, workers=2)
    assert len(labels) == 12
    frame = pd.read_parquet(plan)
    for label, (_, row) in zip(labels, frame.iterrows()):
        assert label["text"] == row.text and label["params"]["fallback_fonts"] == row.fallback_fonts
        entries = "".join(c["text"] for c in label["chars"])
        assert entries == row.text.replace(" ", "")
    assert any(label["params"]["fallback_fonts"] == SANS.name for label in labels)
    code, stdout, _ = cli("inspect", plan)
    assert code == 0 and "fallback fonts" in stdout and SANS.name in stdout
    code, stdout, _ = cli("plan", config, "--dry-run")
    assert code == 0 and "rows drawn with fallback fonts (" in stdout and f"  {SANS.name}: " in stdout


def test_a_fallback_glob_that_matches_no_font_is_a_config_error(cli, tmp_path):
    config = _setup(tmp_path, {"fallback_fonts": ["NotoSans-*.ttf"]})
    code, _, err = cli("plan", config, "-o", tmp_path / "p.parquet")
    assert code == 2 and "Traceback" not in err
    assert "fallback_fonts[0]" in err and "'NotoSans-*.ttf'" in err


def test_a_fallback_font_that_does_not_load_is_a_clear_error(cli, tmp_path):
    config = _setup(tmp_path, {"fallback_fonts": ["Broken*.ttf"]})
    (tmp_path / "fonts" / "Broken-Regular.ttf").write_bytes(b"not a font" * 100)
    code, _, err = cli("plan", config, "-o", tmp_path / "p.parquet")
    assert code == 2 and "Traceback" not in err
    assert (
        "specification 'he': fallback_fonts 'Broken*.ttf' matches only fonts that failed to load (Broken-Regular.ttf"
        in err
    )


def test_a_request_is_checked_with_its_specs_fallback_fonts(cli, tmp_path):
    content = f"text,font\nמחיר 250 שקלים,{HEBREW.name}\nשלום,{HEBREW.name}\n"
    plan, _ = plan_requests(cli, _setup(tmp_path, {"fallback_fonts": SANS.name}), tmp_path, content)
    assert pd.read_parquet(plan).fallback_fonts.tolist() == [SANS.name, ""]
    plan, requests = plan_requests(cli, _setup(tmp_path, {}), tmp_path, content)
    assert pd.read_parquet(plan).text.tolist() == ["שלום"]
    rejected = pd.read_csv(str(requests) + ".rejected.csv")
    assert rejected.error_type.tolist() == ["uncovered_text"]
    code, _, err = cli("plan", _setup(tmp_path, {}), "--requests", _request(tmp_path), "-o", tmp_path / "x.parquet")
    assert code == 2 and "no valid requests" in err
    rejected = pd.read_csv(tmp_path / "derived.csv.rejected.csv")
    assert "fallback_fonts: cannot be requested" in rejected.error_message[0]


def test_a_requested_font_outside_the_specs_filter_has_the_specs_fallback_fonts_too(cli, tmp_path):
    """A request may name any font; its text is drawable with the spec's fallback fonts whatever the filter,
    and is planned so (the fonts the filter allows all drawing the text alone must not hide it)."""
    config = _setup(tmp_path, {"font_filter": SANS.name, "fallback_fonts": MONO.name})
    plan, requests = plan_requests(cli, config, tmp_path, f"text,font\nמחיר 250 שקלים,{HEBREW.name}\n")
    frame = pd.read_parquet(plan)
    assert frame.font.tolist() == [HEBREW.name] and frame.fallback_fonts.tolist() == [MONO.name]


def _request(root: Path) -> Path:
    path = root / "derived.csv"
    path.write_text(f"text,fallback_fonts\nשלום,{SANS.name}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"fallback_sha1": "0" * 40}, "is not the file the plan was made with"),
        ({"fallback_sha1": ""}, "do not name one sha1 per font"),
    ],
)
def test_a_hand_edited_fallback_fails_its_row_alone(cli, tmp_path, edit, message):
    config = _setup(tmp_path, {"fallback_fonts": SANS.name}, lines=("מחיר 250 שקלים", "שלום עולם"), total=6)
    plan, edited, out = tmp_path / "p.parquet", tmp_path / "e.parquet", tmp_path / "out"
    assert cli("plan", config, "-o", plan)[0] == 0
    table = pq.read_table(plan)
    row = table.column("fallback_fonts").to_pylist().index(SANS.name)
    for column, value in edit.items():
        i = table.schema.get_field_index(column)
        values = table.column(i).to_pylist()
        values[row] = value
        table = table.set_column(i, table.schema.field(i), pa.array(values).dictionary_encode())
    pq.write_table(table, edited)
    code, stdout, _ = cli("render", edited, "-o", out, "--workers", "1", "--quiet")
    assert code == 1 and "failed 1" in stdout
    state = [json.loads(line) for line in (out / "_render_state.jsonl").read_text().splitlines()]
    failed = [r["error_message"] for r in state if r.get("status") == "failed"]
    assert len(failed) == 1 and message in failed[0]
    assert len(list(out.rglob("*.png"))) == 5


def test_a_japanese_line_with_a_long_foreign_word_keeps_its_japanese_font(cli, tmp_path):
    """Japanese writes Han and kana in one line: counted as one script, 日本語のです (six letters) outweighs the
    Arabic word مرحبا (five), so the line is drawn in the Japanese font with Noto Naskh for the word, turned in a
    ttb-mixed column. Counted apart (three Han, three kana) the Arabic word was the line's main script, the
    Japanese font was refused and the line was never drawn."""
    cjk = Path(__file__).parent / "fonts" / "NotoSansCJKjp-subset.otf"
    naskh = BUILTIN_DIRS["font"] / "NotoNaskhArabic-Regular.ttf"
    text = "日本語のمرحباです"
    spec = {"font_filter": cjk.name, "fallback_fonts": naskh.name, "language": "ja", "text_direction": "ttb-mixed"}
    config = one_spec_config(tmp_path, (cjk, naskh), "ja.txt", (text,), spec, 4, seed=1)
    plan, labels = plan_and_render_labels(cli, config)
    frame = pd.read_parquet(plan)
    assert (frame.text == text).all() and (frame.font == cjk.name).all() and (frame.fallback_fonts == naskh.name).all()
    label = labels[0]
    tops = {c["text"]: c["bbox"][1] for c in label["chars"]}
    assert tops["日"] < tops["ا"] < tops["م"] < tops["で"]  # the Arabic word read from the bottom up
