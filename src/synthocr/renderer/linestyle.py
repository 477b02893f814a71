"""What the layout needs to know of a line's text styles: spacing, drawn rules, an emphasised run of words.

The LAYOUT and STYLE effects (renderer/effects/layout.py, renderer/effects/style.py)
each return some of these fields; render_row merges them into one LineStyle and
hands it to layout_line. Everything here is in fractions of the font size or in
the font's own metrics, so that one plan row gives the same look at any size.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Rule(NamedTuple):
    """A drawn line of the text: an underline or a strikethrough (not a character of the label)."""

    kind: str  # "underline" or "strikethrough"
    thickness: float  # x the font's own underline thickness / strikeout size
    gap: float  # fraction of font size, moved away from the text beyond the font's position
    per_word: bool  # one rule per word (spaces left out), else one from the first word to the last


class Emphasis(NamedTuple):
    """A run of consecutive words drawn bolder and/or in another ink."""

    words: int  # how many
    start: float  # fraction of the line's words where the run starts
    bold: float  # fraction of font size the outlines grow by (0 = regular weight)
    color: int  # accent index (0 = the line's ink); renderer/effects/style.py names the colours
    italic: bool = False  # outlines slanted as FreeType's synthetic oblique


class Gradient(NamedTuple):
    """The text's ink changing across the line's box, from the line's ink to a second colour."""

    strength: float  # how far the far end's ink moves towards the second colour (0-1)
    angle: float  # degrees clockwise from the right (image y points down)
    color: int  # 0 = a paler (darker, for light ink) shade of the ink; else an accent index


class Highlight(NamedTuple):
    """A highlighter stroke over a run of consecutive words, on the paper under the ink."""

    opacity: float
    words: int  # how many
    start: float  # fraction of the line's words where the run starts
    color: int  # index into renderer/effects/style.py HIGHLIGHTS
    height: float  # fraction of font size across the line
    tips: tuple[float, float, float, float]  # the chisel tip's slant at each corner, fraction of font size


class Plate(NamedTuple):
    """A sign's plate behind the line, in a shade of the row's background colour, with a border in its ink."""

    opacity: float
    margin: float  # fraction of font size around the line's box
    radius: float  # fraction of font size: the corners' rounding
    border: float  # fraction of font size: the border's width (0: none)
    shade: float  # how far the background colour moves away from the ink (towards white for dark ink)


class LineStyle(NamedTuple):
    """Every text style of one line, as the layout takes it (the neutral values: plain text)."""

    overlap: float = 0.0  # fraction of font size removed between clusters that do not join
    tracking: float = 0.0  # fraction of font size added between clusters (not in cursive scripts)
    word_spacing: float = 0.0  # fraction of font size added to each whitespace character's advance
    rules: tuple[Rule, ...] = ()
    emphasis: Emphasis | None = None
    layers: tuple[Any, ...] = ()  # InkLayer objects drawn under the text (renderer/effects/style.py)
    halo: tuple[int, int, int, int] = (0, 0, 0, 0)  # pixels the layers reach beyond the ink: left, top, right, bottom
    gradient: Gradient | None = None  # a gradient fill of the text's ink (not of an accent run's)
    highlight: Highlight | None = None  # a highlighter stroke under the text, drawn on the paper
    plate: Plate | None = None  # a sign's plate behind the line, drawn on the background


PLAIN = LineStyle()
_LISTS = frozenset({"rules", "layers"})  # fields several effects add to


def merge_styles(parts: list[dict[str, Any]]) -> LineStyle:
    """One LineStyle from the fields each applied effect returned, in declared order (rules and layers add up)."""
    fields: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            fields[key] = fields.get(key, ()) + value if key in _LISTS else value
    return LineStyle(**fields)
