"""`synthocr collect`: every label of an output dir in one Parquet table, checked against the plan."""

from __future__ import annotations

import argparse
import sys

from synthocr.cli.parsing import EXIT_CODES, add_command


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "collect",
        summary="join every label with its plan row into one Parquet table",
        examples=("synthocr collect build/out -o build/labels.parquet",),
        exit_codes=(*EXIT_CODES, (1, "plan rows have no output yet (listed): render them, then collect again")),
    )
    p.add_argument("output_dir", help="output dir of `synthocr render`")
    p.add_argument("-o", "--output", default="labels.parquet", help="table to write")
    p.add_argument("--plan", help="the plan (default: the one recorded in OUT/.generation_checkpoint.json)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from synthocr.analysis.collect import collect_labels

    summary = collect_labels(args.output_dir, args.output, plan=args.plan)
    print(
        f"collected {summary.rows} labels -> {args.output}; {len(summary.missing)} plan rows missing, "
        f"{len(summary.extra)} outputs not in the plan, {len(summary.differs)} rendered with other parameters "
        "than the plan's"
    )
    if summary.differs:
        ids = ", ".join(map(str, summary.differs[:20])) + (" ..." if len(summary.differs) > 20 else "")
        print(
            f"rendered with other parameters than {summary.plan_path} says now (column plan_differs names them): "
            f"image_id {ids}; re-render them with --force to match the plan",
            file=sys.stderr,
        )
    if summary.extra:
        names = ", ".join(summary.extra[:20]) + (" ..." if len(summary.extra) > 20 else "")
        print(f"left out (not in {summary.plan_path}): {names}", file=sys.stderr)
    if summary.missing:
        ids = ", ".join(map(str, summary.missing[:20])) + (" ..." if len(summary.missing) > 20 else "")
        print(
            f"missing image_id: {ids}; render them with `synthocr render {summary.plan_path} -o {args.output_dir}`",
            file=sys.stderr,
        )
        return 1
    return 0
