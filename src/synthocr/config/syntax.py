"""YAML syntax errors as a user can act on them: file, line and column, and the offending lines with a caret."""

from __future__ import annotations

import yaml

from synthocr.errors import ConfigError, Problem


class YamlSyntaxError(ConfigError):
    """A config file that is not valid YAML: one problem, printed as a block with the offending lines."""

    def __init__(self, source: str, what: str, message: str) -> None:
        super().__init__(source, [Problem("", what)])
        self.args = (message,)  # the block below, not the one-line list of problems


def _excerpt(lines: list[str], mark: yaml.Mark) -> list[str]:
    """The line `mark` points into, numbered, and a caret under its column (tabs kept so the caret lines up)."""
    number = mark.line + 1
    line = lines[mark.line] if mark.line < len(lines) else ""
    gutter = f"{number:>5} | "
    pad = "".join(c if c == "\t" else " " for c in line[: mark.column])
    return [f"{gutter}{line}", f"{' ' * (len(gutter) - 2)}| {pad}^"]


def yaml_syntax_error(source: str, text: str, exc: yaml.YAMLError) -> YamlSyntaxError:
    """The error for a YAML file that does not parse: where (file, line, column), what, and the lines."""
    problem = getattr(exc, "problem", None)
    mark: yaml.Mark | None = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context", None)
    context_mark: yaml.Mark | None = getattr(exc, "context_mark", None)
    if mark is None:  # an error without a position (rare): its own words, on one line
        flat = " ".join(str(exc).split())
        return YamlSyntaxError(
            source, f"not valid YAML: {flat}", f"{source} is not valid YAML: {flat}. Fix the syntax."
        )
    lines = text.splitlines()
    where = f"{source}, line {mark.line + 1}, column {mark.column + 1}"
    what = problem or "invalid YAML"
    if context and context_mark is not None and (context_mark.line, context_mark.column) != (mark.line, mark.column):
        what += f" ({context} at line {context_mark.line + 1}, column {context_mark.column + 1})"
    elif context:
        what += f" ({context})"
    shown: list[str] = []
    if context_mark is not None and context_mark.line != mark.line:
        shown += _excerpt(lines, context_mark)
    shown += _excerpt(lines, mark)
    hint = ""
    if "\t" in (lines[mark.line] if mark.line < len(lines) else ""):
        hint = " YAML indents with spaces, not tabs."
    body = "\n".join(shown)
    message = f"{where}: YAML syntax error: {what}\n{body}\nFix the syntax there and run again.{hint}"
    return YamlSyntaxError(
        source, f"YAML syntax error at line {mark.line + 1}, column {mark.column + 1}: {what}", message
    )
