"""Contact sheets: sample images with their character, word and line polygons drawn over them and the text below."""

from __future__ import annotations

import io
import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import uharfbuzz as hb
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from synthocr.analysis.outputs import DAMAGED, intact_image, list_outputs, read_label, recorded_plan
from synthocr.assets import BUILTIN_DIRS, resolve_root
from synthocr.errors import UserError
from synthocr.extras import url_to_fs
from synthocr.output_paths import atomic_output, check_output_path
from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.bidi import check_layout_support
from synthocr.renderer.compose import render_row
from synthocr.renderer.io import open_plan, read_rows
from synthocr.renderer.layout import MARGIN, layout_line, layout_mask
from synthocr.renderer.limits import RowLimitError, max_pixels_of
from synthocr.renderer.shaping import FontFile, SizedFont
from synthocr.schemas.labels import Label, Region
from synthocr.schemas.plan import asset_roots, plan_metadata

log = logging.getLogger(__name__)

# Saturated colours that grey, lightly tinted renders never contain, so the boxes stand out (and can be counted).
CHAR_COLOUR = (0, 170, 255)
WORD_COLOUR = (255, 120, 0)
LINE_COLOUR = (230, 0, 200)
BASELINE_COLOUR = (0, 190, 60)
CELL_WIDTH = 320  # pixels per sample column
IMAGE_HEIGHT = 120  # largest height of a sample image on the sheet, in pixels
CAPTION_HEIGHT = 36  # two caption lines: id and specification, then the text
HEADER_HEIGHT = 24
PAD = 6
BACKGROUND = (255, 255, 255)
CAPTION_FONT = BUILTIN_DIRS["font"] / "DejaVuSans.ttf"
CAPTION_SIZE = 12

Sample = tuple[Image.Image, Label]


def choose(total: int, n: int, seed: int) -> NDArray[np.int64]:
    """`n` distinct positions out of `total` (all if fewer), sorted; the same seed gives the same positions."""
    if n < 1:
        raise UserError(f"-n must be at least 1, got {n}.")
    picked = np.random.default_rng(seed).choice(total, size=min(n, total), replace=False)
    return np.sort(picked).astype(np.int64)


def samples_from_outputs(out_dir: str | Path, n: int, seed: int) -> list[Sample]:
    """`n` finished outputs of a render, chosen with `seed` among all of them in name order."""
    outputs = list_outputs(out_dir)
    samples = []
    for i in choose(len(outputs), n, seed):
        output = outputs[i]
        label = read_label(output)
        data = intact_image(output, label)
        if data is None:
            log.warning("%s left out of the sheet: %s", output.image_path, DAMAGED)
            continue
        with Image.open(io.BytesIO(data)) as im:
            samples.append((im.convert("RGB"), label))
    return samples


def outputs_font_root(out_dir: str | Path) -> Path | None:
    """The font folder of the plan an output dir was rendered from (None when the plan is not there)."""
    plan = recorded_plan(out_dir)
    if plan is None:
        return None
    return resolve_root("font", asset_roots(plan_metadata(open_plan(plan).schema_arrow)).get("font", ""))


def samples_from_plan(plan_path: str | Path, n: int, seed: int) -> tuple[list[Sample], Path | None]:
    """`n` rows of a plan, chosen with `seed`, rendered in memory (nothing is written), and its font folder."""
    check_layout_support()  # the install command for libfribidi, rather than a failure per row
    pf = open_plan(str(plan_path))
    meta = plan_metadata(pf.schema_arrow)
    assets, max_pixels = RenderAssets(asset_roots(meta)), max_pixels_of(meta)
    return _render_rows(read_rows(pf, choose(pf.metadata.num_rows, n, seed)), assets, max_pixels), assets.font_root


def _render_rows(rows: list[dict[str, Any]], assets: RenderAssets, max_pixels: int) -> list[Sample]:
    """The rows rendered in memory; a row past a limit (renderer.limits) is left out with a warning."""
    samples = []
    for row in rows:
        try:
            image, label = render_row(row, assets, max_pixels)
        except RowLimitError as exc:  # `render` would fail this row too; the sheet shows the others
            log.warning("row with image_id %s left out: %s", row["image_id"], exc)
            continue
        samples.append(_through_json((image, label)))
    return samples


def _outline(
    draw: ImageDraw.ImageDraw,
    region: Region,
    scale: float,
    offset: tuple[int, int],
    colour: tuple[int, int, int],
    width: int,
) -> None:
    points = [(offset[0] + x * scale, offset[1] + y * scale) for x, y in region.polygon]
    if len(points) >= 2:
        draw.line([*points, points[0]], fill=colour, width=width, joint="curve")


def _baseline(draw: ImageDraw.ImageDraw, points: list[list[float]], scale: float, offset: tuple[int, int]) -> None:
    """The baseline, with a dot at its start (its left end in the text's own frame: the text is turned
    half round when the dot is on the right)."""
    if len(points) < 2:  # a label from before version 4 has none
        return
    xy = [(offset[0] + x * scale, offset[1] + y * scale) for x, y in points]
    draw.line(xy, fill=BASELINE_COLOUR, width=2, joint="curve")
    (x, y) = xy[0]
    draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=BASELINE_COLOUR)


def _fit(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """`text` cut with an ellipsis so that it fits `width` pixels."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text + "…"


class CaptionFonts:
    """The caption font, and for a text it lacks characters of, the sample's own font with its fallback fonts
    (which the planner chose to cover the text), laid out as the renderer lays out a line: Thai, Chinese or
    Khmer captions, and a Japanese line with an Arabic word, are drawn, not shown as missing-glyph boxes."""

    def __init__(self, font_root: Path | None) -> None:
        self.font_root = font_root
        self.caption = ImageFont.truetype(str(CAPTION_FONT), CAPTION_SIZE)
        self._covers = frozenset(hb.Face(hb.Blob.from_file_path(str(CAPTION_FONT))).unicodes)
        self._own: dict[str, SizedFont | None] = {}

    def draw_text(self, cell: Image.Image, xy: tuple[int, int], text: str, params: dict[str, Any]) -> None:
        """`text` in black at `xy` on `cell`, cut with an ellipsis to the cell's width."""
        width = CELL_WIDTH - 2 * PAD
        if self.font_root is not None and not all(ord(c) in self._covers or c.isspace() for c in text):
            names = [str(params.get("font", "")), *filter(None, str(params.get("fallback_fonts") or "").split("|"))]
            fonts = [f for f in map(self._sized, names) if f is not None]
            try:
                layout = layout_line(
                    text, "rtl" if params.get("text_direction") == "rtl" else "ltr", fonts[0], 0.0, "", tuple(fonts[1:])
                )
            except (IndexError, RowLimitError):  # fonts gone since the render: the caption font, boxes and all
                pass
            else:
                mask = layout_mask(layout)
                if mask.width > width:  # the line's start kept: its right end in a right-to-left line
                    left = mask.width - width if params.get("text_direction") == "rtl" else 0
                    mask = mask.crop((left, 0, left + width, mask.height))
                cell.paste((0, 0, 0), (xy[0] - MARGIN, xy[1] - MARGIN), mask)
                return
        ImageDraw.Draw(cell).text(xy, _fit(text, self.caption, width), fill=(0, 0, 0), font=self.caption)

    def _sized(self, name: str) -> SizedFont | None:
        if name not in self._own:
            assert self.font_root is not None
            try:
                self._own[name] = SizedFont(FontFile(str(self.font_root / name), name), CAPTION_SIZE)
            except Exception:  # unreadable or gone since the render: drawn in the caption font
                self._own[name] = None
        return self._own[name]


def _cell(sample: Sample, boxes: bool, fonts: CaptionFonts) -> Image.Image:
    """One sample: the image scaled into the cell (boxes over it), then its id, specification and text."""
    image, label = sample
    cell = Image.new("RGB", (CELL_WIDTH, IMAGE_HEIGHT + CAPTION_HEIGHT + 2 * PAD), BACKGROUND)
    scale = min((CELL_WIDTH - 2 * PAD) / image.width, IMAGE_HEIGHT / image.height, 3.0)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    offset = ((CELL_WIDTH - size[0]) // 2, PAD + (IMAGE_HEIGHT - size[1]) // 2)
    cell.paste(image.resize(size, Image.Resampling.LANCZOS), offset)
    draw = ImageDraw.Draw(cell)
    if boxes:
        for region in label.chars:
            _outline(draw, region, scale, offset, CHAR_COLOUR, 1)
        for region in label.words:
            _outline(draw, region, scale, offset, WORD_COLOUR, 2)
        _outline(draw, label.line, scale, offset, LINE_COLOUR, 2)
        _baseline(draw, label.regions.baseline.tolist(), scale, offset)
    top = PAD + IMAGE_HEIGHT + 4
    spec = label.params.get("spec", "")
    head = f"#{label.image_id} {spec} {image.width}x{image.height}"
    font = fonts.caption
    draw.text((PAD, top), _fit(head, font, CELL_WIDTH - 2 * PAD), fill=(90, 90, 90), font=font)
    fonts.draw_text(cell, (PAD, top + CAPTION_HEIGHT // 2), label.text, label.params)
    return cell


def contact_sheet(
    samples: Sequence[Sample], columns: int = 6, boxes: bool = True, title: str = "", font_root: Path | None = None
) -> Image.Image:
    """Samples in a grid of `columns`, under a header line with the title and the box colour key; a caption
    the caption font cannot draw is drawn in the sample's font, from `font_root`.

    The sheet is `columns * CELL_WIDTH` pixels wide (fewer columns when there are fewer samples) and
    `HEADER_HEIGHT + rows * (IMAGE_HEIGHT + CAPTION_HEIGHT + 2 * PAD)` pixels high.
    """
    if columns < 1:
        raise UserError(f"--columns must be at least 1, got {columns}.")
    fonts = CaptionFonts(font_root)
    font = fonts.caption
    cols = min(columns, max(1, len(samples)))
    cell_height = IMAGE_HEIGHT + CAPTION_HEIGHT + 2 * PAD
    rows = max(1, math.ceil(len(samples) / cols))
    sheet = Image.new("RGB", (cols * CELL_WIDTH, HEADER_HEIGHT + rows * cell_height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    x: float = PAD
    draw.text((x, 5), title, fill=(0, 0, 0), font=font)
    x += font.getlength(title) + 16
    if boxes:
        for name, colour in (("chars", CHAR_COLOUR), ("words", WORD_COLOUR), ("line", LINE_COLOUR)):
            draw.rectangle((x, 8, x + 10, 18), outline=colour, width=2)
            draw.text((x + 14, 5), name, fill=(0, 0, 0), font=font)
            x += 24 + font.getlength(name)
        draw.line((x, 13, x + 10, 13), fill=BASELINE_COLOUR, width=2)
        draw.ellipse((x - 3, 10, x + 3, 16), fill=BASELINE_COLOUR)
        draw.text((x + 14, 5), "baseline (dot: its start)", fill=(0, 0, 0), font=font)
    for i, sample in enumerate(samples):
        r, c = divmod(i, cols)
        sheet.paste(_cell(sample, boxes, fonts), (c * CELL_WIDTH, HEADER_HEIGHT + r * cell_height))
    return sheet


PARQUET_MAGIC = b"PAR1"


def source_kind(source: str | Path) -> str:
    """What `source` is, by its content: "output" (a folder), "plan" (a Parquet file) or "config" (anything else).

    Raises:
        UserError: `source` does not exist.
    """
    if "://" in os.fspath(source):  # an object store (s3://...): the same questions through fsspec
        fs, inner = url_to_fs(os.fspath(source))
        if fs.isdir(inner):
            return "output"
        if not fs.isfile(inner):
            raise UserError(f"{source} does not exist; give a plan file or an output dir of `synthocr render`.")
        with fs.open(inner, "rb") as fh:
            return "plan" if fh.read(4) == PARQUET_MAGIC else "config"
    src = Path(source)
    if src.is_dir():
        return "output"
    if not src.is_file():
        raise UserError(
            f"{src} does not exist (resolved to {src.resolve()}); give a batch config (YAML), a plan file "
            "or an output dir of `synthocr render`."
        )
    with src.open("rb") as fh:
        return "plan" if fh.read(4) == PARQUET_MAGIC else "config"


def samples_from_config(config_path: str | Path, overrides: Sequence[str], n: int) -> tuple[list[Sample], Path | None]:
    """`n` rows planned from a batch config in memory (total_images=n, every other field as given), rendered;
    and the font folder.

    Nothing is written: this is the plan `synthocr plan CONFIG total_images=n` would write, shown as a sheet.
    """
    from synthocr.config import load_config  # the planner is needed only for this kind of source
    from synthocr.planner.plan import plan_batch

    if n < 1:
        raise UserError(f"-n must be at least 1, got {n}.")
    config = load_config(config_path, [*overrides, f"total_images={n}"])
    table = plan_batch(config)
    check_layout_support()
    assets = RenderAssets(asset_roots(plan_metadata(table.schema)))
    return _render_rows(table.to_pylist(), assets, config.max_image_pixels), assets.font_root


def _through_json(sample: tuple[Image.Image, Label]) -> Sample:
    image, label = sample
    # As on disk (coordinates rounded to 0.01 px): a sheet from memory equals one made from the outputs.
    return image.convert("RGB"), Label.from_json(label.to_json())


def write_preview(
    source: str | Path,
    output: str | Path,
    n: int = 48,
    seed: int = 0,
    columns: int = 6,
    boxes: bool = True,
    overrides: Sequence[str] = (),
) -> int:
    """Write a contact sheet of `n` samples of an output dir, a plan (rendered in memory) or a batch config
    (planned and rendered in memory); which one `source` is comes from its content.

    Returns:
        The number of samples on the sheet.
    """
    check_output_path(output, "-o", "file")
    src = os.fspath(source)
    name = src.rstrip("/").rpartition("/")[2]
    kind = source_kind(src)
    if overrides and kind != "config":
        raise UserError(
            f"KEY=VALUE overrides ({' '.join(overrides)}) apply to a batch config, and {src} is "
            f"{'an output dir' if kind == 'output' else 'a plan'}; drop them or give the config."
        )
    out = Path(output)
    if kind == "output":
        samples, font_root = samples_from_outputs(src, n, seed), outputs_font_root(src)
        title = f"output dir {name}: {len(samples)} samples, seed {seed}"
    elif kind == "plan":
        samples, font_root = samples_from_plan(src, n, seed)
        title = f"plan {name}: {len(samples)} samples, seed {seed}"
    else:
        samples, font_root = samples_from_config(src, overrides, n)
        title = f"config {name}: {len(samples)} rows planned in memory"
    sheet = contact_sheet(samples, columns, boxes, title=title, font_root=font_root)
    try:
        with atomic_output(out, "-o") as tmp:
            sheet.save(tmp)
    except (ValueError, KeyError):
        raise UserError(f"-o {out}: unknown image format; use a name ending in .png, .jpg or .webp.") from None
    log.info("wrote %d samples to %s", len(samples), out)
    return len(samples)
