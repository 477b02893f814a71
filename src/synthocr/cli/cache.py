"""`synthocr cache`: where the cache is, what it holds, and removing what has not been used for a while."""

from __future__ import annotations

import argparse
import datetime
import json
import math

from synthocr.cli.parsing import add_command
from synthocr.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    s = add_command(
        sub,
        "cache",
        summary="the cache of extracted corpus texts and unwrapped web fonts: where, how large, and pruning it",
        description=(
            "The cache holds the texts extracted from tables, documents and compressed corpus files, and "
            "unwrapped web fonts, each made once per machine and made again when missing. It lies in "
            "$SYNTHOCR_CACHE, else $XDG_CACHE_HOME/synthocr, else ~/.cache/synthocr. Without options: what it "
            "holds. Only files synthocr made are listed or removed."
        ),
        examples=(
            "synthocr cache --json",
            "synthocr cache --prune 30",
            "synthocr cache --clear",
        ),
    )
    what = s.add_mutually_exclusive_group()
    what.add_argument(
        "--prune",
        type=float,
        metavar="DAYS",
        help="remove the files not used for DAYS days (planning or rendering reads a file: it counts as used)",
    )
    what.add_argument("--clear", action="store_true", help="remove every file synthocr made in the cache")
    s.add_argument("--json", action="store_true", help="print the summary as JSON")
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from synthocr.cache_contents import summarise
    from synthocr.cache_root import cache_root

    days = 0.0 if args.clear else args.prune
    if days is not None and (not math.isfinite(days) or days < 0):
        raise UserError(f"--prune takes a number of days of 0 or more (0 removes every file), not {args.prune}.")
    root = cache_root()
    kinds = summarise(root, days)
    if args.json:
        print(json.dumps({"cache": str(root), "kinds": [vars(k) for k in kinds]}, indent=2))
        return 0
    print(f"cache: {root}")
    print(f"{'kind':<8}{'files':>7}{'size':>12}  last used")
    for k in kinds:
        when = "-" if k.oldest is None else f"{_day(k.oldest)} to {_day(k.newest)}"
        print(f"{k.kind:<8}{k.files:>7}{_size(k.size):>12}  {when}")
    if days is not None:
        removed, size = sum(k.removed for k in kinds), sum(k.removed_size for k in kinds)
        why = "" if args.clear else f", not used for {days:g} days"
        print(f"removed {removed} files ({_size(size)}){why}")
    return 0


def _day(epoch: float | None) -> str:
    return "" if epoch is None else datetime.datetime.fromtimestamp(epoch).strftime("%Y-%m-%d")


def _size(n: int) -> str:
    """Bytes as people read them: 812 B, 12.4 KiB, 3.1 GiB."""
    value, unit = float(n), "B"
    for bigger in ("KiB", "MiB", "GiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{n:,} B" if unit == "B" else f"{value:.1f} {unit}"
