"""The `combine_upright_digits` column: per row, the longest run of digits set upright in one em of a vertical line.

A specification's `combine_upright_digits` (N, 0 = off) is given to the share
`combine_upright_digits_probability` of its vertical rows (`ttb`, `ttb-mixed`), drawn
from a random stream of its own, so that turning it on changes no other column; every
other row gets 0. The renderer combines the runs of up to N ASCII digits as
renderer/upright.py says (tate-chu-yoko, CSS `text-combine-upright: digits N`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from synthocr.schemas.params import VERTICAL_DIRECTIONS


def vertical_rows(directions: Any) -> NDArray[np.bool_]:
    """Per row, whether its text_direction is vertical: the column as planned, (names, codes), or as names
    after a request file replaced some."""
    if isinstance(directions, tuple):
        names, codes = directions
        return np.isin(np.asarray(codes), [k for k, name in enumerate(names) if name in VERTICAL_DIRECTIONS])
    return np.isin(np.asarray(directions, dtype=object), list(VERTICAL_DIRECTIONS))


def sample_combine_upright(
    rng: np.random.Generator,
    longest: NDArray[np.int64],
    share: NDArray[np.float64],
    vertical: NDArray[np.bool_],
) -> NDArray[np.uint8]:
    """The column for one block: `longest` (the row's spec's N) where the row is vertical and a draw falls
    under `share` (its spec's probability), else 0. One draw per row whatever its spec, so a row's value never
    depends on the others."""
    drawn = rng.random(len(longest)) < share
    return np.where(vertical & drawn, longest, 0).astype(np.uint8)
