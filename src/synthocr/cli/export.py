"""`synthocr export`: a render's outputs in a training format, optionally filtered and split."""

from __future__ import annotations

import argparse
import sys

from synthocr.cli.parsing import add_command

# Kept in step with analysis.export.EXPORTERS by a test.
FORMATS = (
    "hf-imagefolder",
    "paddleocr",
    "lmdb",
    "webdataset",
    "tesstrain",
    "paddleocr-det",
    "doctr",
    "doctr-det",
    "mmocr-textrecog",
    "mmocr-textdet",
    "page-xml",
    "alto",
    "synthtext",
    "icdar2015",
    "coco",
    "yolo",
)


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "export",
        summary="write a render's outputs in a training format (" + ", ".join(FORMATS) + ")",
        examples=(
            "synthocr export build/out --to hf-imagefolder -o build/hf",
            "synthocr export build/out --to paddleocr -o build/paddle --split train=0.9,val=0.05,test=0.05 "
            "--max-length 25",
        ),
    )
    p.add_argument("output_dir", help="output dir of `synthocr render` (local path or fsspec URL such as s3://b/out)")
    p.add_argument("--to", required=True, choices=FORMATS, help="format to write")
    p.add_argument("-o", "--output", required=True, help="new (or empty) dir to write into (local path or s3://...)")
    p.add_argument(
        "--split",
        default="train",
        help="one split name, or fractions such as train=0.9,val=0.05,test=0.05: each sample's split is fixed "
        "by a hash of its image_id; each split gets its own folder",
    )
    p.add_argument(
        "--where",
        metavar="QUERY",
        help="only samples matching a pandas query over plan columns and width, height, length (characters), "
        "n_words, image; e.g. \"spec == 'latin' and length <= 25\"",
    )
    p.add_argument(
        "--max-length",
        type=int,
        metavar="N",
        help="only texts of at most N characters (many recognizers default to max_text_length 25)",
    )
    p.add_argument(
        "--level",
        choices=("char", "word", "line"),
        default="word",
        help="regions the detection formats write: one polygon per character, per word, or one for the line",
    )
    p.add_argument("--shard-size", type=int, default=1000, metavar="N", help="samples per tar for webdataset")
    p.add_argument(
        "--rotate-vertical",
        action="store_true",
        help="recognition formats: the image of each vertical line (text_direction ttb, ttb-mixed) turned 90 degrees "
        "counter-clockwise, its label with it, so it reads left to right as PaddleOCR turns tall crops",
    )
    p.add_argument(
        "--keep-invisible",
        action="store_true",
        help="write label texts as they were given, with the format characters no ink shows (bidi marks and "
        "isolates, zero-width space, word joiner, byte-order mark, soft hyphen), which are left out by default",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from synthocr.analysis.export import ExportOptions, export_outputs

    options = ExportOptions(
        split=args.split,
        shard_size=args.shard_size,
        where=args.where,
        max_length=args.max_length,
        level=args.level,
        rotate_vertical=args.rotate_vertical,
        keep_invisible=args.keep_invisible,
    )
    summary = export_outputs(args.output_dir, args.to, args.output, options)
    left = summary.finished - summary.samples
    splits = ", ".join(f"{name} {n}" for name, n in summary.splits.items())
    left -= len(summary.damaged)
    print(
        f"exported {summary.samples} samples as {args.to} -> {args.output} ({len(summary.files)} files; {splits})"
        + (f"; {left} of {summary.finished} finished outputs left out by --where/--max-length" if left else "")
    )
    if summary.damaged:
        print(
            f"left out {len(summary.damaged)} damaged outputs, whose image is not the one their label records "
            f"(SHA-256), e.g. {summary.damaged[0]}: `synthocr render PLAN -o {args.output_dir} --verify` makes "
            "them again, then export again",
            file=sys.stderr,
        )
        return 1
    return 0
