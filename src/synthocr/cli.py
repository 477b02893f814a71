"""The `synthocr` command: parses arguments and calls one library function per subcommand."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from synthocr import __version__
from synthocr.errors import UserError

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def cmd_plan(args: argparse.Namespace) -> int:
    from synthocr.planner.plan import write_plan
    from synthocr.planner.validation import load_config

    config = load_config(args.config, args.overrides)
    rows = write_plan(config, args.output)
    print(f"planned {rows} images -> {args.output}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="synthocr", description="Synthetic OCR training data.")
    parser.add_argument("--version", action="version", version=f"synthocr {__version__}")
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="WARNING",
                        help="logging detail; DEBUG also shows tracebacks (default: WARNING)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("plan", help="expand a batch config into a Parquet plan")
    p.add_argument("config", help="YAML batch config")
    p.add_argument("overrides", nargs="*", help="config overrides as key=value (OmegaConf dotlist)")
    p.add_argument("-o", "--output", default="build/plan.parquet", help="plan file (default: build/plan.parquet)")
    p.set_defaults(func=cmd_plan)

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
    r.set_defaults(func=cmd_render)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    # Config overrides may come after options: `synthocr plan CONFIG -o PLAN total_images=10`.
    if args.command == "plan" and all("=" in e and not e.startswith("-") for e in extra):
        args.overrides = [*args.overrides, *extra]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    logging.basicConfig(level=args.log_level, format="%(levelname)s %(name)s: %(message)s")
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except UserError as exc:
        if args.log_level == "DEBUG":
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; run the same command again to resume.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
