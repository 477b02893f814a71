"""Layout effects: values handed to the line's layout before anything is drawn."""

from __future__ import annotations

import numpy as np


def glyph_overlap_intensity(intensity: float, rng: np.random.Generator) -> float:
    """The layout's spacing argument: `intensity` x font size removed between neighbouring clusters
    (0 = normal spacing; kerning kept, joined letters stay joined)."""
    return intensity
