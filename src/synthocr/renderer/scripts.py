"""Script itemization: each character's script, common ones resolved from their neighbours as raqm does.

HarfBuzz shapes a buffer with one script's shaper (Arabic joining, Indic reordering...),
so a run that mixes scripts (Latin and Devanagari in one left-to-right run, say) is cut
where the script changes. Characters of no script of their own (spaces, digits,
punctuation, combining marks) take the script before them, a closing bracket that of
its opening one, and characters before the first real script take that script.
"""

from __future__ import annotations

from synthocr.renderer.bidi import Run
from synthocr.unicode_scripts import char_script

# Opening bracket -> closing bracket, for the brackets whose sides share a script.
_PAIRS = dict(zip("([{<«‹“‘「『（［｛〈《【〔", ")]}>»›”’」』）］｝〉》】〕"))
_CLOSING = {close: open_ for open_, close in _PAIRS.items()}


def resolve_scripts(text: str) -> list[str | None]:
    """Every character's script after raqm's resolution of common and inherited characters."""
    scripts = list(map(char_script, text))
    out: list[str | None] = [None] * len(text)
    last: str | None = None
    last_set = -1
    stack: list[tuple[str, str | None]] = []  # (opening bracket, script)
    for i, (ch, script) in enumerate(zip(text, scripts)):
        if script is None and last is not None:
            if ch in _PAIRS:
                stack.append((ch, last))
            elif ch in _CLOSING:
                while stack and stack[-1][0] != _CLOSING[ch]:
                    stack.pop()
                if stack:
                    last = stack[-1][1]
            out[i] = last
            last_set = i
        elif script is None:
            continue  # before the first real script: filled from the right below
        else:
            for j in range(last_set + 1, i):
                out[j] = script
            out[i] = last = script
            last_set = i
    for i in range(len(text) - 2, -1, -1):
        if out[i] is None:
            out[i] = out[i + 1]
    return out


def itemize(runs: list[Run], text: str) -> list[Run]:
    """Directional runs (in visual order) cut further where the script changes, still in visual order."""
    if not runs:
        return []
    found = set(map(char_script, text))
    found.discard(None)
    if len(found) <= 1:  # one script (most lines): nothing to cut
        script = found.pop() if found else None
        return [run._replace(script=script) for run in runs]
    scripts = resolve_scripts(text)
    out: list[Run] = []
    for run in runs:
        pieces: list[Run] = []
        start = run.start
        for i in range(run.start + 1, run.stop + 1):
            if i == run.stop or scripts[i] != scripts[start]:
                pieces.append(Run(start, i, run.rtl, scripts[start]))
                start = i
        out.extend(reversed(pieces) if run.rtl else pieces)
    return out
