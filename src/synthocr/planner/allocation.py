"""Batch allocation: each specification's share of the images, interleaved in plan order."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from synthocr.schemas.config import BatchConfig


def allocate_shares(proportions: Sequence[float], total: int) -> NDArray[np.int64]:
    """Largest-remainder shares of `total` (they sum exactly to it); ties go to the earlier spec."""
    p = np.asarray(proportions, dtype=np.float64)
    if total < 0 or (p < 0).any() or p.sum() <= 0:
        raise ValueError("proportions must be >= 0 with a positive sum, and total >= 0")
    quotas = p / p.sum() * total
    shares = np.floor(quotas).astype(np.int64)
    remainder = total - int(shares.sum())
    order = np.lexsort((np.arange(len(p)), -(quotas - shares)))  # largest fraction first
    shares[order[:remainder]] += 1
    return shares


@dataclass(frozen=True)
class TaskSequence:
    """Spec index per plan row, kept as one period and a repeat count (memory of one period, not the plan)."""

    period: NDArray[np.int16]
    repeats: int

    def __len__(self) -> int:
        return len(self.period) * self.repeats

    def __getitem__(self, rows: slice) -> NDArray[np.int16]:
        start, stop, step = rows.indices(len(self))
        return self.period[np.arange(start, stop, step) % max(len(self.period), 1)]

    def counts(self, n_specs: int) -> NDArray[np.int64]:
        """Rows per specification."""
        return np.bincount(self.period.astype(np.int64), minlength=n_specs) * self.repeats


def interleave_periodic(shares: Sequence[int]) -> TaskSequence:
    """Spec index per plan row, so every prefix holds each spec within one image of its share.

    Tijdeman's chairman assignment (earliest deadline first): for any prefix of
    length t, |count_i(t) - t * share_i / total| < 1. The sequence for
    shares / gcd is computed once and repeated, which keeps large plans cheap.
    """
    shares = [int(s) for s in shares]
    if sum(shares) == 0:
        return TaskSequence(np.zeros(0, np.int16), 0)
    g = math.gcd(*shares)
    return TaskSequence(_chairman([s // g for s in shares]), g)


def interleave(shares: Sequence[int]) -> NDArray[np.int16]:
    """interleave_periodic as one array of every row."""
    seq = interleave_periodic(shares)
    return np.tile(seq.period, seq.repeats)


def _chairman(shares: list[int]) -> NDArray[np.int16]:
    total = sum(shares)
    active = [i for i, s in enumerate(shares) if s > 0]
    out = np.empty(total, np.int16)
    if len(active) == 1:
        out[:] = active[0]
        return out
    mu = 1.0 / (2 * len(active) - 2)
    counts = dict.fromkeys(active, 0)
    # Item k of spec i is released at t >= (k + mu) * total / share and due by
    # (k + 1 - mu) * total / share; both are scaled by 1/total to stay exact-ish.
    pending = [((0 + mu) / shares[i], i) for i in active]
    heapq.heapify(pending)
    ready: list[tuple[float, int]] = []
    for t in range(1, total + 1):
        while pending and pending[0][0] * total <= t + 1e-9:
            _, i = heapq.heappop(pending)
            heapq.heappush(ready, ((counts[i] + 1 - mu) / shares[i], i))
        if not ready:  # cannot happen for valid shares; keep the loop total
            _, i = heapq.heappop(pending)
        else:
            _, i = heapq.heappop(ready)
        out[t - 1] = i
        counts[i] += 1
        if counts[i] < shares[i]:
            heapq.heappush(pending, ((counts[i] + mu) / shares[i], i))
    return out


class Allocation:
    """The allocation of a batch: how many images each specification gets, and in which order.

    Args:
        config: a validated BatchConfig (its `specifications` and `total_images`).
    """

    def __init__(self, config: BatchConfig) -> None:
        self.config = config

    def shares(self, total: int | None = None) -> dict[str, int]:
        """Images per specification name: largest-remainder shares of `total` (default total_images)."""
        specs = self.config.specifications
        shares = allocate_shares([s.proportion for s in specs], self.config.total_images if total is None else total)
        return {s.name: int(n) for s, n in zip(specs, shares)}

    def task_indices(self, total: int | None = None) -> NDArray[np.int16]:
        """Specification index of every plan row, interleaved so every prefix keeps the proportions."""
        return interleave(list(self.shares(total).values()))

    def task_sequence(self, total: int | None = None) -> TaskSequence:
        """task_indices as a repeated period: what planning holds, whatever the plan size."""
        return interleave_periodic(list(self.shares(total).values()))
