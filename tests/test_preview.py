"""`synthocr preview`: sheet size, polygons drawn where the labels put them, determinism, and plan = rendered outputs."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from analysis_helpers import plan_and_render
from synthocr.analysis.outputs import list_outputs, read_label
from synthocr.analysis.preview import (
    CAPTION_HEIGHT,
    CELL_WIDTH,
    CHAR_COLOUR,
    HEADER_HEIGHT,
    IMAGE_HEIGHT,
    LINE_COLOUR,
    PAD,
    WORD_COLOUR,
    choose,
)

CELL_HEIGHT = IMAGE_HEIGHT + CAPTION_HEIGHT + 2 * PAD


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return plan_and_render(tmp_path_factory.mktemp("preview"))


def colour_mask(image: Image.Image, colour: tuple[int, int, int]) -> np.ndarray:
    return (np.asarray(image.convert("RGB")) == colour).all(axis=2)


def test_sheet_size_and_boxes_drawn(cli, rendered, tmp_path):
    boxed, plain = tmp_path / "boxed.png", tmp_path / "plain.png"
    code, out, _ = cli("preview", rendered.out, "-n", 5, "--columns", 3, "-o", boxed)
    assert code == 0 and "5 samples" in out
    assert cli("preview", rendered.out, "-n", 5, "--columns", 3, "-o", plain, "--no-boxes")[0] == 0
    with Image.open(boxed) as a, Image.open(plain) as b:
        assert a.size == b.size == (3 * CELL_WIDTH, HEADER_HEIGHT + 2 * CELL_HEIGHT)
        body = (0, HEADER_HEIGHT, a.width, a.height)
        for colour in (CHAR_COLOUR, WORD_COLOUR, LINE_COLOUR):
            assert colour_mask(a.crop(body), colour).sum() > 200, colour
            assert colour_mask(b, colour).sum() == 0, colour  # renders are grey or lightly tinted, never these


def test_line_polygon_drawn_where_the_label_puts_it(cli, rendered, tmp_path):
    sheet = tmp_path / "one.png"
    assert cli("preview", rendered.out, "-n", 1, "--seed", 3, "-o", sheet)[0] == 0
    output = list_outputs(rendered.out)[int(choose(12, 1, 3)[0])]
    label = read_label(output)
    # The geometry of one cell: the image scaled to fit, centred, below the header.
    scale = min((CELL_WIDTH - 2 * PAD) / label.width, IMAGE_HEIGHT / label.height, 3.0)
    w, h = round(label.width * scale), round(label.height * scale)
    left, top = (CELL_WIDTH - w) // 2, HEADER_HEIGHT + PAD + (IMAGE_HEIGHT - h) // 2
    xs = [left + x * scale for x, _ in label.line.polygon]
    ys = [top + y * scale for _, y in label.line.polygon]
    with Image.open(sheet) as im:
        assert im.size == (CELL_WIDTH, HEADER_HEIGHT + CELL_HEIGHT)
        mask = colour_mask(im.crop((0, HEADER_HEIGHT, im.width, im.height)), LINE_COLOUR)
    rows, cols = np.nonzero(mask)
    rows = rows + HEADER_HEIGHT
    assert abs(cols.min() - min(xs)) <= 3 and abs(cols.max() - max(xs)) <= 3
    assert abs(rows.min() - min(ys)) <= 3 and abs(rows.max() - max(ys)) <= 3


def test_same_seed_same_sheet_and_plan_matches_outputs(cli, rendered, tmp_path):
    a, b, c, from_plan = (tmp_path / f"{n}.png" for n in "abcp")
    assert cli("preview", rendered.out, "-n", 4, "--seed", 7, "-o", a)[0] == 0
    assert cli("preview", rendered.out, "-n", 4, "--seed", 7, "-o", b)[0] == 0
    assert cli("preview", rendered.out, "-n", 4, "--seed", 8, "-o", c)[0] == 0
    assert a.read_bytes() == b.read_bytes()
    assert not np.array_equal(choose(12, 4, 7), choose(12, 4, 8))
    assert a.read_bytes() != c.read_bytes()
    # From the plan, the same rows are rendered in memory: the same cells (only the header differs).
    before = sorted(p.name for p in rendered.plan.parent.rglob("*"))
    assert cli("preview", rendered.plan, "-n", 4, "--seed", 7, "-o", from_plan)[0] == 0
    assert sorted(p.name for p in rendered.plan.parent.rglob("*")) == before  # nothing written but the sheet
    with Image.open(a) as x, Image.open(from_plan) as y:
        body = (0, HEADER_HEIGHT, x.width, x.height)
        assert np.array_equal(np.asarray(x.crop(body)), np.asarray(y.crop(body)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "0"], "-n must be at least 1"),
        (["--columns", "0"], "--columns must be at least 1"),
        (["-o", "sheet.unknown"], "unknown image format"),
        (["-o", "."], "is a folder"),
    ],
)
def test_bad_arguments_are_user_errors(cli, rendered, tmp_path, args, message):
    args = [tmp_path / a if a in ("sheet.unknown", ".") else a for a in args]
    code, _, err = cli("preview", rendered.out, *args)
    assert code == 2 and message in err


def test_missing_source_is_a_user_error(cli, tmp_path):
    code, _, err = cli("preview", tmp_path / "nothing", "-o", tmp_path / "s.png")
    assert code == 2 and "does not exist" in err


def test_a_caption_the_caption_font_lacks_is_drawn_in_the_samples_font(cli, tmp_path):
    """Urdu's ہ ے ۔ are not in DejaVu Sans (the caption font): the caption is drawn in the row's own font,
    found through the plan (a plan, a config, or the plan an output dir's checkpoint records), not as
    missing-glyph boxes; from the outputs and from the plan the sheets agree."""
    import yaml
    from PIL import ImageDraw, ImageFont

    from synthocr.analysis.preview import CAPTION_FONT, CaptionFonts
    from synthocr.assets import BUILTIN_DIRS

    text = "یہ کتاب ہے۔"
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "ur.txt").write_text(text + "\n", encoding="utf-8")
    spec = {"name": "ur", "text_source": "lines", "corpus_file": "ur.txt", "font_filter": "NotoNaskh*",
            "text_direction": "rtl", "min_text_length": 3}  # fmt: skip
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump({"total_images": 2, "corpus_dir": str(tmp_path / "corpus"),
                                      "specifications": [spec]}, allow_unicode=True), encoding="utf-8")  # fmt: skip
    plan, out = tmp_path / "plan.parquet", tmp_path / "out"
    assert cli("plan", config, "-o", plan)[0] == 0
    assert cli("render", plan, "-o", out, "--quiet")[0] == 0
    sheets = [tmp_path / f"{n}.png" for n in ("outputs", "plan")]
    for source, sheet in zip((out, plan), sheets):
        assert cli("preview", source, "-n", 1, "-o", sheet, "--no-boxes")[0] == 0
    with Image.open(sheets[0]) as a, Image.open(sheets[1]) as b:
        body = (0, HEADER_HEIGHT, a.width, a.height)
        caption = np.asarray(a.crop((PAD, HEADER_HEIGHT + PAD + IMAGE_HEIGHT + 4 + CAPTION_HEIGHT // 2,
                                     a.width, a.height)).convert("L"))  # fmt: skip
        assert np.array_equal(np.asarray(a.crop(body)), np.asarray(b.crop(body)))

    # The caption's ink is the Naskh drawing of the text, not DejaVu's boxes.
    def drawn(font_path):
        im = Image.new("L", (CELL_WIDTH - PAD, caption.shape[0]), 255)
        ImageDraw.Draw(im).text((0, 0), text, fill=0, font=ImageFont.truetype(str(font_path), 12))
        return np.asarray(im)

    naskh = BUILTIN_DIRS["font"] / "NotoNaskhArabic-Regular.ttf"
    assert np.array_equal(caption < 128, drawn(naskh) < 128)
    assert not np.array_equal(caption < 128, drawn(CAPTION_FONT) < 128)
    # A caption the caption font draws is drawn in it, whatever the row's font.
    cell = Image.new("RGB", (CELL_WIDTH, 40), (255, 255, 255))
    CaptionFonts(BUILTIN_DIRS["font"]).draw_text(cell, (PAD, 10), "Latin only", {"font": naskh.name})
    expected = Image.new("RGB", (CELL_WIDTH, 40), (255, 255, 255))
    ImageDraw.Draw(expected).text(
        (PAD, 10), "Latin only", fill=(0, 0, 0), font=ImageFont.truetype(str(CAPTION_FONT), 12)
    )
    assert np.array_equal(np.asarray(cell), np.asarray(expected))


def test_a_caption_is_drawn_with_the_rows_fallback_fonts():
    """An Urdu line with a Latin word, drawn in Noto Naskh with DejaVu Sans as fallback: neither the caption font
    (no ہ) nor the row's font (no Latin) draws it all, so the caption is laid out as the renderer lays out the
    line, each cluster in the first font that has it, with no missing-glyph box."""
    from PIL import ImageDraw, ImageFont

    from synthocr.analysis.preview import CaptionFonts
    from synthocr.assets import BUILTIN_DIRS
    from synthocr.renderer.layout import MARGIN, layout_line, layout_mask
    from synthocr.renderer.shaping import FontFile, SizedFont

    fonts_dir = BUILTIN_DIRS["font"]
    text = "یہ OCR ہے"
    params = {"font": "NotoNaskhArabic-Regular.ttf", "fallback_fonts": "DejaVuSans.ttf", "text_direction": "rtl"}
    cell = Image.new("RGB", (CELL_WIDTH, 40), (255, 255, 255))
    CaptionFonts(fonts_dir).draw_text(cell, (PAD, 10), text, params)
    ink = np.asarray(cell.convert("L")) < 128

    sized = [SizedFont(FontFile(str(fonts_dir / n), n), 12) for n in ("NotoNaskhArabic-Regular.ttf", "DejaVuSans.ttf")]
    mask = layout_mask(layout_line(text, "rtl", sized[0], 0.0, "", (sized[1],)))
    expected = np.zeros_like(ink)
    expected[10 - MARGIN : 10 - MARGIN + mask.height, PAD - MARGIN : PAD - MARGIN + mask.width] = (
        np.asarray(mask) >= 128
    )
    assert np.array_equal(ink, expected)
    # The row's font alone draws the Latin letters as boxes: another drawing.
    alone = Image.new("L", (CELL_WIDTH, 40), 255)
    naskh = ImageFont.truetype(str(fonts_dir / "NotoNaskhArabic-Regular.ttf"), 12)
    ImageDraw.Draw(alone).text((PAD, 10), text, fill=0, font=naskh)
    assert not np.array_equal(ink, np.asarray(alone) < 128)


def test_a_damaged_image_in_an_output_dir_is_left_off_the_sheet(cli, tmp_path, caplog):
    """Bits flipped inside an image's pixel data (header and end intact, still finished by the cheap rule):
    preview of the output dir stopped with a traceback from Pillow. It now leaves that sample out, saying
    which and how to make it again, and shows the others."""
    import logging

    job = plan_and_render(tmp_path, total_images=4)
    victim = list_outputs(job.out)[1].image_path
    data = bytearray(open(victim, "rb").read())
    data[len(data) // 2 : len(data) // 2 + 16] = bytes(16)
    with open(victim, "wb") as fh:
        fh.write(data)
    with caplog.at_level(logging.WARNING):
        code, out, err = cli("preview", job.out, "-n", 4, "-o", tmp_path / "sheet.png")
    assert code == 0 and "Traceback" not in err, err
    assert "wrote a sheet of 3 samples" in out
    assert any(victim in r.getMessage() and "--verify" in r.getMessage() for r in caplog.records)
