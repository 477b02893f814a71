"""`synthocr plan`: expand a batch config (and optionally a request file) into a Parquet plan."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from synthocr.cli.parsing import add_command


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "plan",
        summary="expand a batch config into a Parquet plan (one row per image, every random choice a column)",
        examples=(
            "synthocr plan configs/default.yaml -o build/plan.parquet total_images=5000",
            "synthocr plan configs/default.yaml --dry-run          # a summary, nothing written",
        ),
    )
    p.add_argument("config", help="YAML batch config")
    p.add_argument(
        "overrides",
        nargs="*",
        metavar="KEY=VALUE",
        help="config overrides, before or after the options: total_images=500 specifications.0.font_size_max=30",
    )
    p.add_argument("-o", "--output", default="build/plan.parquet", help="plan file to write")
    p.add_argument(
        "--requests", metavar="FILE", help="request file (CSV, JSONL or Parquet): one plan row per valid row"
    )
    p.add_argument(
        "--format", choices=("csv", "jsonl", "parquet"), help="format of --requests (default: from the extension)"
    )
    p.add_argument("--dry-run", action="store_true", help="plan in memory and print a summary; write no plan")
    p.add_argument("--font-report", metavar="FILE", help="write the font health table (CSV) to FILE")
    p.add_argument(
        "--json",
        action="store_true",
        help="print the result as JSON on stdout (with --dry-run: the summary table); notes go to stderr",
    )
    p.set_defaults(func=run, accepts_overrides=True)


def run(args: argparse.Namespace) -> int:
    from synthocr.config import load_config
    from synthocr.output_paths import check_output_path
    from synthocr.planner.plan import prepare_plan, undrawn_notes, write_plan
    from synthocr.planner.requests import read_requests
    from synthocr.planner.summary import summarize_plan
    from synthocr.planner.texts import RESAMPLE_REASON

    if not args.dry_run:  # refused before the (possibly long) planning, not after it
        check_output_path(args.output, "-o", "file")
    if args.font_report:
        check_output_path(args.font_report, "--font-report", "file")
    config = load_config(args.config, args.overrides)
    requests = read_requests(args.requests, args.format) if args.requests else None
    ctx = prepare_plan(config, requests)
    notes = sys.stderr if args.json else sys.stdout  # with --json, stdout holds the JSON alone
    result: dict[str, Any] = {"config": args.config, "output": args.output, "dry_run": args.dry_run}
    try:
        for line in ctx.text_report:  # e.g. how many lines of each file qualify
            print(f"text source {line}", file=notes)
        result["text_sources"] = list(ctx.text_report)
        if args.font_report:
            ctx.fonts.write_report(args.font_report)
        if requests is not None and ctx.requests_rejected:
            print(
                f"rejected {ctx.requests_rejected} of {len(requests.rows)} requests -> {requests.rejected_path}",
                file=notes,
            )
        if args.dry_run:
            summary = summarize_plan(ctx)
            if args.json:
                print(json.dumps({**result, **summary.to_dict()}, indent=2, ensure_ascii=False))
                return 0
            print(summary.format())
            print(f"dry run: nothing written (would write {sum(summary.rows.values())} rows to {args.output})")
            return 0
        rows = write_plan(config, args.output, ctx=ctx)
    finally:
        ctx.close()
    if ctx.text_resamples:
        print(f"{ctx.text_resamples} texts were drawn again because {RESAMPLE_REASON}", file=notes)
        for line in undrawn_notes(ctx):
            print(f"  {line}", file=notes)
    if args.json:
        result.update(rows=rows, text_resamples=ctx.text_resamples, requests_rejected=ctx.requests_rejected)
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    print(f"planned {rows} images -> {args.output}")
    return 0
