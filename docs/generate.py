"""Write the generated parts of the docs pages: the config and CLI references, from the code.

A page marks each generated part with two lines,

    <!-- BEGIN generated: NAME (python docs/generate.py) -->
    <!-- END generated: NAME -->

and this script replaces what lies between them with the part NAME made from the declarations
(schemas/config.py, schemas/field_docs.py, schemas/params.py, schemas/effects.py, schemas/colors.py) and from
the argument parsers of `synthocr` (synthocr.cli.build_parser). `make docs` runs it before building the site;
tests/test_docs.py fails while a committed page differs from what it would write, so the references cannot
drift from the code. Run it from the repository root: `.venv/bin/python docs/generate.py [--check]`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from synthocr.cli import build_parser
from synthocr.schemas.reference import (
    color_table,
    config_fields_table,
    effects_table,
    range_table,
    spec_fields_table,
)

DOCS = Path(__file__).resolve().parent
MARKER = re.compile(
    r"^<!-- BEGIN generated: (?P<name>[\w-]+)[^\n]*-->\n(?P<body>.*?)^<!-- END generated: (?P=name) -->$",
    re.M | re.S,
)
USAGE_WIDTH = 100  # usage lines are wrapped at a fixed width, whatever the terminal


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _command_helps(parser: argparse.ArgumentParser) -> dict[str, str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {a.dest: a.help or "" for a in action._choices_actions}
    return {}


def _usage(parser: argparse.ArgumentParser) -> str:
    parser.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=USAGE_WIDTH)
    return parser.format_usage().strip()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _option_name(action: argparse.Action) -> str:
    if not action.option_strings:
        name = action.metavar if isinstance(action.metavar, str) else action.dest.upper()
        return f"`{name}`" + (" ..." if action.nargs in ("*", "+") else "")
    value = ""
    if action.nargs != 0:
        if action.choices is not None:
            value = " {" + ",".join(map(str, action.choices)) + "}"
        else:
            metavar = action.metavar if isinstance(action.metavar, str) else action.dest.upper()
            value = f" [{metavar}]" if action.nargs == "?" else f" {metavar}"
    return ", ".join(f"`{s}{value}`" if s == action.option_strings[-1] else f"`{s}`" for s in action.option_strings)


def _default(action: argparse.Action) -> str:
    if action.required and action.option_strings:
        return "required"
    if action.default is None or action.default is False or action.default == argparse.SUPPRESS:
        return ""
    if not action.option_strings:
        return ""
    return f"`{action.default}`"


def options_table(parser: argparse.ArgumentParser) -> str:
    """The Markdown table of a parser's arguments: name (with its value), default, and the help text."""
    lines = ["| argument | default | meaning |", "|---|---|---|"]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        if action.help == argparse.SUPPRESS:
            continue
        lines.append(f"| {_option_name(action)} | {_default(action)} | {_cell(action.help or '')} |")
    return "\n".join(lines)


def cli_synopsis() -> str:
    """`synthocr`'s usage line and every subcommand with its help line, linked to its section."""
    parser = build_parser()
    lines = ["```", _usage(parser), "python -m synthocr ...   # the same command", "```", ""]
    lines += ["| command | what it does |", "|---|---|"]
    lines += [f"| [`{name}`](#{name}) | {_cell(text)} |" for name, text in _command_helps(parser).items()]
    return "\n".join(lines)


def cli_global() -> str:
    """The options of `synthocr` itself, before the subcommand."""
    return options_table(build_parser())


def cli_command(name: str) -> str:
    """One subcommand: what it does (its help line) and the table of its arguments."""
    parser = build_parser()
    sub = _subparsers(parser)[name]
    return f"{_command_helps(parser)[name]}.\n\n```\n{_usage(sub)}\n```\n\n{options_table(sub)}"


def parts() -> dict[str, Callable[[], str]]:
    """Every generated part, by the NAME its markers give."""
    made: dict[str, Callable[[], str]] = {
        "config-fields": config_fields_table,
        "spec-fields": spec_fields_table,
        "range-table": range_table,
        "effects-table": effects_table,
        "color-table": color_table,
        "cli-synopsis": cli_synopsis,
        "cli-global": cli_global,
    }
    for command in _subparsers(build_parser()):
        made[f"cli-{command}"] = lambda command=command: cli_command(command)
    return made


def render_page(text: str, made: dict[str, Callable[[], str]], page: str = "page") -> str:
    """`text` with every generated part replaced by what the code makes now."""

    def fill(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in made:
            raise SystemExit(f"{page}: unknown generated part {name!r}; known: {', '.join(sorted(made))}")
        head = match.group(0).split("\n", 1)[0]
        return f"{head}\n{made[name]()}\n<!-- END generated: {name} -->"

    return MARKER.sub(fill, text)


def stale_pages(write: bool) -> list[Path]:
    """The pages whose generated parts differ from the code (rewritten when `write`)."""
    made = parts()
    stale = []
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        wanted = render_page(text, made, page.name)
        if wanted != text:
            stale.append(page)
            if write:
                page.write_text(wanted, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python docs/generate.py", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a page is out of date")
    args = parser.parse_args(argv)
    stale = stale_pages(write=not args.check)
    for page in stale:
        print(f"{'out of date' if args.check else 'wrote'}: docs/{page.name}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
