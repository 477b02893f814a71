"""`synthocr status`: how much of a plan an output dir holds, per specification, without rendering."""

from __future__ import annotations

import argparse
import json

from synthocr.cli.parsing import add_command

COLUMNS = ("total", "done", "missing", "damaged", "failed")


def register(sub: argparse._SubParsersAction) -> None:
    s = add_command(
        sub,
        "status",
        summary="done / missing / damaged / failed outputs of a plan, per specification (renders nothing)",
        examples=(
            "synthocr status build/plan.parquet build/out",
            "synthocr status build/plan.parquet build/out --json",
        ),
    )
    s.add_argument("plan", help="Parquet plan from `synthocr plan` (local path or fsspec URL)")
    s.add_argument("output", help="output dir of `synthocr render` (local path or fsspec URL)")
    s.add_argument(
        "--verify",
        action="store_true",
        help="check every finished output by a full decode and the SHA-256 its label records (slower)",
    )
    s.add_argument("--json", action="store_true", help="print the table as JSON (a list of rows, the last one `all`)")
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from synthocr.renderer.pending import plan_status

    rows = plan_status(args.plan, args.output, verify=args.verify)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    width = max(len("spec"), *(len(r["spec"]) for r in rows))
    print(f"{'spec':<{width}}  " + "  ".join(f"{c:>9}" for c in COLUMNS))
    for r in rows:
        print(f"{r['spec']:<{width}}  " + "  ".join(f"{r[c]:>9}" for c in COLUMNS))
    return 0
