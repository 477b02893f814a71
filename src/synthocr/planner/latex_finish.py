"""A text gathered from a LaTeX source made readable (latex_text.py): the sentences with a hole left out (a
formula that is not simple, a reference, inline code, a word printed by a command defined elsewhere, a
displayed formula inside the sentence), and the punctuation a citation taken out of parentheses leaves
tidied (`as before [3].` reads `as before.`, `(\\cite{a})` goes)."""

from __future__ import annotations

from collections import Counter

import regex

# Marks latex_text.py leaves in a text: holes (the sentence goes), and a cut (only spaces and punctuation
# around it are tidied).
FORMULA, REFERENCE, CODE, UNKNOWN, DISPLAY, CUT = "\x00", "\x01", "\x02", "\x03", "\x04", "\x05"
HOLES = FORMULA + REFERENCE + CODE + UNKNOWN + DISPLAY
_REASONS = {FORMULA: "a formula that is not simple", REFERENCE: "a reference or citation", CODE: "inline code",
            UNKNOWN: "a command defined elsewhere", DISPLAY: "a displayed formula or code inside"}  # fmt: skip

# A sentence ends at . ! ? … (then closing quotes or brackets) before a space and a capital; at 。！？; and
# after a displayed formula or code followed by a capital (the display stood between two sentences).
_BOUNDARY = regex.compile(
    r"(?<=[.!?…][\"”’'»)\]]*)\s+(?=[\"“‘'«(\[]?\p{Lu})|(?<=[。！？])|(?<=\x04)\s*(?=[\"“‘'«(\[]?\p{Lu})"
)
_ABBREVIATIONS = frozenset(
    "fig figs eq eqs eqn sec secs ref refs tab tabs chap ch dr mr mrs ms prof st vs cf al ca no nr vol pp resp "
    "approx e.g i.e bzw vgl usw ggf evtl jr sr inc ltd co dept univ".split()
)
_CAPITAL = regex.compile(r"[\"“‘'«(\[]?\p{Lu}")
_AFTER_END = frozenset(".!?…:;,\"”’'»)]")
_CITATION_LIST = regex.compile(r"\x05(?:\s*[,;]?\s*\x05)+")
_CITATION_PARENS = regex.compile(r"[(\[]\s*\x05\s*[)\]]")
_CUT_BEFORE_PUNCTUATION = regex.compile(r"\s*\x05\s*(?=[.,;:!?)\]]|$)|^\s*\x05\s*")
_CUT = regex.compile(r"\s*\x05\s*")
_ALNUM = regex.compile(r"[\p{L}\p{N}]")
_FINISHED = regex.compile(r"[.!?…:;。！？][\"”’'»)\]]*\s*$")


def _sentences(text: str) -> list[str]:
    """`text` cut into sentences; not after an initial or an abbreviation (`D. Knuth`, `z. B. Häuser`,
    `Fig. 3`, `et al. Smith`)."""
    out = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        before = text[max(start, m.start() - 12) : m.start()].split()
        word = before[-1].rstrip("\"”’'»)]") if before else ""
        core = word[:-1].strip(HOLES + CUT + "([“‘\"'«").lower()
        if word.endswith(".") and (len(core) == 1 and core.isalpha() or core in _ABBREVIATIONS):
            continue
        out.append(text[start : m.start()])
        start = m.end()
    out.append(text[start:])
    return out


def _without_displays_around(sentence: str) -> str:
    """A sentence without the displays before it (where it starts with a capital) and after it (where it
    ends with punctuation): they stood between sentences, or after a colon."""
    start = sentence.lstrip(" " + DISPLAY)
    if start != sentence and _CAPITAL.match(start):
        sentence = start
    end = sentence.rstrip(" " + DISPLAY)
    if end != sentence and end[-1:] in _AFTER_END:
        sentence = end
    return sentence


def finish(raw: str, counts: Counter[str], continues: bool = False, interrupted: bool = False) -> str:
    """`raw` without its sentences that have a hole (each counted in `counts` by its reason), its cuts
    tidied, runs of whitespace one space; "" where nothing readable is left. A text that `continues` a
    sentence a display or list interrupted (its first letter is small) loses that sentence's end; one
    `interrupted` by a display or list loses its last sentence where it is not finished (no . ! ? or :)."""
    text = " ".join(raw.split())
    first = _ALNUM.search(text)
    continues = continues and first is not None and first.group().islower()
    interrupted = interrupted and not _FINISHED.search(text)
    if continues or interrupted or any(h in text for h in HOLES):
        kept = []
        sentences = _sentences(text)
        if continues:
            counts["sentence continued after a display or list"] += 1
            sentences[0] = ""
        if interrupted:
            counts["sentence interrupted by a display or list"] += 1
            sentences[-1] = ""
        for sentence in sentences:
            sentence = _without_displays_around(sentence)
            hole = next((c for c in sentence if c in HOLES), None)
            if hole is None:
                kept.append(sentence)
            elif _ALNUM.search(sentence):
                counts["sentence with " + _REASONS[hole]] += 1
        text = " ".join(kept)
    if CUT in text:
        text = _CITATION_LIST.sub(CUT, text)
        text = _CITATION_PARENS.sub(CUT, text)
        text = _CUT_BEFORE_PUNCTUATION.sub("", text)
        text = _CUT.sub(" ", text)
    text = " ".join(text.split())
    return text if _ALNUM.search(text) else ""
