"""Samplers: pure functions of (rng, per-row ranges) that draw whole plan columns."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from synthocr.schemas.params import RangeParam


def sample_range(
    rng: np.random.Generator, param: RangeParam, lo: NDArray[np.float64], hi: NDArray[np.float64]
) -> NDArray:
    """One draw per row in [lo, hi] (inclusive for integers); lo == hi gives exactly lo."""
    u = rng.random(len(lo))
    if param.is_int:
        span = hi - lo + 1
        values = np.minimum(lo + np.floor(u * span), hi)
    else:
        values = np.where(lo == hi, lo, lo + u * (hi - lo))
    return values.astype(param.dtype)


def sample_choice(rng: np.random.Generator, cum_weights: NDArray[np.float64]) -> NDArray[np.int64]:
    """Index per row into the row's own cumulative weights (rows x options, last column 1)."""
    u = rng.random(len(cum_weights))
    return np.minimum((u[:, None] >= cum_weights).sum(axis=1), cum_weights.shape[1] - 1)
