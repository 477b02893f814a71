"""The reader of LaTeX sources (latex_text.py): a source read token by token, commands handed to the handlers
of latex_commands.py and latex_define.py, which latex_text.py gives it (so that they, which take a reader,
and this module, which calls them, do not import each other)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import regex

from synthocr.planner import latex_symbols as sym
from synthocr.planner.latex_finish import CODE, DISPLAY, FORMULA, REFERENCE, UNKNOWN
from synthocr.planner.latex_gather import Frame, Text, TextGatherer, mid_sentence
from synthocr.planner.latex_math import simple_math
from synthocr.planner.latex_tokens import MAX_ARGUMENT

log = logging.getLogger(__name__)

_CONTROL = dict.fromkeys([*range(0, 9), 11, *range(14, 32), 127])  # control characters: not text (\f is a space)
_KNOWN_ENVIRONMENTS = (
    sym.MATH_ENVIRONMENTS | sym.CODE_ENVIRONMENTS | sym.DROPPED_ENVIRONMENTS | sym.FIGURE_ENVIRONMENTS
    | sym.TABLE_ENVIRONMENTS | sym.LIST_ENVIRONMENTS | sym.INLINE_ENVIRONMENTS | set(sym.ENVIRONMENT_ARGUMENTS)
    | frozenset("document quote quotation verse center flushleft flushright abstract minipage proof theorem "
                "lemma definition corollary proposition remark example note titlepage frame block columns "
                "column multicols multicols* acknowledgments acknowledgements keywords appendix appendices "
                "sloppypar landscape adjustbox spacing singlespace doublespace onehalfspace".split())
)  # fmt: skip
_HEADING_COMMANDS = frozenset(
    "part chapter section subsection subsubsection paragraph subparagraph addchap addsec minisec".split()
)
_WORDS_BY_CASE = {k.lower(): v for k, v in sym.WORDS.items() if len(k) > 2 and k[0].isupper()}
_URL_ESCAPE = regex.compile(r"\\([_#%&$~{}])")  # `\url{a\_b}`: the reader sees a_b
_REFERENCE_LIKE = regex.compile(r"cite|ref$|^ref", regex.IGNORECASE)
_TT = frozenset({"texttt", "path", "url"})


Handler = Callable[["Reader", str], None]


class Reader(TextGatherer):
    """A source read token by token: commands, environments and formulae; `handlers` read the commands they
    name (their arguments, definitions, environments)."""

    def __init__(self, source: str, handlers: Mapping[str, Handler]) -> None:
        self.handlers = handlers
        source = source.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROL)
        self.environments: dict[str, tuple[str, str]] = {}  # the document's own: (kind, argument spec)
        self.code_environments = set(sym.CODE_ENVIRONMENTS)
        super().__init__(source, self.code_environments, self.known_environment)
        self.operators: dict[str, str] = {}  # \DeclareMathOperator's
        self.unknown: Counter[str] = Counter()  # commands defined elsewhere met inside a sentence, by name
        self.in_preamble = False
        self.done = False
        self.babel: set[str] = set()  # the document's language options
        self._tt = False

    def report(self, where: str) -> None:
        """What was left out, logged once (INFO)."""
        if self.scanner.unclosed_code:
            self.counts["verbatim environment never closed (the rest of the file is code)"] += 1
        if self.scanner.shown_documents:
            self.counts["environment showing a whole document's source"] += self.scanner.shown_documents
        if not self.counts:
            return
        left = "; ".join(f"{what}: {n:,}" for what, n in sorted(self.counts.items(), key=lambda kv: -kv[1]))
        unknown = ", ".join(f"\\{name} ({n:,})" for name, n in self.unknown.most_common(8))
        log.info(
            "%s: %s texts of LaTeX; left out: %s%s",
            where,
            f"{len(self.texts):,}",
            left,
            f" (commands defined elsewhere, most often: {unknown})" if unknown else "",
        )

    # Reading -------------------------------------------------------------------------------------------

    def read(self) -> list[str]:
        while not self.done:
            token = self.take()
            kind, value = token
            if kind == "eof":
                break
            if kind in ("cs", "cs "):
                self.spaced = kind == "cs "
                self._command(value)
            elif kind == "text":
                self.text(value)
            elif kind == "space":
                self.add(" ")
            elif kind == "par":
                self.flush(self.frame.target)
            elif kind == "{":
                self.open_group()
            elif kind == "}":
                self.close_group()
            elif kind == "$":
                self._dollar()
            elif kind == "char":
                self.char(value)
            elif kind == "begin":
                self._begin(value)
            elif kind == "end":
                self._end(value)
            elif kind == "open":
                self.push_frame(value)
            elif kind == "close":
                if value in self.frames:
                    self.close_to(self.frames.index(value))
            else:  # verb, code, url, href
                self._special(kind, value)
        while len(self.frames) > 1:
            self.close(self.frames.pop())
        self.flush(self.main)
        return self.texts

    def _command(self, name: str) -> None:
        if name in self.macros and self.expand(name):
            return
        handler = self.handlers.get(name)
        if handler is not None:
            handler(self, name)
        elif name in sym.LETTERS:
            self.add(sym.LETTERS[name])
        elif name in sym.WORDS:
            self.add(sym.WORDS[name] + (" " if self.spaced else ""))
        elif name in sym.CONTROL_SYMBOLS:
            self.add(sym.CONTROL_SYMBOLS[name])
        elif name in sym.COMMANDS:
            self.arguments(sym.COMMANDS[name], heading=name in _HEADING_COMMANDS, name=name)
            if name in sym.SPACES:
                self.add(" ")
        elif name in sym.SPACES:
            self.add(" ")
        elif name in sym.NOTHING:
            if not self.spaced and self.next_is_option():  # `\tableofcontents[depth=1]` of a class's own
                self.optional()
        else:
            self._unknown(name)

    def arguments(self, spec: str, heading: bool = False, name: str = "", environment: bool = False) -> None:
        """Read a command's (or an environment's) arguments as `spec` says (latex_symbols.COMMANDS); kept
        ones are read again as text, the last one as it comes (not read ahead). An environment's come only
        where they are in braces."""
        self._tt = name in _TT or self.frame.tt
        kept: list[tuple[str, list[Any]]] = []
        last = len(spec) - 1  # a kept argument last of all is read as it comes
        for i, letter in enumerate(spec):
            if letter == "s":
                self.star()
            elif letter == "o":
                self.optional()
            elif letter == "<":
                self.overlay()
            elif letter == "+":
                while self.next_is_group():
                    self.push(("{", "{"))
                    self.argument()
            elif environment:
                token = self.take_nonspace()
                self.push(token)
                if token[0] != "{":
                    continue
                self._argument_as(letter, i == last and not kept, heading, kept)
            else:
                self._argument_as(letter, i == last and not kept, heading, kept)
        for letter, tokens in reversed(kept):
            frame = self.own(heading=heading) if letter == "t" else self.child("pushed", tt=name in _TT)
            frame.kind = "pushed"
            self.push(("open", frame), *tokens, ("close", frame))

    def _argument_as(self, letter: str, lazy: bool, heading: bool, kept: list[tuple[str, list[Any]]]) -> None:
        if letter in "kt" and lazy:  # the last kept argument: a frame that closes at its `}`
            token = self.take_nonspace()
            if token[0] != "{":
                self.push(token)
                tokens = self.argument()
                if tokens is not None:
                    kept.append((letter, tokens))
                return
            frame = self.own(heading=heading) if letter == "t" else self.child("arg", tt=self._tt)
            self.push_frame(frame)
            return
        tokens = self.argument(long=letter in "kt")
        if letter == "u" and tokens:
            self.add("".join(v for _, v in tokens))
        elif letter in "kt" and tokens is not None:
            kept.append((letter, tokens))

    def _special(self, kind: str, value: str) -> None:
        if kind == "verb":
            self.hole(CODE)
        elif kind == "code":
            self.hole(DISPLAY)
            self.counts["block of code"] += 1
        elif kind == "url":
            self.add(_URL_ESCAPE.sub(r"\1", value))
        elif kind == "href":
            self.arguments("k")

    def _unknown(self, name: str) -> None:
        """A command this reader does not know (defined in a class or package file): its last {argument}
        is kept as text it shows (a text made only of such is left out); one without arguments inside a
        sentence is a hole (it may print a word), at a paragraph's start nothing (a layout command). One named
        like a reference or a citation (`\\figref{f}`, `\\inlinecite{k}`) is one: a hole, its arguments left out."""
        frame = self.frame
        if frame.target is None or frame.dropping:
            return
        if _REFERENCE_LIKE.search(name):
            self.arguments("so<o+")
            self.hole(REFERENCE)
            return
        if not self.spaced:
            self.star()
            token = self.take()
            while token == ("char", "["):  # its optional arguments go
                self.push(token)
                self.optional()
                token = self.take()
            if token[0] == "{":
                following = self.take()
                if following[0] == "}":  # `\method{}`: a word the reader cannot know
                    self.hole(UNKNOWN)
                    return
                self.push(following)
                child = self.child("arg", unknown=True)
                child.buffered = Text("para")
                self.push_frame(child)
                return
            self.push(token)
        word = _WORDS_BY_CASE.get(name.lower())
        if word is not None:  # `\latex`, `\tex`: a logo by another spelling
            self.add(word + (" " if self.spaced else ""))
            return
        if mid_sentence(frame.buffered or frame.target):
            self.hole(UNKNOWN)
            self.unknown[name] += 1

    # Environments --------------------------------------------------------------------------------------

    def known_environment(self, name: str) -> bool:
        return name in self.environments or name in _KNOWN_ENVIRONMENTS

    def _kind(self, name: str) -> tuple[str, str]:
        """What an environment holds, and the spec of its arguments."""
        if name in self.environments:
            return self.environments[name]
        spec = sym.ENVIRONMENT_ARGUMENTS.get(name, "o" if name in _KNOWN_ENVIRONMENTS else "o+")
        for kind, names in (("math", sym.MATH_ENVIRONMENTS), ("drop", sym.DROPPED_ENVIRONMENTS),
                            ("float", sym.FIGURE_ENVIRONMENTS), ("table", sym.TABLE_ENVIRONMENTS),
                            ("list", sym.LIST_ENVIRONMENTS), ("inline", sym.INLINE_ENVIRONMENTS)):  # fmt: skip
            if name in names:
                return kind, spec
        if name in ("table", "table*", "sidewaystable", "subtable", "wraptable", "margintable"):
            return "float", spec
        return "prose", spec

    def _begin(self, name: str) -> None:
        if name == "document":
            if self.in_preamble or not (self.texts or self.main.parts):
                self.in_preamble = False
                self.frames = [Frame("doc", self.main)]
                self.main.parts.clear()
            return
        kind, spec = self._kind(name)
        parent = self.frame
        if kind == "math":
            self._skip_environment(name)
            self.hole(DISPLAY)
            return
        if kind == "drop":
            self.push_frame(Frame("env", None, name=name, dropping=True, depth=0))
            return
        if kind == "float":
            frame = Frame("env", None, name=name, dropping=parent.dropping)
            self.push_frame(frame)
            self.arguments(spec, environment=True)
            return
        if kind == "table":
            self.arguments(spec, environment=True)
            cell = None if parent.dropping or self.in_preamble else Text("cell")
            self.push_frame(self.child("env", target=cell, name=name, table=True))
            return
        if kind == "inline":
            self.push_frame(self.child("env", name=name))
            self.arguments(spec, environment=True)
            return
        if parent.target is not None:
            parent.target.before_block = True
        self.flush(parent.target)
        frame = self.child("env", name=name, block=True, describe=name.startswith(("desc", "compactdesc")))
        self.push_frame(frame)
        self.arguments(spec, environment=True)

    def _end(self, name: str) -> None:
        if name == "document":
            self.done = not self.in_preamble
            return
        for i in range(len(self.frames) - 1, 0, -1):
            if self.frames[i].kind == "env" and self.frames[i].name == name:
                self.close_to(i)
                return

    def _skip_environment(self, name: str) -> None:
        """A displayed formula's tokens, to its `\\end` (the same environment nested inside counted)."""
        depth = 0
        self.scanner.in_math = True
        for _ in range(MAX_ARGUMENT * 5):
            kind, value = self.take()
            if kind == "eof":
                break
            if kind in ("begin", "end") and value == name:
                depth += 1 if kind == "begin" else -1
                if depth < 0:
                    break
        self.scanner.in_math = False

    # Formulae ------------------------------------------------------------------------------------------

    def _dollar(self) -> None:
        token = self.take()
        if token[0] == "$":  # `$$`: a displayed formula
            tokens = self.math(("$", "$"), display=True)
            self.formula(tokens, display=True)
            return
        self.push(token)
        self.formula(self.math(("$", "$")), display=False)

    def math(self, closer: tuple[str, str], display: bool = False) -> list[Any] | None:
        """The tokens of a formula to `closer`, at the same depth of braces; None where the paragraph (or
        the file, or the argument or environment it is in) ends first: TeX's own error, since a formula
        never spans paragraphs."""
        self.scanner.in_math = True
        try:
            return self._math_tokens(closer, display)
        finally:
            self.scanner.in_math = False

    def _math_tokens(self, closer: tuple[str, str], display: bool) -> list[Any] | None:
        out: list[Any] = []
        depth = environments = 0
        while True:
            token = self.take()
            kind, value = token
            if kind in ("cs", "cs ") and value in self.macros and self.expand(value):
                continue
            if (
                kind in ("eof", "par", "open", "close", "code")
                or len(out) >= MAX_ARGUMENT
                or (kind == "end" and environments == 0)
            ):
                if kind != "eof":
                    self.push(token)
                return None
            if kind == closer[0] and value == closer[1] and depth == 0 and environments == 0:
                if display and closer[0] == "$":
                    following = self.take()
                    if following[0] != "$":
                        self.push(following)
                return out
            if kind == "{":
                depth += 1
            elif kind == "}":
                if depth == 0:
                    self.push(token)
                    return None
                depth -= 1
            elif kind == "begin":
                environments += 1
            elif kind == "end":
                environments -= 1
            out.append(("cs", value) if kind == "cs " else token)

    def formula(self, tokens: list[Any] | None, display: bool) -> None:
        target = self.frame.buffered or self.frame.target
        if target is None:
            return
        if tokens is None:
            target.broken = True
            return
        if display:
            self.hole(DISPLAY)
            return
        text = simple_math(tokens, self.operators)
        if text is None:
            self.hole(FORMULA)
        elif text:
            self.add(text)
