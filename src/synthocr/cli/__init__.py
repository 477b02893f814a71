"""The `synthocr` command: one module per subcommand, each parsing arguments and calling the library."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from synthocr import __version__
from synthocr.cli import collect, export, fonts, inspect, plan, preview, render, status
from synthocr.compat import cli as generate  # the seed system's `synthocr generate`
from synthocr.errors import UserError
from synthocr.output_paths import place_error

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Each module has register(subparsers) and run(args) -> exit status.
COMMANDS = (generate, plan, render, status, inspect, preview, collect, export, fonts)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="synthocr", description="Synthetic OCR training data.")
    parser.add_argument("--version", action="version", version=f"synthocr {__version__}")
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default=None,
        help="logging detail; DEBUG also shows tracebacks (default: WARNING)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    # Config overrides may come after options: `synthocr plan CONFIG -o PLAN total_images=10`.
    if getattr(args, "accepts_overrides", False) and all("=" in e and not e.startswith("-") for e in extra):
        args.overrides = [*args.overrides, *extra]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    # A subcommand may take --log-level itself (generate, as the seed system did) with its own default.
    args.log_level = (
        getattr(args, "command_log_level", None) or args.log_level or getattr(args, "default_log_level", "WARNING")
    )
    logging.basicConfig(level=args.log_level, format="%(levelname)s %(name)s: %(message)s")
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except UserError as exc:
        if args.log_level == "DEBUG":
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; run the same command again to resume.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`synthocr inspect PLAN | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        # A full disk or a refused path that no command-level check caught: still one paragraph, exit 2.
        error = place_error(exc)
        if error is None or args.log_level == "DEBUG":
            raise
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
