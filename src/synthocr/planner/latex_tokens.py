"""Reading a LaTeX source's tokens as commands take them (latex_text.py's reader builds on it): arguments in
braces or a single token, [optional] ones, stars, beamer overlays, and the document's own commands
(`\\newcommand`, `\\def`) replaced by their definitions, within a budget so that one that calls itself ends."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from synthocr.planner.latex_scan import Scanner

MAX_ARGUMENT = 20_000  # tokens of one argument read ahead (a command's or a formula's)
_EXPANSIONS = 200_000  # expansions of the document's own commands in one file: `\def\a{\a\a}` stops here
_EXPANDED_TOKENS = 4_000_000


@dataclass(frozen=True)
class Macro:
    """A command the document defines."""

    args: int
    default: list[Any] | None  # the first argument's default, when it is optional
    body: list[Any]
    spec: str = ""  # xparse's argument types (m, o, O, s), for a command defined with \NewDocumentCommand


class TokenReader:
    """The tokens of one source, with those read ahead and given back (`push`) first."""

    def __init__(self, source: str, code_environments: set[str], known: Callable[[str], bool]) -> None:
        self.scanner = Scanner(source, code_environments, known)
        self.pending: list[Any] = []  # tokens to read again before the scanner's, the next last
        self.macros: dict[str, Macro] = {}
        self.counts: Counter[str] = Counter()  # what was left out, by reason
        self.spaced = False  # the last command's name was followed by spaces
        self.expansions = _EXPANSIONS
        self.expanded = _EXPANDED_TOKENS

    def take(self) -> Any:
        return self.pending.pop() if self.pending else self.scanner.next()

    def push(self, *tokens: Any) -> None:
        """Tokens to read again, first to last."""
        self.pending.extend(reversed(tokens))

    def take_nonspace(self) -> Any:
        token = self.take()
        while token[0] == "space":
            token = self.take()
        return token

    def argument(self, long: bool = False, limit: int = MAX_ARGUMENT) -> list[Any] | None:
        """The tokens of the next argument, read ahead: a {group} (without its braces), or one token (one
        character of a text). None where there is none (a paragraph's end, the end of the file). A group
        not closed ends at the paragraph's end (`long`: at `limit` tokens)."""
        token = self.take_nonspace()
        kind = token[0]
        if kind == "{":
            out: list[Any] = []
            depth = 0
            while True:
                token = self.take()
                kind = token[0]
                if kind == "eof":
                    return out
                if (kind == "par" and not long) or kind in ("open", "close") or len(out) >= limit:
                    self.push(token)
                    return out
                if kind == "{":
                    depth += 1
                elif kind == "}":
                    if depth == 0:
                        return out
                    depth -= 1
                out.append(token)
        if kind == "text" and len(token[1]) > 1:
            self.push(("text", token[1][1:]))
            return [("text", token[1][0])]
        if kind in ("par", "eof", "end", "begin", "open", "close", "}"):
            self.push(token)
            return None
        return [token]

    def optional(self) -> list[Any] | None:
        """The tokens of an [optional argument], or None where none follows."""
        token = self.take_nonspace()
        if token != ("char", "["):
            self.push(token)
            return None
        out: list[Any] = []
        depth = 0
        while True:
            token = self.take()
            kind = token[0]
            if kind in ("eof", "par", "open", "close") or len(out) >= MAX_ARGUMENT:
                self.push(token)
                return out
            depth += (kind == "{") - (kind == "}")
            if token == ("char", "]") and depth == 0:
                return out
            out.append(token)

    def star(self) -> bool:
        """Whether a star follows (`\\section*`), read if so."""
        token = self.take()
        if token[0] == "text" and token[1].startswith("*"):
            if len(token[1]) > 1:
                self.push(("text", token[1][1:]))
            return True
        self.push(token)
        return False

    def overlay(self) -> None:
        """A beamer overlay specification (`<2->`), left out."""
        token = self.take()
        if token[0] == "text" and token[1].startswith("<") and ">" in token[1]:
            rest = token[1][token[1].index(">") + 1 :]
            if rest:
                self.push(("text", rest))
            return
        self.push(token)

    def next_is_group(self) -> bool:
        """Whether a {group} follows right away, its `{` read if so."""
        token = self.take()
        if token[0] == "{":
            return True
        self.push(token)
        return False

    def next_is_option(self) -> bool:
        """Whether an [optional argument] follows right away (nothing is read)."""
        token = self.take()
        self.push(token)
        return token == ("char", "[")

    def expand(self, name: str) -> bool:
        """A document's own command replaced by its definition, its arguments put in; False where the file
        has expanded too much already (a definition that calls itself)."""
        macro = self.macros[name]
        if self.expansions <= 0 or self.expanded <= 0:
            if self.expansions == 0:
                self.counts["expansions stopped (a definition calls itself)"] += 1
                self.expansions = -1
            return False
        self.expansions -= 1
        args: list[list[Any]] = []
        if macro.spec:
            for letter in macro.spec:
                if letter == "s":
                    self.star()
                    args.append([])
                elif letter in "oO":
                    args.append(self.optional() or [])
                else:
                    args.append(self.argument(long=True) or [])
        else:
            for i in range(macro.args):
                if i == 0 and macro.default is not None:
                    optional = self.optional()
                    args.append(macro.default if optional is None else optional)
                else:
                    args.append(self.argument(long=True) or [])
        body = _substitute(macro.body, args)
        if not args and self.spaced:  # `\kms can`: TeX drops the space, the author meant one
            body.append(("space", " "))
        self.expanded -= len(body)
        self.push(*body)
        return True


def _substitute(body: list[Any], args: list[list[Any]]) -> list[Any]:
    """A definition's tokens with `#1`…`#9` replaced by the arguments (`##` is `#`)."""
    out: list[Any] = []
    i = 0
    while i < len(body):
        token = body[i]
        if token == ("char", "#") and i + 1 < len(body):
            following = body[i + 1]
            if following[0] == "text" and following[1][0].isdigit():
                n = int(following[1][0])
                if 1 <= n <= len(args):
                    out.extend(args[n - 1])
                if following[1][1:]:
                    out.append(("text", following[1][1:]))
                i += 2
                continue
            if following == ("char", "#"):
                out.append(following)
                i += 2
                continue
        out.append(token)
        i += 1
    return out
