"""A character's script as HarfBuzz names it, for the renderer (where runs are cut) and the planner (which
script a line is mostly written in, for font fallback)."""

from __future__ import annotations

import functools

import uharfbuzz as hb


@functools.cache  # a few thousand distinct characters at most
def char_script(ch: str) -> str | None:
    """The ISO 15924 tag HarfBuzz gives `ch` ("Latn", "Arab"...), None for common and inherited ones."""
    buf = hb.Buffer()
    buf.add_str(ch)
    buf.guess_segment_properties()
    return buf.script
