"""`synthocr render`: render a plan's missing images and labels."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("render", help="render a plan's missing images and labels")
    r.add_argument("plan", help="Parquet plan from `synthocr plan`")
    r.add_argument("-o", "--output", default="build/out", help="output dir (default: build/out)")
    r.add_argument("--workers", type=int, default=-1, help="parallel worker processes (-1 = all cores)")
    r.add_argument("--chunk-size", type=int, default=64, help="rows per worker task (default: 64)")
    r.add_argument("--format", choices=("png", "jpg", "webp"), default="png", help="image format")
    r.add_argument("--allow-mismatch", action="store_true",
                   help="render into an output dir that belongs to another plan (warns)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument("--rows", help="only these plan rows, e.g. 10,20-30")
    r.add_argument("--where", help="only rows matching a pandas query over plan columns, e.g. \"spec == 'latin'\"")
    r.add_argument("--force", action="store_true", help="re-render selected rows even if their outputs exist")
    r.add_argument("--dry-run", action="store_true", help="print how many rows would be rendered, render nothing")
    r.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from synthocr.renderer.run import render_plan

    summary = render_plan(
        args.plan, args.output, workers=args.workers, chunk_size=args.chunk_size, fmt=args.format,
        allow_mismatch=args.allow_mismatch, progress=not args.quiet, rows=args.rows, where=args.where,
        force=args.force, dry_run=args.dry_run,
    )
    if args.dry_run:
        print(f"would render {summary.pending} of {summary.total} rows into {args.output} "
              f"({summary.skipped} present or not selected)")
        return 0
    attempted = summary.rendered + len(summary.failed)
    rate = 100.0 * summary.rendered / attempted if attempted else 100.0
    print(
        f"rendered {summary.rendered}, skipped {summary.skipped} (present or not selected), "
        f"failed {len(summary.failed)}; success rate {rate:.1f}%; {summary.images_per_second:.1f} images/s "
        f"-> {args.output}"
    )
    if summary.failed:
        ids = ", ".join(str(r["image_id"]) for r in summary.failed[:20])
        more = " ..." if len(summary.failed) > 20 else ""
        print(f"failed rows: {ids}{more} (details in {args.output}/_render_state.jsonl)", file=sys.stderr)
        return 1
    return 0
