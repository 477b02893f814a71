"""Errors caused by the user's input: the CLI prints them as one paragraph and exits 2."""

from __future__ import annotations


class UserError(Exception):
    """Bad input (config, assets, plan, arguments); the message says what to do."""


class ConfigError(UserError):
    """Every problem found in a config, reported at once."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"{source}: {len(problems)} problem(s) in the configuration:\n{lines}\nFix these fields and run again."
        )
