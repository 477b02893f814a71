"""Whole-line shaping: our ink equals Pillow/raqm drawing the whole string, and the label's characters
are the text's grapheme clusters, each holding ink, ligatures split among them."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from synthocr.analysis.parity import aligned_iou, label_problems, reference_mask
from synthocr.assets import BUILTIN_DIRS
from synthocr.renderer.assets import BoundedCache, RenderAssets
from synthocr.renderer.bidi import visual_runs
from synthocr.renderer.compose import render_row
from synthocr.renderer.layout import Layout, layout_line, layout_mask
from synthocr.renderer.scripts import itemize
from synthocr.renderer.shaping import FontFile, SizedFont, line_runs, shape_run
from synthocr.schemas.plan import asset_roots, plan_metadata

BUILTIN = BUILTIN_DIRS["font"]
NOTO = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
NON_LEFT_JOINING = "اأإآدذرزوؤة"
ZWNJ = "\u200c"

# (font file, direction, texts): the hard cases of each script. Bundled fonts always run.
CASES = [
    (BUILTIN / "DejaVuSans.ttf", "ltr", ["Café naïve re\u0301sume\u0301 noe\u0308l", "office ﬁne ﬂow AVATAR"]),
    (BUILTIN / "DejaVuSerif.ttf", "ltr", ["Ἀθῆναι ά έ ή ί ό ύ ώ", "α\u0301 ε\u0301 ὁδός"]),
    (BUILTIN / "DejaVuSans.ttf", "ltr", ["Ёжик в тумане"]),
    (BUILTIN / "DejaVuSans.ttf", "rtl", ["שלום עולם 2024", "abc שלום 123"]),
    (
        BUILTIN / "NotoNaskhArabic-Regular.ttf",
        "rtl",
        [
            " ".join(c + "ب" for c in NON_LEFT_JOINING),  # each takes its isolated/final form, the beh its initial
            "لا لأ لإ لآ الأطفال سلام",
            "كـتـاب ـــ",  # tatweel
            "كَتَبَ مُحَمَّدٌ",  # harakat
            "می" + ZWNJ + "خواهم پچژگ",  # Persian, ZWNJ
            "لله الله 123",
        ],
    ),
    (BUILTIN / "NotoSansHebrew-Regular.ttf", "rtl", ["שָׁלוֹם בְּרֵאשִׁית בָּרָא", "הַמֶּלֶךְ דָּוִד"]),
    (NOTO / "NotoSans-Regular.ttf", "ltr", ["office affluent ﬁne", "Straße ﬀ e\u0301"]),
    (NOTO / "NotoSansArabic-Regular.ttf", "rtl", ["لا لأ الله", "ٹڈڑں ے پاکستان"]),
    (NOTO / "NotoSansDevanagari-Regular.ttf", "ltr", ["क्षत्रिय श्री द्वार हिन्दी", "प्रत्येक कृ र्क"]),
    (NOTO / "NotoSansThai-Regular.ttf", "ltr", ["ภาษาไทย น้ำ ที่นี่", "กรุงเทพมหานคร"]),
    (NOTO / "NotoNastaliqUrdu-Regular.ttf", "rtl", ["اردو زبان", "پدر و مادر گچ و ژاله"]),
    (CJK, "ttb", ["縦書き「テスト」、。", "日本語abc"]),
]
SIZES = (24, 37)


def _font(path: Path, size: int) -> SizedFont:
    if not path.exists():
        pytest.skip(f"{path.name} is not installed (`make fonts` installs the Noto fonts)")
    return SizedFont(FontFile(str(path), path.name), size)


def _characters(layout: Layout) -> list[tuple[str, tuple[float, float, float, float]]]:
    return [(layout.text[c.start : c.stop], c.box) for c in layout.clusters if layout.text[c.start : c.stop].strip()]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path,direction,texts", CASES, ids=[f"{p.stem}-{d}" for p, d, _ in CASES])
def test_ink_matches_whole_string_raqm_and_labels_are_grapheme_clusters(path, direction, texts, size):
    font = _font(path, size)
    for text in texts:
        layout = layout_line(text, direction, font, 0.0)
        mask = layout_mask(layout)
        iou, _ = aligned_iou(mask, reference_mask(path, size, text, direction))
        assert iou >= 0.97, f"{path.name} {size}px {text!r}: IoU {iou:.3f} against raqm's whole string"
        assert not label_problems(layout, mask), (text, label_problems(layout, mask))


def test_the_bundled_fonts_are_drawn_bit_for_bit_as_raqm_draws_them():
    """Stronger than the IoU bound where nothing but FreeType's version could differ: the same pixels."""
    for name, direction, text in [
        ("DejaVuSans.ttf", "ltr", "Hamburgefonstiv office"),
        ("NotoNaskhArabic-Regular.ttf", "rtl", "دب رب وب الأطفال كَتَبَ"),
        ("NotoSansHebrew-Regular.ttf", "rtl", "שָׁלוֹם בְּרֵאשִׁית"),
    ]:
        font = _font(BUILTIN / name, 31)
        layout = layout_line(text, direction, font, 0.0)
        ours = layout_mask(layout)
        ref = Image.new("L", ours.size, 0)
        pil = ImageFont.truetype(str(BUILTIN / name), 31, layout_engine=ImageFont.Layout.RAQM)
        ImageDraw.Draw(ref).text(layout.origin, text, fill=255, font=pil, direction=direction, anchor="ls")
        assert np.array_equal(np.asarray(ours), np.asarray(ref)), (name, text)


def test_non_left_joining_letters_do_not_join_the_next_one():
    """The beh after each of them has the same (initial) form as a beh at a word's start."""
    font = _font(BUILTIN / "NotoNaskhArabic-Regular.ttf", 40)
    alone = layout_mask(layout_line("بب", "rtl", font, 0.0))
    start = np.asarray(alone.crop(alone.getbbox()))
    for c in NON_LEFT_JOINING:
        layout = layout_line(c + "بب", "rtl", font, 0.0)
        mask = np.asarray(layout_mask(layout))
        box = next(cl.box for cl in layout.clusters if cl.start == 1)
        beh = Image.fromarray(mask[:, math.floor(box.x0) : math.ceil(box.x1)])
        beh_ink = np.asarray(beh.crop(beh.getbbox()))
        assert beh_ink.shape[1] <= start.shape[1] + 1, f"{c}ب: the beh is drawn joined"


def test_ligatures_are_split_among_their_characters():
    """A glyph covering several characters: equal parts of its advance without carets (Naskh's لله)."""
    font = _font(BUILTIN / "NotoNaskhArabic-Regular.ttf", 40)
    layout = layout_line("لله", "rtl", font, 0.0)
    boxes = [c.box for c in layout.clusters]
    assert [layout.text[c.start : c.stop] for c in layout.clusters] == ["ل", "ل", "ه"]
    assert boxes[0].x0 > boxes[1].x0 > boxes[2].x0  # right to left
    inner = [b.x1 - b.x0 for b in boxes[1:2]]
    assert inner[0] > 1


def test_ligature_carets_cut_where_the_font_says():
    font = _font(NOTO / "NotoSans-Regular.ttf", 40)
    layout = layout_line("office", "ltr", font, 0.0)
    f1, f2, i = (c.box for c in layout.clusters[1:4])
    assert f1.x1 == f2.x0 and f2.x1 == i.x0
    # NotoSans's ffi has carets at 315 and 631 of its 947 units: parts of 1/3 each, not equal to the nearest 1e-9.
    widths = [f2.x1 - f2.x0, i.x1 - i.x0]
    assert abs(widths[0] - widths[1]) < 1.0 and widths[0] != widths[1]


def test_default_ignorables_join_a_neighbour_or_are_left_out():
    font = _font(BUILTIN / "DejaVuSans.ttf", 30)
    cases = {
        "c" + ZWNJ + "d": ["c" + ZWNJ, "d"],
        "\u200fabc": ["\u200fa", "b", "c"],  # at a word's start: joins the character after it
        "ab \u200e cd": ["a", "b", "c", "d"],  # between spaces: left out
        "a\u200db": ["a\u200d", "b"],
        # after a space, in its grapheme cluster (UAX #29): it had a character of its own, with no ink or area
        "ab " + ZWNJ + "cd": ["a", "b", ZWNJ + "c", "d"],
        "ab " + ZWNJ: ["a", "b"],
    }
    for text, want in cases.items():
        layout = layout_line(text, "ltr", font, 0.0)
        assert [t for t, _ in _characters(layout)] == want, text


def test_marks_stay_in_their_base_run_and_scripts_get_their_own_runs():
    assert visual_runs("שָׁלוֹם", True) == [visual_runs("שָׁלוֹם", True)[0]]
    # As raqm resolves them: common characters take the script before them, a closing bracket its opening's.
    runs = itemize(visual_runs("Hello नमस्ते (abc)", False), "Hello नमस्ते (abc)")
    assert [(r.start, r.stop, r.script) for r in runs] == [
        (0, 6, "Latn"),
        (6, 14, "Deva"),
        (14, 17, "Latn"),
        (17, 18, "Deva"),
    ]
    assert [r.script for r in line_runs("سلام (ب) abc", "rtl")] == ["Latn", "Arab"]


def test_overlap_keeps_joined_arabic_letters_and_ligatures_together():
    font = _font(BUILTIN / "NotoNaskhArabic-Regular.ttf", 40)
    loose = layout_line("بببب دب", "rtl", font, 0.0)
    tight = layout_line("بببب دب", "rtl", font, 0.2)
    width = {lay: [c.box.x1 - c.box.x0 for c in lay.clusters] for lay in (loose, tight)}
    assert width[loose][:4] == width[tight][:4]  # a joined word: not squeezed inside
    assert tight.size[0] < loose.size[0]  # but between the words and after the dal


def test_glyph_bitmaps_do_not_depend_on_what_the_worker_drew_before(tiny_plan, tiny_assets):
    rows = tiny_plan.to_pylist()[:8]
    warm = [np.asarray(render_row(r, tiny_assets)[0]) for r in rows]
    fresh = RenderAssets(asset_roots(plan_metadata(tiny_plan)))  # empty caches, rows in the other order
    for row, seen in zip(reversed(rows), reversed(warm)):
        assert np.array_equal(np.asarray(render_row(row, fresh)[0]), seen)


def test_bounded_cache_keeps_its_bound_and_survives_threads():
    loads: list[int] = []
    cache = BoundedCache(lambda k: loads.append(k) or k * 2, 8)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(cache, [i % 20 for i in range(2000)]))
    assert results == [(i % 20) * 2 for i in range(2000)]
    assert len(cache.data) == 8
    cache(19)
    before = len(loads)
    cache(19)  # the most recent key is still there: no second load
    assert len(loads) == before


def test_a_weighed_cache_keeps_within_its_budget_and_its_newest_entry():
    """Background photos are weighed in bytes: a worker given 12-megapixel photos held 32 of them (1.7 GiB)."""
    cache = BoundedCache(lambda k: k, 32, weigh=lambda v: v, budget=100)
    for key in (40, 30, 20, 50):  # 140 > 100: the oldest goes, the other three fit
        cache(key)
    assert list(cache.data) == [30, 20, 50]
    cache(45)  # 145: 30 and 20 go
    assert list(cache.data) == [50, 45]
    cache(500)  # over the budget alone: kept, as the newest (the row that asked for it needs it)
    assert list(cache.data) == [500]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(cache, [i % 7 * 10 for i in range(700)])) == [i % 7 * 10 for i in range(700)]
    assert sum(cache.data) <= 100 and len(cache.data) >= 1


def test_the_sizes_of_a_font_share_its_bytes_and_draw_as_from_the_file():
    """Every size of a font reads it from one mapping (FreeType maps a path again for each face, about
    0.7 MiB of RSS per size of DejaVu Sans), and draws the same bitmaps as a face opened from the file."""
    from synthocr.renderer.glyphs import GlyphRaster

    path = BUILTIN / "DejaVuSans.ttf"
    file = FontFile(str(path), path.name)
    small, large = SizedFont(file, 17), SizedFont(file, 41)
    assert small.raster._face._filebodys[0] is large.raster._face._filebodys[0] is file.mapped
    for size, sized in ((17, small), (41, large)):
        from_file = GlyphRaster(str(path), size, path.name)
        drawn = 0
        for gid in range(1, 120):
            a, b = sized.glyph(gid), from_file.render(gid)
            assert (a is None) == (b is None), gid
            if a is not None and b is not None:
                assert a[1:] == b[1:], gid
                images = [Image.new("L", (g.width, g.height)) for g in (a, b)]
                for image, g in zip(images, (a, b)):
                    image.im.paste(g.core, (0, 0, g.width, g.height))
                assert images[0].tobytes() == images[1].tobytes(), gid
                drawn += 1
        assert drawn > 100


@pytest.mark.parametrize(
    ("name", "text", "direction"),
    [
        ("DejaVuSans.ttf", "\u0301\u0301 marks", "ltr"),  # marks at the start of the text
        ("NotoNaskhArabic-Regular.ttf", "\u064e\u0628\u0628 \u0633", "rtl"),  # a fatha before its letter
        ("NotoSansHebrew-Regular.ttf", "\u05b8\u05e9\u05dc\u05d5\u05dd", "rtl"),  # a vowel point before its letter
    ],
)
def test_a_mark_with_no_base_is_drawn_alone_not_on_a_dotted_circle(name, text, direction):
    """HarfBuzz, as raqm calls it, puts a base-less mark on U+25CC, a glyph the text does not have; the
    renderer draws the mark alone: its glyphs are those HarfBuzz gives without the dotted circle."""
    import uharfbuzz as hb

    font = _font(BUILTIN / name, 30)
    circle = font.hb.get_nominal_glyph(0x25CC)
    assert circle, f"{name} has no dotted circle: the case would prove nothing"

    def glyphs(flags: int) -> list[int]:
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        buf.flags = flags
        hb.shape(font.hb, buf, {})
        return sorted(i.codepoint for i in buf.glyph_infos)

    plain = hb.BufferFlags.BOT | hb.BufferFlags.EOT
    assert circle in glyphs(plain)  # what raqm draws
    ours = sorted(g[0] for run in line_runs(text, direction) for g in shape_run(font, list(map(ord, text)), run, False))
    assert circle not in ours
    assert ours == glyphs(plain | hb.BufferFlags.DO_NOT_INSERT_DOTTED_CIRCLE)
    layout = layout_line(text, direction, font, 0.0)
    assert "".join(t for t, _ in _characters(layout)).replace(" ", "") == text.replace(" ", "")
    assert not label_problems(layout, layout_mask(layout))


def test_a_mark_after_a_space_is_an_entry_of_its_own():
    """UAX #29 puts it in the space's grapheme cluster; the label keeps the space out, as every whitespace."""
    font = _font(BUILTIN / "DejaVuSans.ttf", 30)
    layout = layout_line("ab \u0301cd x \u0308", "ltr", font, 0.0)
    assert [t for t, _ in _characters(layout)] == ["a", "b", "\u0301", "c", "d", "x", "\u0308"]
    assert [layout.text[s:e] for s, e, _ in layout.words] == ["ab", "\u0301cd", "x", "\u0308"]
    assert not label_problems(layout, layout_mask(layout))


@pytest.mark.parametrize(
    "path,text,language",
    [
        (BUILTIN / "DejaVuSans.ttf", "бгдпт Београд", "sr"),  # Serbian б, г, д, п, т
        (CJK, "骨直画误海 中文字体", "zh-Hans"),  # the .ttc's first face is Japanese: Simplified forms by locl
        (CJK, "骨直畫誤海 中文字體", "zh-Hant"),
        (CJK, "骨直画誤海", "ko"),
    ],
)
def test_a_language_draws_the_fonts_forms_for_it_as_raqm_does(path, text, language):
    """The spec's `language` reaches HarfBuzz: the same pixels as raqm given that language, and other
    pixels than with none (the font's default forms)."""
    font = _font(path, 32)
    for lang in (language, ""):
        ours = layout_mask(layout_line(text, "ltr", font, 0.0, lang))
        assert aligned_iou(ours, reference_mask(path, 32, text, "ltr", lang or None)) == (1.0, True), lang
    assert layout_mask(layout_line(text, "ltr", font, 0.0, language)).tobytes() != ours.tobytes()


MONGOLIAN = Path(__file__).parent / "fonts" / "NotoSansMongolian-subset.ttf"  # OFL: tests/fonts/LICENSE_NOTO_MONGOLIAN


@pytest.mark.parametrize("size", [24, 33])
@pytest.mark.parametrize("text", ["ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ", "ᠮᠣᠩᠭᠣᠯ ᠤᠯᠤᠰ᠂", "ᠰᠠᠶᠢᠨ\u180eᠠ"])
def test_vertical_mongolian_is_its_horizontal_line_turned_clockwise(text, size):
    """Mongolian is written in columns with its letters turned sideways. HarfBuzz's upright vertical stack
    (raqm's too) piled every letter on one spot, under a label that named them all. Now: the horizontal
    line, as Pillow draws it, turned 90 degrees clockwise, pixel for pixel; characters top to bottom."""
    font = _font(MONGOLIAN, size)
    layout = layout_line(text, "ttb", font, 0.0)
    mask = layout_mask(layout)
    turned = reference_mask(MONGOLIAN, size, text, "ltr").transpose(Image.Transpose.ROTATE_270)
    assert aligned_iou(mask, turned)[1]
    assert not label_problems(layout, mask)
    tops = [c.box.y0 for c in layout.clusters if text[c.start : c.stop].strip()]
    assert tops == sorted(tops) and layout.size[1] > layout.size[0]
    assert all(0 <= c.box.x0 and c.box.x1 <= layout.size[0] for c in layout.clusters)


def test_a_vertical_mongolian_spec_renders_columns_from_the_cli(cli, tmp_path):
    import json
    import shutil

    import yaml

    for folder in ("fonts", "corpus"):
        (tmp_path / folder).mkdir()
    shutil.copy(MONGOLIAN, tmp_path / "fonts" / MONGOLIAN.name)
    (tmp_path / "corpus" / "mn.txt").write_text("ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ\nᠮᠣᠩᠭᠣᠯ ᠤᠯᠤᠰ᠂\n", encoding="utf-8")
    spec = {
        "name": "mn",
        "corpus_file": "mn.txt",
        "text_source": "lines",
        "text_direction": "ttb",
        "min_text_length": 3,
    }
    config = {"total_images": 6, "seed": 1, "font_dir": str(tmp_path / "fonts"),
              "corpus_dir": str(tmp_path / "corpus"), "specifications": [spec]}  # fmt: skip
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    plan, out = tmp_path / "p.parquet", tmp_path / "out"
    assert cli("plan", tmp_path / "c.yaml", "-o", plan)[0] == 0
    code, _, err = cli("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert code == 0, err
    for path in out.rglob("image_*.json"):
        label = json.loads(path.read_text())
        assert label["height"] > label["width"]
        tops = [c["bbox"][1] for c in label["chars"]]
        assert tops == sorted(tops) and "".join(c["text"] for c in label["chars"]) == label["text"].replace(" ", "")


# Noto Sans CJK JP (OFL: tests/fonts/LICENSE_NOTO_CJK), subset to the characters of the mixed vertical tests.
CJK = Path(__file__).parent / "fonts" / "NotoSansCJKjp-subset.otf"


@pytest.mark.parametrize("size", [17, 30])
@pytest.mark.parametrize("text", ["Hello brave world 42", "office AVA Wave"])
def test_a_mixed_vertical_line_of_latin_is_the_horizontal_line_turned(text, size):
    """`ttb-mixed` turns runs of horizontal scripts sideways, as Chinese and Japanese books set Latin in a
    column (CSS text-orientation: mixed): a Latin line is Pillow's horizontal line turned clockwise."""
    font = _font(BUILTIN / "DejaVuSans.ttf", size)
    layout = layout_line(text, "ttb-mixed", font, 0.0)
    mask = layout_mask(layout)
    turned = reference_mask(BUILTIN / "DejaVuSans.ttf", size, text, "ltr").transpose(Image.Transpose.ROTATE_270)
    assert aligned_iou(mask, turned)[1]
    assert not label_problems(layout, mask)


@pytest.mark.parametrize("size", [19, 31])
@pytest.mark.parametrize(
    ("font_name", "text"),
    [
        ("NotoNaskhArabic-Regular.ttf", "مرحبا بكم"),
        ("NotoNaskhArabic-Regular.ttf", "الساعة 9 صباحا"),
        ("NotoSansHebrew-Regular.ttf", "בְּרֵאשִׁית בָּרָא"),
        ("DejaVuSans.ttf", "abc (שלום 12) def"),
    ],
)
def test_a_mixed_vertical_line_turns_right_to_left_runs_joined_and_reading_bottom_up(font_name, text, size):
    """CSS's text-orientation: mixed turns Arabic and Hebrew (Vertical_Orientation R) as it turns Latin, in the
    bidi order of a left-to-right line: the column is Pillow's left-to-right line turned clockwise, pixel for
    pixel. (They were set upright, letter under letter in logical order, so Arabic lost its joining.)"""
    font = _font(BUILTIN / font_name, size)
    layout = layout_line(text, "ttb-mixed", font, 0.0)
    mask = layout_mask(layout)
    turned = reference_mask(BUILTIN / font_name, size, text, "ltr").transpose(Image.Transpose.ROTATE_270)
    assert aligned_iou(mask, turned)[1]
    assert not label_problems(layout, mask)
    first_word = [c for c in layout.clusters if c.stop <= text.index(" ")]
    if font_name != "DejaVuSans.ttf":  # a right-to-left line: its first word is the bottom one, read bottom up
        assert min(c.box.y0 for c in first_word) > max(c.box.y1 for c in layout.clusters[len(first_word) + 1 :]) - 1
        bottoms = [c.box.y1 for c in first_word]
        assert bottoms == sorted(bottoms, reverse=True)


@pytest.mark.parametrize("size", [24, 37])
def test_a_mixed_vertical_line_keeps_kanji_and_kana_upright_and_turns_latin(size):
    """In `ttb`, "iPhone 15" is set letter under letter; in `ttb-mixed` its run is the horizontal word turned
    (the same pixels as Pillow's), while 日本語の before it keeps the same upright glyphs and boxes."""
    text = "日本語のiPhone 15です。"
    font = _font(CJK, size)
    upright, mixed = layout_line(text, "ttb", font, 0.0), layout_line(text, "ttb-mixed", font, 0.0)
    masks = {name: np.asarray(layout_mask(lay)) for name, lay in (("upright", upright), ("mixed", mixed))}
    for lay, mask in ((upright, masks["upright"]), (mixed, masks["mixed"])):
        assert not label_problems(lay, Image.fromarray(mask))
        tops = [c.box.y0 for c in lay.clusters]
        assert tops == sorted(tops)
    assert upright.clusters[:4] == mixed.clusters[:4]  # 日本語の: the same boxes
    latin = [c for c in mixed.clusters if 4 <= c.start < 13]
    y0, y1 = int(min(c.box.y0 for c in latin)), math.ceil(max(c.box.y1 for c in latin))
    turned = reference_mask(CJK, size, "iPhone 15", "ltr").transpose(Image.Transpose.ROTATE_270)
    assert aligned_iou(Image.fromarray(masks["mixed"][y0:y1]), turned)[1]
    assert mixed.size[1] < upright.size[1]  # Latin turned takes its horizontal advance, not an em a letter


def test_a_spec_may_weigh_upright_and_mixed_vertical_lines_from_the_cli(cli, tmp_path):
    import json
    import shutil

    import yaml

    for folder in ("fonts", "corpus"):
        (tmp_path / folder).mkdir()
    shutil.copy(CJK, tmp_path / "fonts" / CJK.name)
    (tmp_path / "corpus" / "ja.txt").write_text(
        "日本語のiPhone 15です。\n東京タワーはTokyo Towerと呼ばれる\n", encoding="utf-8"
    )
    spec = {"name": "ja", "corpus_file": "ja.txt", "text_source": "lines", "language": "ja",
            "text_direction_weights": {"ttb": 1, "ttb-mixed": 1}, "emphasis_words_probability": 1.0}  # fmt: skip
    config = {"total_images": 12, "seed": 2, "font_dir": str(tmp_path / "fonts"),
              "corpus_dir": str(tmp_path / "corpus"), "specifications": [spec]}  # fmt: skip
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    plan, out = tmp_path / "p.parquet", tmp_path / "out"
    assert cli("plan", tmp_path / "c.yaml", "-o", plan)[0] == 0
    import pandas as pd

    assert set(pd.read_parquet(plan).text_direction) == {"ttb", "ttb-mixed"}
    code, _, err = cli("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert code == 0, err
    for path in out.rglob("image_*.json"):
        label = json.loads(path.read_text())
        tops = [c["bbox"][1] for c in label["chars"]]
        assert label["height"] > label["width"] and tops == sorted(tops)
