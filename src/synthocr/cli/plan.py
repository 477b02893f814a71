"""`synthocr plan`: expand a batch config (and optionally a request file) into a Parquet plan."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="expand a batch config into a Parquet plan")
    p.add_argument("config", help="YAML batch config")
    p.add_argument("overrides", nargs="*", help="config overrides as key=value (OmegaConf dotlist)")
    p.add_argument("-o", "--output", default="build/plan.parquet", help="plan file (default: build/plan.parquet)")
    p.add_argument(
        "--requests", metavar="FILE", help="request file (CSV, JSONL or Parquet): one plan row per valid row"
    )
    p.add_argument(
        "--format", choices=("csv", "jsonl", "parquet"), help="format of --requests (default: from the extension)"
    )
    p.add_argument("--dry-run", action="store_true", help="plan in memory and print a summary; write no plan")
    p.add_argument("--font-report", metavar="FILE", help="write the font health table (CSV) to FILE")
    p.set_defaults(func=run, accepts_overrides=True)


def run(args: argparse.Namespace) -> int:
    from synthocr.config import load_config
    from synthocr.output_paths import check_output_path
    from synthocr.planner.plan import prepare_plan, write_plan
    from synthocr.planner.requests import read_requests
    from synthocr.planner.summary import summarize_plan

    if not args.dry_run:  # refused before the (possibly long) planning, not after it
        check_output_path(args.output, "-o", "file")
    if args.font_report:
        check_output_path(args.font_report, "--font-report", "file")
    config = load_config(args.config, args.overrides)
    requests = read_requests(args.requests, args.format) if args.requests else None
    ctx = prepare_plan(config, requests)
    try:
        for line in ctx.text_report:  # e.g. how many lines of each file qualify
            print(f"text source {line}")
        if args.font_report:
            ctx.fonts.write_report(args.font_report)
        if requests is not None and ctx.requests_rejected:
            print(f"rejected {ctx.requests_rejected} of {len(requests.rows)} requests -> {requests.rejected_path}")
        if args.dry_run:
            summary = summarize_plan(ctx)
            print(summary.format())
            print(f"dry run: nothing written (would write {sum(summary.rows.values())} rows to {args.output})")
            return 0
        rows = write_plan(config, args.output, ctx=ctx)
    finally:
        ctx.close()
    if ctx.text_resamples:
        print(f"{ctx.text_resamples} texts were drawn again because no eligible font covered them")
    print(f"planned {rows} images -> {args.output}")
    return 0
