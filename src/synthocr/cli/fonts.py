"""`synthocr fonts`: which fonts of a folder can draw which corpus files or specifications, and their scripts."""

from __future__ import annotations

import argparse
import json

from synthocr.assets.listing import FONT_KINDS
from synthocr.cli.parsing import add_command


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "fonts",
        summary="fonts x corpus files (or specifications): the share of texts each font can draw, its scripts",
        examples=(
            "synthocr fonts /usr/share/fonts --corpus my_corpus",
            "synthocr fonts my_fonts --config my.yaml --json",
        ),
    )
    p.add_argument("font_dir", metavar="FONT_DIR", help=f"folder of {FONT_KINDS} fonts (searched recursively)")
    p.add_argument(
        "--corpus",
        metavar="DIR",
        help="corpus folder: one column per file, or per top-level folder over 12 files (with --config: its corpus)",
    )
    p.add_argument("--config", metavar="C", help="batch config: one column per specification, its filters applied")
    p.add_argument("--sample", type=int, default=1000, metavar="N", help="texts drawn per column")
    p.add_argument(
        "--fallback",
        action="append",
        metavar="GLOB",
        help="with --corpus: fonts (globs, in order; repeatable) drawing what a font lacks, as a spec's "
        "fallback_fonts (with --config, each spec's own are used)",
    )
    p.add_argument(
        "--corpus-encoding",
        default="",
        metavar="ENC",
        help="with --corpus: the corpus files' encoding, as a specification's corpus_encoding (cp1251, shift_jis); "
        "default UTF-8",
    )
    p.add_argument("--json", action="store_true", help="print the table as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from synthocr.analysis.fonts import font_table

    table = font_table(
        args.font_dir,
        corpus_dir=args.corpus,
        config=args.config,
        sample=args.sample,
        fallback_fonts=args.fallback,
        corpus_encoding=args.corpus_encoding,
    )
    print(json.dumps(table.to_dict(), indent=2, ensure_ascii=False) if args.json else table.format())
    return 0
