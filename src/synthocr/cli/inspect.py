"""`synthocr inspect`: summarise a plan per specification, as a table or JSON, and optionally as PNG plots."""

from __future__ import annotations

import argparse
import json
import shutil
import sys

from synthocr.cli.parsing import add_command


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "inspect",
        summary="summarise a plan per specification: rows, fonts, parameter ranges (table, --json, --plots)",
        examples=(
            "synthocr inspect build/plan.parquet",
            "synthocr inspect build/plan.parquet --plots build/plots --json > summary.json",
            "synthocr inspect build/plan.parquet --charset charset.txt",
        ),
    )
    p.add_argument("plan", help="Parquet plan from `synthocr plan`")
    p.add_argument("--json", action="store_true", help="print the summary as JSON instead of a table")
    p.add_argument(
        "--plots", metavar="DIR", help="also write PNG plots (one per parameter, fonts, scripts, overview.png)"
    )
    p.add_argument("--top", type=int, default=5, metavar="N", help="fonts listed per specification (plots show 3x)")
    p.add_argument(
        "--charset",
        nargs="?",
        const="",
        metavar="FILE",
        help="print per-character counts of the texts instead; with FILE (a recognizer's charset), also its "
        "characters that never occur or occur fewer than --min-count times",
    )
    p.add_argument("--min-count", type=int, default=10, metavar="N", help="with --charset FILE: rare below this")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from synthocr.analysis.summary import file_groups, format_summary, summary_of, tally_plan
    from synthocr.errors import UserError
    from synthocr.extras import require

    if args.top < 1:
        raise UserError(f"--top must be at least 1, got {args.top}.")
    if args.charset is not None:
        from synthocr.analysis.charset import charset_report

        report = charset_report(args.plan, args.charset or None, args.min_count)
        print(
            json.dumps({"plan": args.plan, **report.to_dict()}, indent=2, ensure_ascii=False)
            if args.json
            else report.format()
        )
        return 0
    if args.plots:
        require("matplotlib", "--plots")  # before the plan is read: fail fast
    groups = file_groups(args.plan)  # a row group at a time: flat in the plan's size
    tallied = tally_plan(groups)
    summary = summary_of(*tallied, top=args.top)
    # The plots first: a reader that stops early (`synthocr inspect PLAN --plots DIR | head`) must not cost them.
    note = ""
    if args.plots:
        from synthocr.analysis.plots import write_plots

        drawn = write_plots(groups, args.plots, top=3 * args.top, tallied=tallied)  # one more pass
        files, constant = drawn.files, drawn.constant
        note = f"wrote {len(files)} plots -> {args.plots} (overview: {files[0]})" + (
            f"; not plotted (one value, or an effect applied to no row): {', '.join(constant)}" if constant else ""
        )
    if args.json:
        print(json.dumps({"plan": args.plan, **summary}, indent=2, ensure_ascii=False))
    else:
        width = shutil.get_terminal_size((100, 24)).columns
        print(f"plan {args.plan}\n{format_summary(summary, width=width)}")
    if note:
        # With --json, stdout stays pure JSON: the note about the plots goes to stderr.
        print(note, file=sys.stderr if args.json else sys.stdout)
    return 0
