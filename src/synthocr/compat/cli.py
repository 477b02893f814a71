"""`synthocr generate`: the seed system's one-shot command (plan + render with resume) and its flags."""

from __future__ import annotations

import argparse
import sys

from synthocr.cli.render import print_summary


def register(sub: argparse._SubParsersAction) -> None:
    g = sub.add_parser("generate", help="validate, plan and render a batch in one go (the seed system's interface)")
    g.add_argument("--batch-config", required=True, metavar="PATH", help="YAML batch config")
    g.add_argument("--output-dir", required=True, metavar="DIR", help="where images, labels and the plan go")
    g.add_argument("--font-dir", metavar="DIR", help="fonts (replaces the config's font_dir)")
    g.add_argument("--background-dir", metavar="DIR", help="background images (replaces background_dir)")
    g.add_argument("--corpus-dir", metavar="DIR", help="corpus files (replaces corpus_dir)")
    g.add_argument("--resume", action="store_true", help="continue a run in DIR: skip images already there")
    g.add_argument(
        "--log-level",
        dest="command_log_level",
        choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
        help="logging detail (default: INFO); DEBUG also shows tracebacks",
    )
    g.add_argument(
        "--generation-workers", type=int, default=-1, metavar="N", help="processes generating images (-1 = all cores)"
    )
    g.add_argument("--workers", type=int, default=1, metavar="N", help="threads encoding and writing outputs")
    g.add_argument("--chunk-size", type=int, default=64, metavar="N", help="rows per streamed chunk")
    g.add_argument("--io-batch-size", type=int, default=16, metavar="N", help="outputs written per I/O batch")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.set_defaults(func=run, default_log_level="INFO")


def run(args: argparse.Namespace) -> int:
    from synthocr.compat.generate import GenerateOptions, generate, validation_block
    from synthocr.errors import ConfigError

    opts = GenerateOptions(
        batch_config=args.batch_config,
        output_dir=args.output_dir,
        font_dir=args.font_dir,
        background_dir=args.background_dir,
        corpus_dir=args.corpus_dir,
        resume=args.resume,
        generation_workers=args.generation_workers,
        workers=args.workers,
        chunk_size=args.chunk_size,
        io_batch_size=args.io_batch_size,
        progress=not args.quiet,
    )
    try:
        summary = generate(opts)
    except ConfigError as exc:
        if args.log_level == "DEBUG":
            raise
        print(validation_block(exc), file=sys.stderr)
        return 2
    return print_summary(summary, args.output_dir)
