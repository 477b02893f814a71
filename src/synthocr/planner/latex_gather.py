"""Where a LaTeX source's text goes as it is read (latex_text.py's reader builds on it): the paragraph, a
text of its own (a heading, a caption, a footnote), a table cell, or nowhere (a picture, the preamble), by
the commands and environments open around it; and each finished text made readable (latex_finish.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import regex

from synthocr.planner.latex_finish import UNKNOWN, finish
from synthocr.planner.latex_tokens import TokenReader

MAX_FRAMES = 1000  # nested commands and environments kept apart; deeper ones are plain groups
_ALNUM = regex.compile(r"[\p{L}\p{N}]")
_LETTER = regex.compile(r"\p{L}")
_OPTIONS_ONLY = regex.compile(r"\[[^\[\]]*\]")
# What an unknown command's argument holds when it is a length, not a text (`\tablewidth{0pt}`).
_LENGTH = regex.compile(r"\s*(?:[-+]?(?:\d+[.,]?\d*|[.,]\d+)\s*(?:pt|em|ex|cm|mm|in|bp|sp|pc|dd|cc|mu|px)|0)?\s*")


@dataclass
class Text:
    """A text being gathered: its parts, and whether it has letters or digits typed in the document (`plain`)
    or from commands this reader does not know (`shown`), 1 if so."""

    kind: str  # "para", "cell", "note" (a footnote: a line break ends a text) or "own" (a heading, a caption)
    parts: list[str] = field(default_factory=list)
    plain: int = 0
    shown: int = 0
    broken: bool = False  # a `$` left open: the text is left out
    before_block: bool = False  # a display or list interrupts it: an unfinished last sentence goes
    after_block: bool = False  # it follows one: a first sentence that starts in small letters continues it


@dataclass
class Frame:
    """A command's argument or an environment being read."""

    kind: str  # "doc", "env", "arg" (closes at its `}`), "pushed" (closes at its ("close", frame) token)
    target: Text | None  # where its text goes; None: left out
    name: str = ""  # the environment's
    depth: int = 0  # plain {groups} open inside it
    own: bool = False  # its target is a text of its own, finished when it closes
    block: bool = False  # an environment that ends the paragraph where it begins and ends
    table: bool = False
    describe: bool = False  # a description list: `\item[label]` keeps its label
    tt: bool = False  # typewriter: no ligatures (`--` stays two hyphens)
    unknown: bool = False  # inside an argument of a command this reader does not know
    buffered: Text | None = None  # an unknown command's argument: joins `target` when no other argument follows
    dropping: bool = False  # inside what is left out altogether (a picture): no caption or footnote either


class TextGatherer(TokenReader):
    """The texts of a source, gathered through the frames open at each point."""

    def __init__(self, source: str, code_environments: set[str], known: Callable[[str], bool]) -> None:
        super().__init__(source, code_environments, known)
        self.main = Text("para")
        self.frames = [Frame("doc", self.main)]
        self.texts: list[str] = []
        self.german = False  # babel's German shorthands (`"a` is ä)

    @property
    def frame(self) -> Frame:
        return self.frames[-1]

    def text(self, text: str) -> None:
        """Typed text, with the characters TeX's fonts print for its dashes and quotes."""
        if self.frame.target is None:
            return
        if self.german and '"' in text:
            text = _SHORTHANDS.sub(lambda m: _SHORTHAND[m.group(1)], text)
        if not self.frame.tt and ("-" in text or "`" in text or "'" in text):
            text = _LIGATURES.sub(lambda m: _LIGATURE[m.group()], text)
        self.add(text)

    def add(self, text: str, plain: bool = True) -> None:
        """Text into the current text (nothing where it is left out)."""
        frame = self.frame
        target = frame.buffered or frame.target
        if target is None or not text:
            return
        target.parts.append(text)
        if frame.unknown or not plain:
            if not target.shown and _ALNUM.search(text):
                target.shown = 1
        elif not target.plain and _ALNUM.search(text):
            target.plain = 1

    def hole(self, mark: str) -> None:
        """A mark of what was left out here (latex_finish.py): its sentence goes, or (a cut) loose
        punctuation is tidied."""
        frame = self.frame
        target = frame.buffered or frame.target
        if target is not None:
            target.parts.append(mark)

    def flush(self, target: Text | None) -> None:
        """The text gathered in `target` made a text (or left out), and `target` emptied."""
        if target is None or not target.parts:
            if target is not None:  # an empty text: no sentence to interrupt (one after a list may continue)
                target.broken = target.before_block = False
            return
        raw = "".join(target.parts)
        target.parts.clear()
        broken, plain, shown = target.broken, target.plain, target.shown
        before, after = target.before_block, target.after_block
        target.broken, target.plain, target.shown = False, 0, 0
        target.before_block = target.after_block = False
        if broken:
            self.counts["paragraph with a $ left open"] += 1
            return
        if not plain:
            if shown:
                self.counts["text only of commands defined elsewhere"] += 1
            return
        text = finish(raw, self.counts, continues=after, interrupted=before)
        if _OPTIONS_ONLY.fullmatch(text):  # `[Example]`, `[depth=chapter]`: a class's own optional argument
            self.counts["bracketed text alone"] += 1
        elif text:
            self.texts.append(text)

    def char(self, char: str) -> None:
        if char == "~":
            self.add(" ")
        elif char == "&":
            if self.frame.target is not None and self.frame.target.kind == "cell":
                self.flush(self.frame.target)
        elif char in "[]":
            self.add(char)

    def open_group(self) -> None:
        self.frame.depth += 1

    def close_group(self) -> None:
        frame = self.frame
        if frame.depth:
            frame.depth -= 1
        elif frame.kind == "arg":
            self.frames.pop()
            if frame.buffered is not None and self.next_is_group():
                frame.buffered.parts.clear()  # another argument follows: the one before was no text
                frame.buffered.plain = frame.buffered.shown = 0
                self.frames.append(frame)
                return
            self.close(frame)

    def push_frame(self, frame: Frame) -> None:
        if len(self.frames) >= MAX_FRAMES:  # nested too deeply to keep apart: a plain group, or (an
            if frame.kind == "arg":  # environment) nothing, its \end then matching none
                self.frame.depth += 1
            return
        if frame.own:
            if frame.block:  # a heading ends the paragraph before it
                self.flush(self.frame.target)
            frame.block = False
        self.frames.append(frame)

    def close_to(self, index: int) -> None:
        """The frames from `index` up closed."""
        while len(self.frames) > index:
            self.close(self.frames.pop())

    def close(self, frame: Frame) -> None:
        if frame.buffered is not None:
            parent = frame.target
            shown = "".join(frame.buffered.parts)
            if parent is None or _LENGTH.fullmatch(shown):
                return
            if shown.strip() and not _LETTER.search(shown):
                parent.parts.append(UNKNOWN)  # `\century{-1}`: no word shown, so one the reader cannot know
            else:
                parent.parts.extend(frame.buffered.parts)
                parent.shown += frame.buffered.plain + frame.buffered.shown
                parent.broken |= frame.buffered.broken
            return
        if frame.own or frame.table:
            self.flush(frame.target)
        elif frame.block:
            self.flush(frame.target)
            if frame.target is not None:
                frame.target.after_block = True

    def child(self, kind: str, **changes: Any) -> Frame:
        """A frame inside the current one, with its target and flags unless `changes` says otherwise."""
        parent = self.frame
        frame = Frame(kind, parent.target, tt=parent.tt, unknown=parent.unknown, dropping=parent.dropping)
        for key, value in changes.items():
            setattr(frame, key, value)
        return frame

    def own(self, kind: str = "own", heading: bool = False) -> Frame:
        """A frame whose text is one of its own (a heading, a caption, a footnote)."""
        target = None if self.frame.dropping else Text(kind)
        return self.child("arg", target=target, own=True, block=heading, unknown=False)


def mid_sentence(target: Text | None) -> bool:
    """Whether `target` ends inside a sentence (it has text, and its last is no sentence's end)."""
    if target is None:
        return False
    for part in target.parts[:-64:-1]:  # the last parts only: a text of many spaces costs no more
        stripped = part.rstrip()
        if stripped:
            return stripped[-1] not in ".!?:;。！？" and target.plain + target.shown > 0
    return False


def previous_word(target: Text) -> str:
    """The last word of `target`, in small letters."""
    tail = ""
    for part in target.parts[:-64:-1]:
        tail = part + tail
        if len(tail.strip()) > 24 or len(tail) > 200:
            break
    words = tail.split()
    return words[-1].lower().rstrip(",:") if words else ""


_LIGATURES = regex.compile(r"---|--|``|''|!`|\?`|`|'")
_LIGATURE = {"---": "—", "--": "–", "``": "“", "''": "”", "!`": "¡", "?`": "¿", "`": "‘", "'": "’"}
_SHORTHANDS = regex.compile(r'"([aouAOUs`\'<>\-=|"~]?)')
_SHORTHAND = {"a": "ä", "o": "ö", "u": "ü", "A": "Ä", "O": "Ö", "U": "Ü", "s": "ß", "`": "„", "'": "“",
              "<": "«", ">": "»", "-": "", "=": "-", "|": "", '"': "", "~": "-", "": '"'}  # fmt: skip
