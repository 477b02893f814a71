"""Layout effects: spacing handed to the line's layout (LineStyle fields) before anything is drawn."""

from __future__ import annotations

from typing import Any

import numpy as np


def glyph_overlap_intensity(intensity: float, rng: np.random.Generator) -> dict[str, Any]:
    """`intensity` x font size removed between neighbouring clusters (0 = normal spacing; kerning kept,
    joined letters stay joined)."""
    return {"overlap": intensity}


def letter_spacing(spacing: float, rng: np.random.Generator) -> dict[str, Any]:
    """Tracking: `spacing` x font size added between neighbouring clusters, never inside one, and not in
    cursive scripts (Arabic letters stay joined, their word's spacing even)."""
    return {"tracking": spacing}


def word_spacing(spacing: float, rng: np.random.Generator) -> dict[str, Any]:
    """`spacing` x font size added to the advance of every whitespace character (a space stays >= 0 wide)."""
    return {"word_spacing": spacing}
