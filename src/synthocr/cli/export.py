"""`synthocr export`: a render's outputs in a training format (hf-imagefolder, paddleocr, lmdb, webdataset)."""

from __future__ import annotations

import argparse

from synthocr.cli.parsing import add_command

FORMATS = ("hf-imagefolder", "paddleocr", "lmdb", "webdataset")  # kept in step with analysis.export.EXPORTERS by a test


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "export",
        summary="write a render's outputs in a training format (" + ", ".join(FORMATS) + ")",
        examples=("synthocr export build/out --to hf-imagefolder -o build/hf",),
    )
    p.add_argument("output_dir", help="output dir of `synthocr render`")
    p.add_argument("--to", required=True, choices=FORMATS, help="format to write")
    p.add_argument("-o", "--output", required=True, help="new (or empty) dir to write into")
    p.add_argument("--split", default="train", help="split folder name for hf-imagefolder")
    p.add_argument("--shard-size", type=int, default=1000, metavar="N", help="samples per tar for webdataset")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from synthocr.analysis.export import ExportOptions, export_outputs

    count, files = export_outputs(
        args.output_dir, args.to, args.output, ExportOptions(split=args.split, shard_size=args.shard_size)
    )
    print(f"exported {count} samples as {args.to} -> {args.output} ({len(files)} files)")
    return 0
