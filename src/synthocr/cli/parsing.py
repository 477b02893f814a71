"""How every subcommand's parser is built: global options, help that shows defaults, exit codes and an example."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# Exit codes shared by every command; a command adds its own (render: 1 when rows failed).
EXIT_OK = (0, "success")
EXIT_BAD_INPUT = (2, "bad input (config, assets, plan, arguments): an `error:` paragraph says what to change")
EXIT_INTERRUPTED = (130, "interrupted (Ctrl-C)")
EXIT_CODES = (EXIT_OK, EXIT_BAD_INPUT, EXIT_INTERRUPTED)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's line breaks and appends `(default: X)` to every option whose help does not say it."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if "default" in text or action.default in (None, False, argparse.SUPPRESS) or action.nargs == 0:
            return text
        if isinstance(action.default, list) and not action.default:
            return text
        return f"{text} (default: %(default)s)"

    def _format_action(self, action: argparse.Action) -> str:
        # The subcommands one per line under their group's title, without the `COMMAND` line above them.
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(a) for a in action._get_subactions())
        return super()._format_action(action)


def add_global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The options every command takes, before or after the subcommand name.

    The top-level parser sets the defaults; a subcommand's copy uses SUPPRESS, so that
    an option given before the subcommand is not reset by the subparser.
    """
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default=default,
        help="logging detail; DEBUG also shows tracebacks (default: WARNING; generate: INFO)",
    )


def epilog(examples: Sequence[str], exit_codes: Sequence[tuple[int, str]] = EXIT_CODES) -> str:
    """The text under a subcommand's options: its examples, then its exit codes."""
    lines = ["examples:", *(f"  {e}" for e in examples), "", "exit codes:"]
    lines += [f"  {code:<4}{meaning}" for code, meaning in sorted(exit_codes)]
    return "\n".join(lines)


def add_command(
    sub: argparse._SubParsersAction,
    name: str,
    *,
    summary: str,
    examples: Sequence[str],
    description: str = "",
    exit_codes: Sequence[tuple[int, str]] = EXIT_CODES,
) -> argparse.ArgumentParser:
    """A subcommand's parser: `summary` is its line in `synthocr --help`, `examples` and `exit_codes` end its help."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=summary,
        description=description or summary[0].upper() + summary[1:] + ".",
        epilog=epilog(examples, exit_codes),
        formatter_class=HelpFormatter,
    )
    add_global_options(parser, top=False)
    return parser
