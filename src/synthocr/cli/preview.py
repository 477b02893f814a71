"""`synthocr preview`: a contact sheet of sample images with their polygons, from an output dir or a plan."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("preview", help="contact sheet of samples with char/word/line polygons (from OUT or a PLAN)")
    p.add_argument("source", help="output dir of `synthocr render`, or a plan file (its rows are rendered in memory)")
    p.add_argument("-n", type=int, default=48, help="number of samples (default: 48)")
    p.add_argument("-o", "--output", default="sheet.png", help="image to write (default: sheet.png)")
    p.add_argument("--seed", type=int, default=0, help="seed of the sample choice (default: 0)")
    p.add_argument("--columns", type=int, default=6, help="samples per row of the sheet (default: 6)")
    p.add_argument("--no-boxes", action="store_true", help="images and text only, no polygons")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from synthocr.analysis.preview import write_preview

    count = write_preview(
        args.source, args.output, n=args.n, seed=args.seed, columns=args.columns, boxes=not args.no_boxes
    )
    print(f"wrote a sheet of {count} samples -> {args.output}")
    return 0
