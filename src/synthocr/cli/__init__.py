"""The `synthocr` command: one module per subcommand, each parsing arguments and calling the library."""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence

from synthocr import __version__
from synthocr.cli import cache, collect, export, fonts, inspect, plan, preview, render, status
from synthocr.cli.parsing import EXIT_CODES, HelpFormatter, add_global_options, epilog
from synthocr.compat import cli as generate  # the seed system's `synthocr generate`
from synthocr.errors import UserError
from synthocr.extras import credentials_error
from synthocr.output_paths import place_error

# Each module has register(subparsers) and run(args) -> exit status. The order is the workflow's:
# `synthocr --help` lists them so.
COMMANDS = (plan, inspect, preview, render, status, collect, export, fonts, cache, generate)

DESCRIPTION = """\
Synthetic OCR training data: text-line images with exact labels.
A YAML batch config becomes a Parquet plan (every random choice a column);
the plan is rendered into images and JSON labels, resumably."""

EXAMPLES = (
    "synthocr preview configs/default.yaml            # look at a config in seconds (sheet.png)",
    "synthocr plan configs/default.yaml -o build/plan.parquet",
    "synthocr render build/plan.parquet -o build/out",
    "synthocr preview build/out                       # look at what was rendered",
    "synthocr COMMAND --help                          # options, defaults, exit codes, an example",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="synthocr",
        description=DESCRIPTION,
        epilog=epilog(EXAMPLES, EXIT_CODES),
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"synthocr {__version__}")
    add_global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", title="commands (in workflow order)")
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    # Config overrides may come after options: `synthocr plan CONFIG -o PLAN total_images=10` (or after `--`).
    # A word that is not KEY=VALUE goes along too: the config loader says what is wrong with it.
    extra = [e for e in extra if e != "--"]
    if getattr(args, "accepts_overrides", False) and not any(e.startswith("-") for e in extra):
        args.overrides = [*args.overrides, *extra]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    # Global options may come before or after the subcommand; a command may set its own default (generate: INFO).
    args.log_level = args.log_level or getattr(args, "default_log_level", "WARNING")
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
    except Exception as exc:  # an object store that refused us for want of credentials
        refused = credentials_error(exc)
        if refused is None or args.log_level == "DEBUG":
            raise
        print(f"error: {refused}", file=sys.stderr)
        return 2


def run() -> None:
    """The `synthocr` command: main(), then an exit that skips tearing the interpreter down.

    Freeing every module and object at exit takes about 0.1 s once numpy, pyarrow and the renderer are
    loaded: serial time at the end of every command that nothing needs. The exit handlers still run
    (log handlers, temporary folders, multiprocessing's), and the standard streams are flushed; the
    interpreter exits the usual way while a thread other than this one is still running.
    """
    code = main()
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away: nothing more can reach it
        pass
    os._exit(code)


if __name__ == "__main__":
    run()
