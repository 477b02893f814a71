"""`synthocr status`: how much of a plan an output dir holds, per specification, without rendering."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("status", help="done / missing / failed counts of a plan's outputs, per specification")
    s.add_argument("plan", help="Parquet plan from `synthocr plan` (local path or fsspec URL)")
    s.add_argument("output", help="output dir of `synthocr render` (local path or fsspec URL)")
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from synthocr.renderer.run import plan_status

    rows = plan_status(args.plan, args.output)
    width = max(len("spec"), *(len(r["spec"]) for r in rows))
    print(f"{'spec':<{width}}  {'total':>9}  {'done':>9}  {'missing':>9}  {'failed':>9}")
    for r in rows:
        print(f"{r['spec']:<{width}}  {r['total']:>9}  {r['done']:>9}  {r['missing']:>9}  {r['failed']:>9}")
    return 0
