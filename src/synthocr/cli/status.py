"""`synthocr status`: how much of a plan an output dir holds, per specification, without rendering."""

from __future__ import annotations

import argparse

COLUMNS = ("total", "done", "missing", "damaged", "failed")


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("status", help="done / missing / damaged / failed counts of a plan's outputs, per specification")
    s.add_argument("plan", help="Parquet plan from `synthocr plan` (local path or fsspec URL)")
    s.add_argument("output", help="output dir of `synthocr render` (local path or fsspec URL)")
    s.add_argument(
        "--verify",
        action="store_true",
        help="check every finished output by a full decode and the SHA-256 its label records (slower)",
    )
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from synthocr.renderer.pending import plan_status

    rows = plan_status(args.plan, args.output, verify=args.verify)
    width = max(len("spec"), *(len(r["spec"]) for r in rows))
    print(f"{'spec':<{width}}  " + "  ".join(f"{c:>9}" for c in COLUMNS))
    for r in rows:
        print(f"{r['spec']:<{width}}  " + "  ".join(f"{r[c]:>9}" for c in COLUMNS))
    return 0
