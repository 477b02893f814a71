"""The gallery's preview sheets: the first rows of every preset in configs/, planned and rendered, on one PNG each.

Usage (from the repository root; `make gallery`): python docs/gallery.py [--rows N] [--out docs/gallery]

Deterministic: the same presets, code and assets give the same PNG bytes. Each sheet
stacks the rows' images, scaled to one height, in two columns, quantised to 256
colours so that the committed files stay small.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image, ImageDraw

from synthocr.config.load import load_config
from synthocr.planner.plan import plan_batch
from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.compose import render_row
from synthocr.schemas.plan import asset_roots, plan_metadata

PRESETS = ("default", "documents", "receipts", "scans", "scene", "degraded")
ROW_HEIGHT = 44  # pixels of each image on the sheet
COLUMN_WIDTH = 440
GAP = 6


def sheet(config: Path, rows: int) -> Image.Image:
    """`rows` rows of the preset at `config`, planned with its own seed, drawn on one sheet."""
    plan = plan_batch(load_config(config, [f"total_images={rows}"]))
    assets = RenderAssets(asset_roots(plan_metadata(plan)))
    images = []
    for row in plan.to_pylist():
        image, _ = render_row(row, assets)
        image = image.convert("RGB")
        if row["text_direction"] == "ttb":  # a column: turned on its side to fit the sheet's rows
            image = image.transpose(Image.Transpose.ROTATE_90)
        scale = min(ROW_HEIGHT / image.height, COLUMN_WIDTH / image.width)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        images.append(image.resize(size, Image.Resampling.LANCZOS))
    per_column = -(-len(images) // 2)
    out = Image.new("RGB", (2 * COLUMN_WIDTH + 3 * GAP, per_column * (ROW_HEIGHT + GAP) + GAP), "white")
    draw = ImageDraw.Draw(out)
    for k, image in enumerate(images):
        column, line = divmod(k, per_column)
        x = GAP + column * (COLUMN_WIDTH + GAP)
        y = GAP + line * (ROW_HEIGHT + GAP) + (ROW_HEIGHT - image.height) // 2
        out.paste(image, (x, y))
        draw.rectangle((x - 1, y - 1, x + image.width, y + image.height), outline=(200, 200, 200))
    return out.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=32, help="rows per preset (default 32)")
    parser.add_argument("--out", type=Path, default=Path("docs/gallery"), help="folder of the sheets")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in PRESETS:
        path = args.out / f"{name}.png"
        sheet(Path("configs") / f"{name}.yaml", args.rows).save(path, optimize=True)
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
