"""`synthocr plan`: expand a batch config into a Parquet plan."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plan", help="expand a batch config into a Parquet plan")
    p.add_argument("config", help="YAML batch config")
    p.add_argument("overrides", nargs="*", help="config overrides as key=value (OmegaConf dotlist)")
    p.add_argument("-o", "--output", default="build/plan.parquet", help="plan file (default: build/plan.parquet)")
    p.set_defaults(func=run, accepts_overrides=True)


def run(args: argparse.Namespace) -> int:
    from synthocr.planner.plan import write_plan
    from synthocr.planner.validation import load_config

    config = load_config(args.config, args.overrides)
    rows = write_plan(config, args.output)
    print(f"planned {rows} images -> {args.output}")
    return 0
