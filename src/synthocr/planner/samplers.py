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


def tinted(
    gray: NDArray[np.uint8], tint: NDArray[np.uint8], unit: NDArray[np.float64]
) -> tuple[NDArray[np.uint8], NDArray[np.uint8], NDArray[np.uint8]]:
    """R, G, B around a grey level, channel c offset by unit[c] * tint (unit draws in [-1, 1], shape (3, n))."""
    offsets = np.rint(unit * tint.astype(np.float64))
    channels = np.clip(gray.astype(np.float64) + offsets, 0, 255).astype(np.uint8)
    return channels[0], channels[1], channels[2]


def sample_choice(rng: np.random.Generator, cum_weights: NDArray[np.float64]) -> NDArray[np.int64]:
    """Index per row into the row's own cumulative weights (rows x options, last column 1)."""
    u = rng.random(len(cum_weights))
    return np.minimum((u[:, None] >= cum_weights).sum(axis=1), cum_weights.shape[1] - 1)
