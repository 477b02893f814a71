"""The tokens of a LaTeX source, read as TeX reads them (latex_text.py makes text of them).

TeX's rules that decide what is text are kept: `%` starts a comment to the end of the line, which takes the
line end and the next line's leading spaces with it (`\\%` is a per cent sign); spaces after a command's
name are not text; a blank line ends a paragraph. Code is read as it is typed, never as LaTeX: `\\verb`
with any delimiter, `\\lstinline`, `\\mintinline`, characters made short verbatim (`\\MakeShortVerb{\\|}`),
URLs, and verbatim-like environments (`verbatim`, `lstlisting`, `minted`, `comment` and those the document
defines, each to its `\\end`): they are one token each, so a `$` or `%` in them is never read as LaTeX.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

# A token: (kind, value). Kinds: "cs" a command (value: its name, or the character of a control symbol),
# "cs " one whose name was followed by spaces, "text", "space", "par" (a blank line), "{", "}", "$",
# "char" (one of & # ^ _ ~ [ ]), "begin" and "end" (value: the environment's name), "verb" (inline code),
# "code" (a verbatim-like environment, value its name), "url" (a URL as typed), "href" (the URL of an
# \href, whose text follows), "eof".
Token = tuple[str, str]

_WORD = re.compile(r"\\((?:[a-zA-Z]|@(?=[a-zA-Z@]*[a-zA-Z]))[a-zA-Z@]*)")  # `\@` alone is a control symbol
_AFTER_WORD = re.compile(r"[ \t\f]*+(?:\n[ \t\f]*+(?!\n))?")  # TeX drops these; a blank line stays
_SPACES = re.compile(r"[ \t\f]*+\n[ \t\f]*+(?:\n[ \t\f]*+)+|[ \t\f]*+\n?[ \t\f]*+")
_COMMENT = re.compile(r"%[^\n]*+(?:\n[ \t\f]*+)?")
_ENV_NAME = re.compile(r"[ \t]*\{([^{}\\%\s]{1,80})\}")
_OPTIONS = re.compile(r"[ \t]*\[[^\]\n]{0,500}\]")
_BRACED = re.compile(r"[ \t]*\{[^{}\n]{0,80}\}")
_SPECIAL = frozenset("&#^_~[]")
# Commands whose argument is code, read as typed: (optional [options] first, a {language} first).
_VERB = {"verb": (False, False), "Verb": (True, False), "lstinline": (True, False), "mintinline": (True, True),
         "spverb": (False, False), "pyv": (False, False), "sagestr": (False, False)}  # fmt: skip
_URLS = frozenset({"url", "path", "nolinkurl", "href"})
# Markers of a whole document shown as code in an environment this reader does not know (lshort's `example`
# environment, defined in its class file, shows the source of what it typesets).
# `|\cmd|` in running text: code between a class's short-verbatim bars (ltxdoc, ltxguide), never prose.
_GUESSED_SHORT_VERB = re.compile(r"\|(\\[a-zA-Z@]+\*?(?:\{[^{}|\n]{0,80}\}|\[[^\]|\n]{0,80}\])*)\|")
_SHOWS_A_DOCUMENT = re.compile(r"\\documentclass|\\begin\s*\{document\}|\\usepackage\b")
_LOOK_AHEAD = 1 << 17  # characters looked through for an unknown environment's \end
_ENV_NAMES = 64
MAX_VERBATIM_LINE = 4096


class Scanner:
    """Tokens of `source`, one at a time. The reader tells it, as it reads the definitions, which
    environments, commands and characters are code (`code_environments`, `url_commands`, `short_verbs`),
    and which environments are known (`known_environment`)."""

    def __init__(self, source: str, code_environments: set[str], known_environment: Callable[[str], bool]) -> None:
        self.src = source
        self.pos = 0
        self.code_environments = code_environments
        self.url_commands = set(_URLS)
        self.verb_commands = dict(_VERB)
        self.short_verbs: set[str] = set()
        self.known_environment = known_environment
        self.unclosed_code = 0  # verbatim-like environments with no \end: the rest of the file is code
        self.shown_documents = 0  # unknown environments left out as documents shown as code
        self.in_math = False  # the reader is reading a formula (`|\alpha|` there is no code)
        self._ends: dict[str, list[tuple[int, int]]] = {}
        self._markers: list[int] | None = None
        self._text = self._text_pattern()

    def _text_pattern(self) -> re.Pattern[str]:
        extra = re.escape("".join(sorted(self.short_verbs)))
        return re.compile(rf"[^\\{{}}$&#^_~%|\[\]\s{extra}]+")  # `|` may open a short verbatim

    def add_short_verb(self, char: str, on: bool = True) -> None:
        """Make `char` delimit inline code (`\\MakeShortVerb{\\|}`), or stop it doing so."""
        if len(char) == 1 and not char.isalnum() and char not in "\\{}%":
            (self.short_verbs.add if on else self.short_verbs.discard)(char)
            self._text = self._text_pattern()

    def next(self) -> Token:
        src = self.src
        while True:
            pos = self.pos
            if pos >= len(src):
                return ("eof", "")
            c = src[pos]
            if c == "%":
                m = _match(_COMMENT, src, pos)
                self.pos = m.end()
                if "\n" in m.group() and src.startswith("\n", self.pos):  # an empty line after it: a paragraph ends
                    self.pos = _match(_SPACES, src, self.pos).end()
                    return ("par", "")
                continue
            if c == "\\":
                return self._command()
            if c in " \t\n\f":
                m = _match(_SPACES, src, pos)
                self.pos = m.end()
                return ("par", "") if m.group().count("\n") > 1 else ("space", " ")
            self.pos = pos + 1
            if c in "{}$":
                return (c, c)
            if c in _SPECIAL:
                return ("char", c)
            if c in self.short_verbs:
                return self._delimited(c)
            if c == "|" and not self.in_math and (guess := _GUESSED_SHORT_VERB.match(src, pos)):
                self.pos = guess.end()
                return ("verb", guess.group(1))
            text = self._text.match(src, pos)
            if text is None:
                return ("text", c)
            self.pos = text.end()
            return ("text", text.group())

    def _command(self) -> Token:
        src = self.src
        m = _WORD.match(src, self.pos)
        if m is None:  # a control symbol: one character, spaces after it stay
            char = src[self.pos + 1 : self.pos + 2] or " "
            self.pos += 2
            return ("cs", char)
        name = m.group(1)
        self.pos = m.end()
        if name in ("begin", "end"):
            env = _ENV_NAME.match(src, self.pos)
            if env is not None:
                self.pos = env.end()
                return self._begin(env.group(1)) if name == "begin" else ("end", env.group(1))
        if src.startswith("*", self.pos):
            if name in self.verb_commands:  # `\verb*|a b|`
                self.pos += 1
                return self._verb(name)
            return ("cs", name)  # the star is the command's own, read by the reader (`\section*`)
        after = _match(_AFTER_WORD, src, self.pos)
        spaced = after.end() > self.pos
        self.pos = after.end()
        if name in self.verb_commands:
            return self._verb(name)
        if name in self.url_commands:
            return ("href" if name == "href" else "url", self._raw("url"))
        return ("cs " if spaced else "cs", name)

    def _begin(self, env: str) -> Token:
        if env in self.code_environments:
            return self._skip_code(env)
        if not self.known_environment(env):
            end = self._shown_document_end(env)
            if end is not None:
                self.pos = end
                self.shown_documents += 1
                return ("code", env)
        return ("begin", env)

    def _shown_document_end(self, env: str) -> int | None:
        """Where an environment this reader does not know ends, if it shows a whole document's source
        (`\\documentclass`, `\\begin{document}`) as code. The `\\end`s of each name and the markers are
        found once (for the first _ENV_NAMES names), so many such environments cost no more than one."""
        if env not in self._ends:
            if len(self._ends) >= _ENV_NAMES:
                return None
            pattern = re.compile(r"\\end\s*\{" + re.escape(env) + r"\}")
            self._ends[env] = [(m.start(), m.end()) for m in pattern.finditer(self.src)]
        if self._markers is None:
            self._markers = [m.start() for m in _SHOWS_A_DOCUMENT.finditer(self.src)]
        ends = self._ends[env]
        i = bisect.bisect_left(ends, (self.pos, -1))
        if i == len(ends) or ends[i][0] - self.pos > _LOOK_AHEAD:
            return None
        j = bisect.bisect_left(self._markers, self.pos)
        return ends[i][1] if j < len(self._markers) and self._markers[j] < ends[i][0] else None

    def _skip_code(self, env: str) -> Token:
        end = re.compile(r"\\end\s*\{" + re.escape(env) + r"\}").search(self.src, self.pos)
        if end is None:
            self.unclosed_code += 1
            self.pos = len(self.src)
        else:
            self.pos = end.end()
        return ("code", env)

    def _verb(self, name: str) -> Token:
        options, language = self.verb_commands[name]
        if options and (m := _OPTIONS.match(self.src, self.pos)):
            self.pos = m.end()
        if language and (m := _BRACED.match(self.src, self.pos)):
            self.pos = m.end()
        return ("verb", self._raw("verb"))

    def _raw(self, kind: str) -> str:
        """The argument that follows, as typed: in braces (nested ones counted), or between two of a
        character on one line (`\\verb|x|`). An argument that never closes ends at its line's end."""
        src, pos = self.src, self.pos
        if pos >= len(src) or src[pos] in " \t\n" or (src[pos].isalpha() and kind == "verb"):
            return ""  # no delimiter: TeX stops with an error; nothing is read as code
        if src[pos] == "{":
            depth = 0
            for i in range(pos, min(len(src), pos + MAX_VERBATIM_LINE)):
                depth += (src[i] == "{") - (src[i] == "}")
                if depth == 0 or src.startswith("\n\n", i):
                    self.pos = i + 1
                    return src[pos + 1 : i]
            self.pos = min(len(src), pos + MAX_VERBATIM_LINE)
            return src[pos + 1 : self.pos]
        self.pos = pos + 1
        return self._delimited(src[pos])[1]

    def _delimited(self, char: str) -> Token:
        """Code from here to the next `char` on this line (the first already read)."""
        src, pos = self.src, self.pos
        line_end = src.find("\n", pos)
        line_end = len(src) if line_end < 0 else line_end
        end = src.find(char, pos, line_end)
        if end < 0:  # `\verb` ended by the end of the line: TeX's error; the line is code
            self.pos = line_end
            return ("verb", src[pos:line_end])
        self.pos = end + 1
        return ("verb", src[pos:end])


def _match(pattern: re.Pattern[str], src: str, pos: int) -> re.Match[str]:
    """The match of a pattern that matches anywhere (it may match nothing)."""
    m = pattern.match(src, pos)
    assert m is not None, pattern.pattern
    return m
