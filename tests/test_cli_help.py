"""The parser and its help: global options anywhere, one meaning per option name, help texts checked against
the parsers (defaults, exit codes, examples that parse), the subcommands in workflow order."""

from __future__ import annotations

import argparse
import logging
import shlex

import pytest

from synthocr.cli import COMMANDS, build_parser, main
from synthocr.cli.render import WORKERS_HELP

WORKFLOW = ["plan", "inspect", "preview", "render", "status", "collect", "export"]


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def help_of(parser: argparse.ArgumentParser) -> str:
    return parser.format_help()


def epilog_lines(parser: argparse.ArgumentParser, heading: str) -> list[str]:
    """The indented lines under `heading:` in a parser's epilog."""
    lines = (parser.epilog or "").splitlines()
    start = lines.index(f"{heading}:") + 1
    out = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        out.append(line.strip())
    return out


def test_top_level_help_lists_the_commands_in_workflow_order(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    listing = text[text.index("commands (in workflow order):") :]
    positions = [listing.index(f"\n  {name} ") for name in WORKFLOW]
    assert positions == sorted(positions)
    names = list(subparsers())
    assert names[: len(WORKFLOW)] == WORKFLOW and len(names) == len(COMMANDS)
    for name in names:  # one entry each, with its summary
        assert f"\n  {name} " in listing, name
    assert "exit codes:" in text and "synthocr COMMAND --help" in text


@pytest.mark.parametrize("name", list(subparsers()))
def test_each_command_help_shows_defaults_exit_codes_and_an_example(name):
    parser = subparsers()[name]
    text = " ".join(help_of(parser).split())  # argparse wraps lines: compare with the spaces folded
    for action in parser._actions:
        if action.default in (None, False, argparse.SUPPRESS) or action.nargs == 0 or action.default == []:
            continue
        assert f"default: {action.default}" in text, (name, action.dest)
    for action in parser._actions:
        for option in action.option_strings:
            assert option in text, (name, option)
    codes = [line.split()[0] for line in epilog_lines(parser, "exit codes")]
    assert {"0", "2", "130"} <= set(codes), name
    examples = epilog_lines(parser, "examples")
    assert examples and all(e.startswith(f"synthocr {name} ") for e in examples)


@pytest.mark.parametrize("name", list(subparsers()))
def test_each_example_parses(name):
    """The examples in the help are real command lines: they parse with today's parser."""
    for example in epilog_lines(subparsers()[name], "examples"):
        words = shlex.split(example, comments=True)
        shell = [i for i, w in enumerate(words) if w in (">", "|")]  # a redirection or pipe ends the command
        argv = words[1 : shell[0] if shell else None]
        args, extra = build_parser().parse_known_args(argv)
        assert args.command == name
        assert all("=" in e for e in extra), (example, extra)  # only config overrides are left over


@pytest.mark.parametrize("name", list(subparsers()))
def test_log_level_is_accepted_before_and_after_every_command(name):
    parser = build_parser()
    required = {
        "plan": ["c.yaml"],
        "inspect": ["p.parquet"],
        "preview": ["c.yaml"],
        "render": ["p.parquet"],
        "status": ["p.parquet", "out"],
        "collect": ["out"],
        "export": ["out", "--to", "paddleocr", "-o", "x"],
        "fonts": ["fonts"],
        "cache": [],
        "generate": ["--batch-config", "c.yaml", "--output-dir", "out"],
    }[name]
    before = parser.parse_args(["--log-level", "ERROR", name, *required])
    after = build_parser().parse_args([name, *required, "--log-level", "ERROR"])
    neither = build_parser().parse_args([name, *required])
    assert before.log_level == after.log_level == "ERROR"
    assert neither.log_level is None  # main() applies the command's default


def test_workers_means_processes_everywhere():
    subs = subparsers()
    for name in ("render", "generate"):
        workers = next(a for a in subs[name]._actions if "--workers" in a.option_strings)
        assert WORKERS_HELP in workers.help, name
    generate = subs["generate"]
    assert any("--io-threads" in a.option_strings for a in generate._actions)


@pytest.mark.parametrize(
    ("argv", "expected", "warned"),
    [
        ([], (-1, 1), ""),
        (["--workers", "3", "--io-threads", "2"], (3, 2), ""),
        (["--generation-workers", "3"], (3, 1), "--generation-workers is deprecated: write --workers 3"),
        # The seed system's spelling: --workers next to --generation-workers still means its threads.
        (["--generation-workers", "3", "--workers", "2"], (3, 2), "write --workers 3 --io-threads 2"),
    ],
)
def test_generate_worker_flags(argv, expected, warned, caplog):
    from synthocr.compat.cli import worker_counts

    args = build_parser().parse_args(["generate", "--batch-config", "c", "--output-dir", "o", *argv])
    with caplog.at_level(logging.WARNING):
        assert worker_counts(args) == expected
    assert (warned in caplog.text) if warned else not caplog.text


def test_help_exits_zero_and_prints(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["render", "--help"])
    assert exc.value.code == 0
    assert "exit codes:" in capsys.readouterr().out
