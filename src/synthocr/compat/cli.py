"""`synthocr generate`: the seed system's one-shot command (plan + render with resume) and its flags."""

from __future__ import annotations

import argparse
import logging
import sys

from synthocr.cli.parsing import EXIT_CODES, add_command
from synthocr.cli.render import WORKERS_HELP, print_summary

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    g = add_command(
        sub,
        "generate",
        summary="validate, plan and render a batch in one go (the seed system's interface)",
        examples=(
            "synthocr generate --batch-config configs/default.yaml --output-dir build/gen --workers 4",
            "synthocr generate --batch-config configs/default.yaml --output-dir build/gen --resume",
        ),
        exit_codes=(*EXIT_CODES, (1, "some rows failed (listed; the rest were rendered): run with --resume")),
    )
    g.add_argument("--batch-config", required=True, metavar="PATH", help="YAML batch config")
    g.add_argument("--output-dir", required=True, metavar="DIR", help="where images, labels and the plan go")
    g.add_argument("--font-dir", metavar="DIR", help="fonts (replaces the config's font_dir)")
    g.add_argument("--background-dir", metavar="DIR", help="background images (replaces background_dir)")
    g.add_argument("--corpus-dir", metavar="DIR", help="corpus files (replaces corpus_dir)")
    g.add_argument("--resume", action="store_true", help="continue a run in DIR: skip images already there")
    g.add_argument("--workers", type=int, default=None, metavar="N", help=f"{WORKERS_HELP} (default: -1)")
    g.add_argument(
        "--generation-workers",
        type=int,
        default=None,
        metavar="N",
        help="deprecated name of --workers (the seed system's); warns",
    )
    g.add_argument("--io-threads", type=int, default=1, metavar="N", help="threads encoding and writing outputs")
    g.add_argument("--chunk-size", type=int, default=64, metavar="N", help="rows per streamed chunk")
    g.add_argument("--io-batch-size", type=int, default=16, metavar="N", help="outputs written per I/O batch")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    g.set_defaults(func=run, default_log_level="INFO")


def worker_counts(args: argparse.Namespace) -> tuple[int, int]:
    """(processes, threads) from the flags; the seed system's spelling is read as it meant, with a warning.

    The seed system called the processes `--generation-workers` and the writer threads `--workers`.
    Here `--workers` means processes, as in `render`. A command line that uses `--generation-workers`
    is in the seed's spelling, so a `--workers` next to it still means threads there.
    """
    processes, threads = args.workers, args.io_threads
    if args.generation_workers is not None:
        if args.workers is not None:
            log.warning(
                "--generation-workers %d --workers %d is the seed system's spelling: read as %d processes and "
                "%d writer threads; write --workers %d --io-threads %d instead",
                args.generation_workers,
                args.workers,
                args.generation_workers,
                args.workers,
                args.generation_workers,
                args.workers,
            )
            threads = args.workers
        else:
            log.warning("--generation-workers is deprecated: write --workers %d", args.generation_workers)
        processes = args.generation_workers
    return (-1 if processes is None else processes), threads


def run(args: argparse.Namespace) -> int:
    from synthocr.compat.generate import GenerateOptions, generate, validation_block
    from synthocr.errors import ConfigError

    processes, threads = worker_counts(args)
    opts = GenerateOptions(
        batch_config=args.batch_config,
        output_dir=args.output_dir,
        font_dir=args.font_dir,
        background_dir=args.background_dir,
        corpus_dir=args.corpus_dir,
        resume=args.resume,
        generation_workers=processes,
        workers=threads,
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
