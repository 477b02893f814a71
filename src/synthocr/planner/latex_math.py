"""Simple inline formulae of a LaTeX source as the Unicode text a reader sees (`$x^2$` is x², `$\\alpha \\leq
1$` is α ≤ 1); None for every other formula, whose sentence latex_text.py then leaves out.

A formula is simple when each of its parts has one character or word in Unicode: letters, digits, Greek
letters, operators and relations (`\\times`, `\\leq`, `\\to`), delimiters, function names (`\\sin`), text
(`\\text{if}`, `\\mathrm{d}`), the double-struck ℕ ℤ ℚ ℝ ℂ, accents over one letter (`\\hat{x}`), `\\sqrt`
of one symbol, the fractions ½ ⅓ ¼ ¾, and super- and subscripts that Unicode has (digits, + − = ( ), n, i,
T over; digits and a few letters under; `^\\circ` is °, `^\\prime` is ′). Fractions, sums, integrals,
matrices, roots of more, scripts of anything else, unknown commands: not simple. Spacing follows TeX's: a
space on each side of a binary operator or a relation (a + b = c), none for a sign (−1), one after a comma.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from synthocr.planner.latex_symbols import (
    DOUBLE_STRUCK,
    MATH_ACCENTS,
    MATH_BIN,
    MATH_CLOSE,
    MATH_FUNCTIONS,
    MATH_IGNORED,
    MATH_OPEN,
    MATH_ORD,
    MATH_REL,
    MATH_SPACES,
    MATH_STYLES,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    VULGAR_FRACTIONS,
)

# Tokens as latex_text's scanner gives them: (kind, value), kind one of "cs" (a command's name), "text",
# "space", "{", "}", "char" (one of ^ _ & # ~ [ ]), "$".
Token = tuple[str, str]
_CHAR_CLASS = {"+": "bin", "-": "bin", "*": "bin", "=": "rel", "<": "rel", ">": "rel", ":": "rel", ",": "punct",
               ";": "punct", "(": "open", "[": "open", ")": "close", "]": "close", "!": "close", "?": "close"}  # fmt: skip
_TEXT_STYLES = frozenset("text textrm textit textbf textsf texttt textnormal mbox textup hbox".split())


class _NotSimple(Exception):
    pass


def simple_math(tokens: Sequence[Token], operators: Mapping[str, str] | None = None) -> str | None:
    """The text a reader sees of an inline formula given as tokens, or None where it is not simple.
    `operators` are the document's own operator names (`\\DeclareMathOperator{\\Var}{Var}`)."""
    try:
        atoms = _Reader(list(tokens), operators or {}).atoms()
    except (_NotSimple, IndexError, RecursionError):
        return None
    return unicodedata.normalize("NFC", _spaced(atoms))


class _Reader:
    """Atoms (class, text) of a formula's tokens, reading left to right."""

    def __init__(self, tokens: list[Token], operators: Mapping[str, str]) -> None:
        self.tokens = [("cs", v) if k == "cs " else (k, v) for k, v in tokens]
        self.pos = 0
        self.operators = operators

    def atoms(self, end: int | None = None) -> list[tuple[str, str]]:
        end = len(self.tokens) if end is None else end
        out: list[tuple[str, str]] = []
        while self.pos < end:
            kind, value = self.tokens[self.pos]
            self.pos += 1
            if kind == "char" and value in "^_":
                if not out:
                    out.append(("ord", ""))
                cls, text = out[-1]
                out[-1] = (cls, text + self._script(value))
            else:
                out.extend(self._atom(kind, value))
        return out

    def _group_end(self) -> int:
        """Where the group opened just before pos closes."""
        depth = 1
        for i in range(self.pos, len(self.tokens)):
            kind = self.tokens[i][0]
            depth += kind == "{"
            depth -= kind == "}"
            if depth == 0:
                return i
        raise _NotSimple

    def _skip_spaces(self) -> None:
        while self.tokens[self.pos][0] == "space":
            self.pos += 1

    def _argument(self) -> list[tuple[str, str]]:
        """The atoms of the next argument: a {group} or one token (one character of a text)."""
        self._skip_spaces()
        kind, value = self.tokens[self.pos]
        if kind == "{":
            self.pos += 1
            end = self._group_end()
            atoms = self.atoms(end)
            self.pos = end + 1
            return atoms
        if kind == "text" and len(value) > 1:
            self.tokens[self.pos] = ("text", value[1:])
            return self._atom("text", value[0])
        self.pos += 1
        return self._atom(kind, value)

    def _raw_argument(self) -> str:
        """The characters of the next argument, for text inside a formula (`\\text{if}`)."""
        self._skip_spaces()
        kind, value = self.tokens[self.pos]
        if kind != "{":
            return self._text_of(self._argument())
        self.pos += 1
        end = self._group_end()
        parts = []
        for kind, value in self.tokens[self.pos : end]:
            if kind == "text":
                parts.append(value)
            elif kind == "space" or (kind == "char" and value == "~"):
                parts.append(" ")
            elif kind == "$":
                raise _NotSimple
            elif kind == "cs" and value in MATH_SPACES:
                parts.append(MATH_SPACES[value])
            else:
                raise _NotSimple
        self.pos = end + 1
        return "".join(parts)

    @staticmethod
    def _text_of(atoms: list[tuple[str, str]]) -> str:
        return _spaced(atoms)

    def _script(self, which: str) -> str:
        self._skip_spaces()
        kind, value = self.tokens[self.pos]
        if kind == "cs" and value in ("circ", "degree") and which == "^":
            self.pos += 1
            return "°"
        if kind == "cs" and value == "prime" and which == "^":
            self.pos += 1
            return "′"
        text = self._text_of(self._argument()).replace("−", "-").replace(" ", "")
        if text in ("*", "′", "′′", "°"):
            return text
        table = SUPERSCRIPTS if which == "^" else SUBSCRIPTS
        if not text or any(c not in table for c in text):
            raise _NotSimple
        return "".join(table[c] for c in text)

    def _atom(self, kind: str, value: str) -> list[tuple[str, str]]:
        if kind == "text":
            return _text_atoms(value)
        if kind in ("space", "$"):
            return []
        if kind == "char":
            if value in "[]":
                return [(_CHAR_CLASS[value], value)]
            if value == "~":
                return [("space", " ")]
            raise _NotSimple
        if kind == "{":
            end = self._group_end()
            atoms = self.atoms(end)
            self.pos = end + 1
            return [("ord", _spaced(atoms))] if atoms else []
        if kind != "cs":
            raise _NotSimple
        return self._command(value)

    def _command(self, name: str) -> list[tuple[str, str]]:
        for table, cls in ((MATH_ORD, "ord"), (MATH_BIN, "bin"), (MATH_REL, "rel"), (MATH_OPEN, "open"),
                           (MATH_CLOSE, "close")):  # fmt: skip
            if name in table:
                return [(cls, table[name])]
        if name in MATH_SPACES:
            return [("space", MATH_SPACES[name])] if MATH_SPACES[name] else []
        if name in MATH_IGNORED:
            if name in ("left", "right", "middle") and self.tokens[self.pos] == ("text", "."):
                self.pos += 1  # `\left.`: no delimiter
            if name == "label":
                self._raw_argument()
            return []
        if name in MATH_FUNCTIONS or name in self.operators:
            return [("op", self.operators.get(name, name))]
        if name in _TEXT_STYLES:
            return [("ord", self._raw_argument())]
        if name in MATH_STYLES:
            atoms = self._argument()
            return [("ord", _spaced(atoms))] if name != "operatorname" else [("op", _spaced(atoms))]
        if name == "mathbb":
            letter = self._raw_argument()
            if letter not in DOUBLE_STRUCK:
                raise _NotSimple
            return [("ord", DOUBLE_STRUCK[letter])]
        if name in MATH_ACCENTS:
            letter = _spaced(self._argument())
            if len(letter) != 1 or not letter.isalpha():
                raise _NotSimple
            return [("ord", letter + MATH_ACCENTS[name])]
        if name == "sqrt":
            if self.tokens[self.pos] == ("char", "["):
                raise _NotSimple
            radicand = _spaced(self._argument())
            if len(radicand) != 1 and not radicand.isdigit():
                raise _NotSimple
            return [("ord", "√" + radicand)]
        if name in ("frac", "tfrac", "nicefrac", "sfrac"):
            fraction = VULGAR_FRACTIONS.get((_spaced(self._argument()), _spaced(self._argument())))
            if fraction is None:
                raise _NotSimple
            return [("ord", fraction)]
        if name == "pmod":
            return [("ord", f" (mod {_spaced(self._argument())})")]
        raise _NotSimple


def _text_atoms(text: str) -> list[tuple[str, str]]:
    """The atoms of typed characters: letters and numbers are ordinary, + − = , ( ) have their classes."""
    out: list[tuple[str, str]] = []
    for c in text:
        if c.isspace():
            continue
        cls = _CHAR_CLASS.get(c)
        if cls is not None:
            out.append((cls, "−" if c == "-" else "∗" if c == "*" else c))
        elif c == "'":
            out.append(("prime", "′"))
        elif c.isalnum() or c in './|@"':
            if out and out[-1][0] == "num" and (c.isdigit() or c == ".") and out[-1][1][-1:].isdigit() | (c != "."):
                out[-1] = ("num", out[-1][1] + c)
            else:
                out.append(("num" if c.isdigit() else "ord", c))
        else:
            raise _NotSimple
    return out


def _spaced(atoms: list[tuple[str, str]]) -> str:
    """Atoms joined with TeX's spacing: around binary operators and relations, after punctuation, after a
    function name before its argument; a binary operator with nothing before it is a sign."""
    parts: list[str] = []
    prev = "start"
    for i, (cls, text) in enumerate(atoms):
        if cls == "prime":
            parts.append(text)
            continue
        if cls == "space":
            parts.append(" ")
            continue
        if cls == "bin" and prev in ("start", "bin", "rel", "open", "punct", "op"):
            cls = "ord"  # a sign: −1, (+x)
        if cls in ("bin", "rel"):
            following = next((c for c, _ in atoms[i + 1 :] if c != "space"), "end")
            parts.append(f" {text} " if prev != "start" and following not in ("end", "close", "punct") else text)
        elif cls == "punct":
            parts.append(text + " ")
        elif cls == "op":
            parts.append((" " if prev in ("ord", "num", "close") else "") + text)
            following = next((c for c, _ in atoms[i + 1 :] if c != "space"), "end")
            if following in ("ord", "num", "op"):
                parts.append(" ")
        else:
            parts.append(text)
        prev = cls
    return " ".join("".join(parts).split())
