"""Text styles: spacing moves whole clusters (never inside one, never in cursive runs), drawn rules, an emphasised
run of words, stroke, shadow, extrusion and gradient fill; the label's polygons hold the ink."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from helpers import builtin_font_sha1
from render_helpers import MARKED, clean, raster
from synthocr.color import mix_linear
from synthocr.renderer.compose import render_row
from synthocr.renderer.layout import layout_line
from synthocr.renderer.linestyle import Emphasis, LineStyle, Rule

STYLES = {
    "letter_spacing": {"letter_spacing": 0.25},
    "word_spacing": {"word_spacing": 0.7},
    "underline": {"underline_thickness": 1.5, "underline_gap": 0.05, "underline_words": 0},
    "underline_words": {"underline_thickness": 2.0, "underline_words": 1},
    "strikethrough": {"strikethrough_thickness": 1.5, "strikethrough_words": 0},
    "emphasis": {"emphasis_words": 2, "emphasis_start": 0.5, "emphasis_bold": 0.05, "emphasis_color": 2},
    "shadow": {"shadow_opacity": 0.8, "shadow_dx": 0.1, "shadow_dy": 0.12, "shadow_blur": 0.04, "shadow_tone": 0.0},
    "shadow_up_left": {"shadow_opacity": 0.8, "shadow_dx": -0.12, "shadow_dy": -0.1, "shadow_tone": 0.2},
    "stroke": {"stroke_width": 0.08, "stroke_r": 230, "stroke_g": 40, "stroke_b": 30},
    "extrusion": {"extrusion_depth": 0.1, "extrusion_angle": 50.0, "extrusion_shade": 0.4},
    "extrusion_up_left": {"extrusion_depth": 0.12, "extrusion_angle": -150.0, "extrusion_shade": 0.2},
    "gradient": {"ink_gradient_strength": 1.0, "ink_gradient_angle": 20.0, "ink_gradient_color": 2},
    "everything": {
        "letter_spacing": 0.1,
        "word_spacing": 0.3,
        "underline_thickness": 1.2,
        "strikethrough_thickness": 1.0,
        "emphasis_words": 1,
        "emphasis_bold": 0.03,
        "emphasis_color": 1,
        "shadow_opacity": 0.6,
        "shadow_dx": 0.05,
        "shadow_dy": 0.05,
        "stroke_width": 0.05,
        "stroke_r": 255,
        "stroke_g": 255,
        "stroke_b": 255,
        "extrusion_depth": 0.06,
        "extrusion_angle": 120.0,
        "extrusion_shade": 0.5,
        "ink_gradient_strength": 0.8,
        "ink_gradient_angle": 90.0,
        "ink_gradient_color": 0,
    },
}
GEOMETRY = [{}, {"rotation_angle": 8.0}, {"curvature_arc": 0.08}, {"perspective_warp_magnitude": 0.05}]


def _ink(image, row) -> np.ndarray:
    """Pixels visibly apart from the plain background: the text, its rules, stroke and shadow."""
    pixels = np.asarray(image.convert("RGB"), np.int16)
    bg = np.array([row["background_r"], row["background_g"], row["background_b"]], np.int16)
    return np.abs(pixels - bg).max(axis=2) > 40


def _rows(tiny_plan) -> list[dict]:
    rows = tiny_plan.to_pylist()[:6]
    return rows + [clean(rows[0], **marked) for marked in MARKED]


# Styles whose rule runs from the first word to the last: its stretch across the spaces between words is ink of
# the line, not of a character (the label's characters hold no whitespace).
WHOLE_LINE_RULES = {"underline", "strikethrough", "everything"}


def _gaps(words) -> list:
    """Polygons spanning each pair of neighbouring words (the space between them included)."""
    out = []
    for a, b in zip(words, words[1:]):
        pts = np.array([*a.polygon, *b.polygon], np.float32)
        out.append([tuple(p) for p in cv2.convexHull(pts)[:, 0]])
    return out


@pytest.mark.parametrize("style", list(STYLES))
def test_polygons_hold_the_styled_ink(tiny_plan, tiny_assets, style):
    """Every style, straight and warped, on Latin, Arabic, Hebrew and vertical rows: all of the ink inside the
    line polygon, at least 98% of it inside the character polygons (stroke and shadow included; a whole-line
    rule's stretch between words inside the line only)."""
    rows = _rows(tiny_plan)
    for k, row in enumerate(rows):
        row = clean(row, **STYLES[style], **GEOMETRY[k % len(GEOMETRY)])
        image, label = render_row(row, tiny_assets)
        ink = _ink(image, row)
        assert ink.any()
        line = raster(image.size, [label.line.polygon])
        assert not (ink & ~line).any(), f"{style} {row['text']!r}: ink outside the line polygon"
        polygons = [c.polygon for c in label.chars]
        if style in WHOLE_LINE_RULES:
            polygons += _gaps(label.words)
        chars = raster(image.size, polygons)
        inside = (ink & chars).sum() / ink.sum()
        assert inside >= 0.98, f"{style} {row['text']!r}: only {inside:.3f} of the ink in character polygons"
        assert label.text == row["text"]


def _font(tiny_assets, name="DejaVuSans.ttf", size=32):
    return tiny_assets.font(name, builtin_font_sha1(name), size)


@pytest.mark.parametrize(
    "text,font", [("office re\u0301sume\u0301 fin", "DejaVuSans.ttf"), ("שָׁלוֹם בְּרֵאשִׁית", "NotoSansHebrew-Regular.ttf")]
)
def test_tracking_moves_whole_clusters(tiny_assets, text, font):
    """Letter spacing adds the same space at every cluster boundary: each character keeps its width (a mark stays
    on its letter, a ligature whole), and neighbours move apart by the tracking."""
    sized = _font(tiny_assets, font)
    direction = "rtl" if font.startswith("NotoSansHebrew") else "ltr"
    plain = layout_line(text, direction, sized, LineStyle())
    tracked = layout_line(text, direction, sized, LineStyle(tracking=0.25))
    assert len(plain.stamps) == len(tracked.stamps)
    assert [c.stop - c.start for c in plain.clusters] == [c.stop - c.start for c in tracked.clusters]
    width = [c.box.x1 - c.box.x0 for c in plain.clusters]
    assert [c.box.x1 - c.box.x0 for c in tracked.clusters] == pytest.approx(width)
    step = 0.25 * 32
    assert tracked.line.x1 - tracked.line.x0 > plain.line.x1 - plain.line.x0 + step * (len(plain.clusters) // 2)


def test_tracking_leaves_cursive_runs_joined(tiny_assets):
    """No tracking inside an Arabic run: the same glyphs at the same places (joins kept, no kashida)."""
    sized = _font(tiny_assets, "NotoNaskhArabic-Regular.ttf")
    text = "كتب محمد الأطفال"
    plain = layout_line(text, "rtl", sized, LineStyle())
    tracked = layout_line(text, "rtl", sized, LineStyle(tracking=0.3))
    assert [s[1:] for s in plain.stamps] == [s[1:] for s in tracked.stamps]


def test_tracking_leaves_headline_scripts_joined():
    """No tracking inside a Devanagari run either: it cut the headline (shirorekha) joining a word's letters
    into pieces print never shows."""
    from pathlib import Path

    from synthocr.renderer.shaping import FontFile, SizedFont

    path = Path(__file__).parent / "fonts" / "Lohit-Devanagari-subset.ttf"
    sized = SizedFont(FontFile(str(path), path.name), 32)
    text = "हिन्दी भाषा में लिखा"
    plain = layout_line(text, "ltr", sized, LineStyle())
    tracked = layout_line(text, "ltr", sized, LineStyle(tracking=0.3))
    assert [s[1:] for s in plain.stamps] == [s[1:] for s in tracked.stamps]


def test_word_spacing_widens_spaces_only(tiny_assets):
    sized = _font(tiny_assets)
    text = "ab cd  ef"
    plain = layout_line(text, "ltr", sized, LineStyle())
    wide = layout_line(text, "ltr", sized, LineStyle(word_spacing=0.5))
    narrow = layout_line(text, "ltr", sized, LineStyle(word_spacing=-5.0))
    for a, b, c in zip(plain.clusters, wide.clusters, narrow.clusters):
        w = a.box.x1 - a.box.x0
        if text[a.start] == " ":
            assert b.box.x1 - b.box.x0 == pytest.approx(w + 16, abs=1 / 32)
            assert c.box.x1 - c.box.x0 == pytest.approx(0.0)  # a space never goes below zero width
        else:
            assert b.box.x1 - b.box.x0 == pytest.approx(w)
    assert len(wide.words) == len(plain.words) == 3


def _rule_rows(layout) -> list[int]:
    """Canvas rows holding a rule stamp (a fully inked rectangle wider than any glyph of the line)."""
    widest = max(x1 - x0 for _, x0, _, x1, _ in layout.stamps[: len(layout.text)])
    return [y for _, x0, y, x1, _ in layout.stamps if x1 - x0 > widest]


@pytest.mark.parametrize("kind", ["underline", "strikethrough"])
def test_rules_sit_at_the_font_metrics(tiny_assets, kind):
    sized = _font(tiny_assets)
    text = "Hamburg fonts"
    plain = layout_line(text, "ltr", sized, LineStyle())
    ruled = layout_line(text, "ltr", sized, LineStyle(rules=(Rule(kind, 1.0, 0.0, False),)))
    extra = ruled.stamps[len(plain.stamps) :]
    assert len(extra) == 1
    _, x0, y0, x1, y1 = extra[0]
    top, thickness = sized.underline if kind == "underline" else sized.strikeout
    assert y1 - y0 == max(1, round(thickness))
    assert abs((y0 + y1) / 2 - (top + thickness / 2)) <= 0.5  # centred on the font's rule
    words = [w[2] for w in ruled.words]
    ox = ruled.origin[0]
    assert x0 + ox <= words[0].x0 + 1 and x1 + ox >= words[-1].x1 - 1
    per_word = layout_line(text, "ltr", sized, LineStyle(rules=(Rule(kind, 1.0, 0.0, True),)))
    assert len(per_word.stamps) == len(plain.stamps) + 2
    assert [c.box for c in ruled.clusters] == [c.box for c in plain.clusters]  # rules are not characters


def test_emphasis_run_is_bolder_in_its_own_ink(tiny_plan, tiny_assets):
    row = clean(tiny_plan.to_pylist()[0], text="Total due 1,284.50 now", font="DejaVuSans.ttf")
    row["font_sha1"] = builtin_font_sha1("DejaVuSans.ttf")
    plain, _ = render_row(row, tiny_assets)
    bold, label = render_row(
        clean(row, emphasis_words=1, emphasis_start=0.5, emphasis_bold=0.05, emphasis_color=0), tiny_assets
    )
    assert _ink(bold, row).sum() > _ink(plain, row).sum() * 1.05
    assert "accent_ink" not in label.appearance
    coloured, label = render_row(
        clean(row, emphasis_words=2, emphasis_start=0.0, emphasis_color=1, emphasis_bold=0.0), tiny_assets
    )
    accent = tuple(label.appearance["accent_ink"])
    pixels = np.asarray(coloured.convert("RGB"))
    assert (np.abs(pixels.astype(int) - accent).max(axis=2) < 8).sum() > 50  # red ink drawn
    words = [w for w in label.words]
    red = np.abs(pixels.astype(int) - accent).max(axis=2) < 40
    inside_first_two = raster(coloured.size, [w.polygon for w in words[:2]])
    assert (red & ~inside_first_two).sum() <= 0.02 * red.sum()


@pytest.mark.parametrize("direction", ["ltr", "ttb"])
def test_bold_glyphs_keep_their_gaps(tiny_assets, direction):
    """Synthetic bold grows each glyph's advance along the line as much as its outline, in rows and in columns:
    the gap between the ink boxes of neighbouring bold glyphs stays the plain one (within rounding), so bold
    glyphs never touch; the first keeps its leading bearing, and a column's glyphs stay centred across it."""
    sized = _font(tiny_assets, size=40)
    text = "HEMNWH"
    along = 2 if direction == "ttb" else 1  # stamp index of the along-line start (y0 or x0)
    plain = layout_line(text, direction, sized, LineStyle(emphasis=Emphasis(1, 0.0, 0.0, 0))).accent
    bold = layout_line(text, direction, sized, LineStyle(emphasis=Emphasis(1, 0.0, 0.1, 0))).accent
    assert len(plain) == len(bold) == len(text)
    grown = 0.1 * 40
    for p, b in zip(plain, bold):
        assert b[along + 2] - b[along] >= p[along + 2] - p[along] + grown - 1  # the outline did grow
    gaps = [[n[along] - c[along + 2] for c, n in zip(s, s[1:])] for s in (plain, bold)]
    assert min(gaps[1]) > 0
    for p, b in zip(*gaps):
        assert abs(b - p) <= 1
    assert abs(bold[0][along] - plain[0][along]) <= 1
    if direction == "ttb":
        for p, b in zip(plain, bold):
            assert abs((b[1] + b[3]) - (p[1] + p[3])) <= 2  # centre across the column within a pixel


def test_accent_keeps_min_contrast_on_a_dark_ground(tiny_plan, tiny_assets):
    """A dark accent (blue) on a light-on-dark row becomes its light tint, at least min_contrast over the ground."""
    from synthocr.color import contrast_ratio, luminance

    row = clean(
        tiny_plan.to_pylist()[0],
        text="light on dark",
        ink_color="light_on_dark",
        ink_r=240,
        ink_g=240,
        ink_b=240,
        background_r=30,
        background_g=40,
        background_b=60,
        min_contrast=4.5,
        emphasis_words=1,
        emphasis_color=2,
    )
    _, label = render_row(row, tiny_assets)
    accent = np.array([label.appearance["accent_ink"]], np.uint8)
    ground = np.array([[30, 40, 60]], np.uint8)
    assert float(contrast_ratio(luminance(accent), luminance(ground))[0]) >= 4.5


def test_stroke_and_shadow_grow_the_line_polygon(tiny_plan, tiny_assets):
    row = clean(tiny_plan.to_pylist()[0], text="Stroke", font="DejaVuSans.ttf")
    row["font_sha1"] = builtin_font_sha1("DejaVuSans.ttf")
    _, plain = render_row(row, tiny_assets)
    stroked, label = render_row(clean(row, stroke_width=0.1, stroke_r=255, stroke_g=0, stroke_b=0), tiny_assets)
    reach = 0.1 * row["font_size"]
    assert label.line.bbox[2] - label.line.bbox[0] >= plain.line.bbox[2] - plain.line.bbox[0] + 2 * reach
    pixels = np.asarray(stroked.convert("RGB")).astype(int)
    assert (np.abs(pixels - (255, 0, 0)).max(axis=2) < 10).sum() > 100
    _, shadowed = render_row(clean(row, shadow_opacity=0.7, shadow_dx=0.2, shadow_dy=0.0), tiny_assets)
    grown = shadowed.line.bbox[2] - plain.line.bbox[2]
    assert grown >= 0.2 * row["font_size"] and shadowed.line.bbox[0] == pytest.approx(plain.line.bbox[0], abs=1.5)


def test_layout_style_merge_adds_rules_and_layers():
    from synthocr.renderer.effects.style import Shadow, Stroke, halo
    from synthocr.renderer.linestyle import merge_styles

    style = merge_styles(
        [
            {"rules": (Rule("underline", 1.0, 0.0, False),)},
            {"rules": (Rule("strikethrough", 1.0, 0.0, True),)},
            {"emphasis": Emphasis(1, 0.0, 0.0, 1)},
            {"layers": (Shadow(0.5, 0.1, -0.1, 0.0, 0.0),)},
            {"layers": (Stroke(0.05, (1, 2, 3)),)},
        ]
    )
    assert [r.kind for r in style.rules] == ["underline", "strikethrough"]
    assert style.emphasis == Emphasis(1, 0.0, 0.0, 1) and len(style.layers) == 2
    left, top, right, bottom = halo(style.layers, 40)
    assert right > left and top > bottom  # the shadow lies right and up, beyond the stroke on every side
    assert min(left, bottom) >= 3


@pytest.mark.parametrize(
    "font,text,direction",
    [
        ("DejaVuSans.ttf", "Hello brave new world", "ltr"),
        ("NotoNaskhArabic-Regular.ttf", "مرحبا بالعالم الجميل", "rtl"),
        ("DejaVuSans.ttf", "Hello new world", "ttb"),
    ],
)
@pytest.mark.parametrize(
    "style",
    [LineStyle(overlap=0.2), LineStyle(tracking=-0.2), LineStyle(word_spacing=-0.5), LineStyle(0.2, -0.2, -0.5)],
    ids=["overlap", "tight", "narrow_spaces", "all"],
)
def test_spacing_never_closes_a_word_gap(tiny_assets, font, text, direction, style):
    """Tight spacing (overlap, negative tracking, narrow word spacing, as a config may ask) closed the gaps
    between words: Arabic words ran into each other at an overlap of 0.1 em, while the label kept its spaces.
    At least half of each gap's natural advance stays between the words' boxes."""
    sized = _font(tiny_assets, font)
    vertical = direction == "ttb"
    plain = layout_line(text, direction, sized, LineStyle())
    tight = layout_line(text, direction, sized, style)

    def gaps(layout):
        spans = sorted((b.y0, b.y1) if vertical else (b.x0, b.x1) for _, _, b in layout.words)
        return [b[0] - a[1] for a, b in zip(spans, spans[1:])]

    plain_gaps = gaps(plain)
    space = min(plain_gaps)  # the natural advance of a space, and the gap without styles
    assert len(gaps(tight)) == text.count(" ")
    assert min(gaps(tight)) >= space / 2 - 1, (plain_gaps, gaps(tight))


@pytest.mark.parametrize(
    "font,text,direction",
    [
        ("DejaVuSans.ttf", "illicit million dit", "ltr"),
        ("DejaVuSerif.ttf", "Il a dit : « l'été »", "ltr"),
        ("NotoNaskhArabic-Regular.ttf", "بالعالم ما لا", "rtl"),
        ("DejaVuSans.ttf", "ill dit", "ttb"),
    ],
)
@pytest.mark.parametrize("overlap", [0.2, 0.4, 1.0])
def test_overlap_never_draws_a_letter_inside_its_neighbour(tiny_assets, font, text, direction, overlap):
    """A strong overlap (the allowed range goes to 1 em) drew an alef inside its neighbour (بالعالم read
    like بلعلم) and Latin l, i inside the letters around them, while the label kept them. Overlap now makes
    neighbouring characters share at most half of the narrower one's advance more than they do unstyled."""
    sized = _font(tiny_assets, font)
    axis = (1, 3) if direction == "ttb" else (0, 2)

    def spans(style: LineStyle) -> list[tuple[float, float]]:
        layout = layout_line(text, direction, sized, style)
        chars = [c.box for c in layout.clusters if not text[c.start : c.stop].isspace()]
        return [(box[axis[0]], box[axis[1]]) for box in chars]

    plain, tight = spans(LineStyle()), spans(LineStyle(overlap=overlap))
    order = sorted(range(len(plain)), key=lambda k: plain[k])  # visual order, the same in both
    for a, b in zip(order, order[1:]):
        natural = min(plain[a][1], plain[b][1]) - plain[b][0]
        shared = min(tight[a][1], tight[b][1]) - tight[b][0]
        narrower = min(plain[a][1] - plain[a][0], plain[b][1] - plain[b][0])
        assert shared - natural <= narrower / 2 + 1, (text, a, b, plain[a], plain[b], tight[a], tight[b])


def _plain_row(tiny_plan, **values):
    row = clean(
        tiny_plan.to_pylist()[0], **{"text": "Raised", "font": "DejaVuSans-Bold.ttf", "font_size": 40, **values}
    )
    row["font_sha1"] = builtin_font_sha1(row["font"])
    return row


def test_extrusion_is_the_union_of_the_text_moved_along_its_angle():
    """The grey-level dilation equals the union of the mask moved by every whole pixel up to the depth
    (checked against those shifts made one by one, for the four axis directions and a diagonal)."""
    from synthocr.renderer.effects.style import Extrusion, extrusion_coverage

    rng = np.random.default_rng(3)
    mask = np.zeros((40, 60), np.uint8)
    mask[12:28, 20:40] = rng.integers(0, 256, (16, 20), dtype=np.uint8)
    for angle, step in ((0.0, (1, 0)), (90.0, (0, 1)), (180.0, (-1, 0)), (-90.0, (0, -1)), (45.0, (1, 1))):
        extrusion = Extrusion(depth=0.2, angle=angle, shade=0.5)
        steps = 5 if step[0] == 0 or step[1] == 0 else 4
        size = steps / 0.2 if angle % 90 == 0 else steps * math.sqrt(2) / 0.2
        expected = np.zeros_like(mask)
        for k in range(steps + 1):
            expected = np.maximum(expected, np.roll(mask, (k * step[1], k * step[0]), axis=(0, 1)))
        got = extrusion_coverage(mask, extrusion, size)
        assert np.array_equal(got, expected), angle


@pytest.mark.parametrize("angle,grows", [(0.0, "right"), (90.0, "down"), (180.0, "left")])
def test_extrusion_grows_the_polygons_on_its_side_in_its_shade(tiny_plan, tiny_assets, angle, grows):
    row = _plain_row(tiny_plan, ink_r=20, ink_g=30, ink_b=90)
    _, plain = render_row(row, tiny_assets)
    image, label = render_row(clean(row, extrusion_depth=0.15, extrusion_angle=angle, extrusion_shade=0.5), tiny_assets)
    reach = 0.15 * row["font_size"]
    (px0, py0, px1, py1), (x0, y0, x1, y1) = plain.line.bbox, label.line.bbox
    grown = {"right": x1 - x0 - (px1 - px0), "down": y1 - y0 - (py1 - py0), "left": x1 - x0 - (px1 - px0)}
    assert grown[grows] >= reach
    sides = mix_linear((20, 30, 90), (255, 255, 255), 0.5)
    pixels = np.asarray(image.convert("RGB")).astype(int)
    assert (np.abs(pixels - sides).max(axis=2) <= 2).sum() > 50  # the sides, in the ink's paler shade


@pytest.mark.parametrize("light", [False, True], ids=["dark_ink", "light_ink"])
def test_gradient_runs_from_the_ink_to_its_far_end_each_at_min_contrast(tiny_plan, tiny_assets, light):
    """Left to right: the first column of full ink is the line's ink, the last the label's gradient_ink, the
    luminance in between moves one way; both ends keep min_contrast over the ground."""
    from synthocr.color import contrast_ratio, luminance

    ground = (30, 40, 60) if light else (235, 230, 220)
    ink = (240, 235, 230) if light else (20, 20, 30)
    row = _plain_row(
        tiny_plan,
        text="IIIIIIIIIIII",
        ink_color="light_on_dark" if light else "dark",
        ink_r=ink[0],
        ink_g=ink[1],
        ink_b=ink[2],
        background_r=ground[0],
        background_g=ground[1],
        background_b=ground[2],
        min_contrast=4.5,
        ink_gradient_strength=1.0,
        ink_gradient_angle=0.0,
        ink_gradient_color=1,
    )
    image, label = render_row(row, tiny_assets)
    start, end = label.appearance["ink"], label.appearance["gradient_ink"]
    assert start != end
    for colour in (start, end):
        assert (
            float(contrast_ratio(luminance(np.array([colour], np.uint8)), luminance(np.array([ground], np.uint8)))[0])
            >= 4.5
        )
    pixels = np.asarray(image.convert("RGB")).astype(int)
    solid = np.abs(pixels - ground).max(axis=2) > 60
    counts = solid.sum(axis=0)
    columns = np.flatnonzero(counts >= 0.9 * counts.max())  # the stems' fully inked columns
    first = pixels[solid[:, columns[3]], columns[3]]  # inside the first stem, clear of its anti-aliased edge
    last = pixels[solid[:, columns[-4]], columns[-4]]
    inside = cv2.erode(solid.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)  # clear of the edges
    mid = pixels[inside]
    x0, _, x1, _ = label.line.bbox  # the ramp runs across the line's box, mixed in linear light
    for x, got in ((columns[3], first), (columns[-4], last)):
        expected = mix_linear(tuple(start), tuple(end), (x + 0.5 - x0) / (x1 - x0))
        assert np.abs(np.median(got, axis=0) - expected).max() <= 6, (x, expected)
    y = luminance(mid.astype(np.uint8))
    lo, hi = sorted(float(v) for v in luminance(np.array([start, end], np.uint8)))
    assert (y >= lo - 0.01).all() and (y <= hi + 0.01).all()  # no ink of the fill outside its two ends


def test_gradient_leaves_an_accent_run_flat(tiny_plan, tiny_assets):
    row = _plain_row(
        tiny_plan,
        text="plain accent",
        emphasis_words=1,
        emphasis_start=1.0,
        emphasis_color=3,
        ink_gradient_strength=1.0,
        ink_gradient_angle=0.0,
        ink_gradient_color=1,
    )
    _, label = render_row(row, tiny_assets)
    assert {"accent_ink", "gradient_ink"} <= set(label.appearance)


def _marked(tiny_plan, **values):
    return _plain_row(
        tiny_plan,
        **{
            "text": "one two three four five",
            "font": "DejaVuSans.ttf",
            "font_size": 32,
            "background_kind": "plain",
            "background_r": 250,
            "background_g": 250,
            "background_b": 250,
            "highlight_opacity": 0.6,
            "highlight_words": 2,
            "highlight_start": 0.5,
            "highlight_color": 2,
            "highlight_height": 1.0,
            **values,
        },
    )


@pytest.mark.parametrize("direction", ["ltr", "ttb"])
def test_highlight_marks_the_paper_behind_its_run_of_words_only(tiny_plan, tiny_assets, direction):
    """Words 3 and 4 of 5 (start 0.5 of 5 words: the third): the paper around them takes the marker's pink
    multiplied in, the paper around the other words stays as it was; the label's polygons are those of the
    plain row (a marker is not ink of the text)."""
    from synthocr.renderer.effects.style import HIGHLIGHTS

    row = _marked(tiny_plan, text_direction=direction)
    image, label = render_row(row, tiny_assets)
    _, plain = render_row(clean(row, highlight_opacity=0.0), tiny_assets)
    assert [w.polygon for w in label.words] == [w.polygon for w in plain.words]
    pixels = np.asarray(image.convert("RGB")).astype(int)
    marker = np.array(HIGHLIGHTS[2]) / 255.0
    expected = np.rint(250 * (1 - 0.6 + 0.6 * marker))
    tinted = np.abs(pixels - expected).max(axis=2) <= 3
    for k, word in enumerate(label.words):
        area = raster(image.size, [word.polygon])
        share = (tinted & area).sum() / area.sum()
        if k in (2, 3):
            assert share > 0.3, (k, share)
        else:
            assert share == 0, (k, share)


def test_the_ink_keeps_min_contrast_over_the_marker(tiny_plan, tiny_assets):
    """An ink at the very edge of min_contrast on the bare paper is moved to keep it over the pink marker."""
    from synthocr.color import contrast_ratio, luminance
    from synthocr.renderer.effects.style import HIGHLIGHTS

    ground = np.array([[250, 250, 250]], np.uint8)
    ink = (114, 114, 114)  # 4.6:1 on the bare paper
    assert 4.5 < float(contrast_ratio(luminance(np.array([ink], np.uint8)), luminance(ground))[0]) < 4.7
    row = _marked(tiny_plan, ink_r=ink[0], ink_g=ink[1], ink_b=ink[2], min_contrast=4.5)
    _, label = render_row(row, tiny_assets)
    marked = np.rint(250 * (1 - 0.6 + 0.6 * np.array(HIGHLIGHTS[2]) / 255.0)).astype(np.uint8)[None]
    drawn = np.array([label.appearance["ink"]], np.uint8)
    assert float(contrast_ratio(luminance(drawn), luminance(marked))[0]) >= 4.5
    assert label.appearance["contrast"] >= 4.5


def test_no_highlight_is_planned_on_a_dark_ground(cli, tiny_dict, tmp_path):
    import pyarrow.parquet as pq
    import yaml

    for spec in tiny_dict["specifications"]:
        spec.update(highlight_opacity_probability=1.0, ink_color_weights={"dark": 1, "light_on_dark": 1})
    config, plan = tmp_path / "marked.yaml", tmp_path / "plan.parquet"
    config.write_text(yaml.safe_dump(tiny_dict))
    code, _, err = cli("plan", config, "-o", plan, "total_images=80")
    assert code == 0, err
    table = pq.read_table(plan).to_pandas()
    light = table.ink_color == "light_on_dark"
    assert light.any() and (~light).any()
    assert (table.highlight_opacity[light] == 0).all() and (table.highlight_words[light] == 0).all()
    assert (table.highlight_opacity[~light] > 0).all()


GREY = (128, 128, 128)


def _on_a_plate(text: str, padding: int, **values) -> dict:
    """Row values of a line at 32 px on a plate (margin 0.3, square corners, no border, shade 0.6) over a
    plain grey ground, padded by `padding` pixels on every side; `values` override."""
    sides = {f"padding_{side}": padding for side in ("top", "right", "bottom", "left")}
    ground = dict(zip(("background_r", "background_g", "background_b"), GREY))
    plate = {"plate_opacity": 1.0, "plate_margin": 0.3, "plate_radius": 0.0, "plate_border": 0.0, "plate_shade": 0.6}
    return {"text": text, "font_size": 32, "background_kind": "plain", **ground, **sides, **plate, **values}


def test_plate_sits_behind_the_line_in_its_shade_with_a_border_in_the_ink(tiny_plan, tiny_assets):
    """A plate 0.3 font sizes around the line's box: inside its margin the paper takes its colour (the grey
    background moved 0.6 of the way to white in linear light), beyond its border the background is as it was,
    the border is drawn in the ink; the polygons are those of the row without a plate."""
    ground, ink = GREY, (20, 20, 30)
    row = _plain_row(
        tiny_plan, **_on_a_plate("Baker Street", 24, ink_r=ink[0], ink_g=ink[1], ink_b=ink[2], plate_border=0.1)
    )
    image, label = render_row(row, tiny_assets)
    _, plain = render_row(clean(row, plate_opacity=0.0), tiny_assets)
    assert [c.polygon for c in label.chars] == [c.polygon for c in plain.chars]
    assert label.appearance["ink"] == list(ink)
    pixels = np.asarray(image.convert("RGB")).astype(int)
    x0, y0, x1, y1 = label.line.bbox
    middle = int((y0 + y1) / 2)
    plate = mix_linear(ground, (255, 255, 255), 0.6)
    inside = pixels[middle, int(x0 - 0.1 * 32)]  # within the margin, clear of the border (0.2 to 0.3 beyond)
    border = pixels[middle, int(x0 - 0.25 * 32)]
    outside = pixels[middle, int(x0 - 0.3 * 32) - 3]
    assert np.abs(inside - plate).max() <= 2, inside
    assert np.abs(border - ink).max() <= 2, border
    assert np.abs(outside - ground).max() <= 2, outside


def test_a_plate_stays_flat_under_bent_lettering(tiny_plan, tiny_assets):
    """An arced line on its plate: the lettering bends, the plate around it does not (its top edge is level),
    and it holds the whole bent line; turned with the line, the plate turns too."""
    ground = GREY
    values = _on_a_plate("Bakery and cafe", 30, curvature_arc=0.1)
    image, label = render_row(_plain_row(tiny_plan, **values), tiny_assets)
    pixels = np.asarray(image.convert("RGB")).astype(int)
    plate = np.abs(pixels - mix_linear(ground, (255, 255, 255), 0.6)).max(axis=2) <= 2
    columns = np.flatnonzero(plate.any(axis=0))
    tops = [int(np.argmax(plate[:, x])) for x in columns[5:-5]]
    assert max(tops) - min(tops) <= 1, (min(tops), max(tops))
    ys = np.flatnonzero(plate.any(axis=1))
    x0, y0, x1, y1 = label.line.bbox  # the bent line lies on its plate
    assert columns[0] < x0 and x1 < columns[-1] + 1 and ys[0] < y0 and y1 < ys[-1] + 1
    turned, _ = render_row(_plain_row(tiny_plan, **values, rotation_angle=10.0), tiny_assets)
    spot = np.abs(np.asarray(turned.convert("RGB")).astype(int) - mix_linear(ground, (255, 255, 255), 0.6)).max(axis=2)
    tilted = spot <= 2
    cols = np.flatnonzero(tilted.any(axis=0))
    left, right = int(np.argmax(tilted[:, cols[10]])), int(np.argmax(tilted[:, cols[-10]]))
    assert left - right > 10  # turned by 10 degrees (counter-clockwise) with the line: its top edge rises
