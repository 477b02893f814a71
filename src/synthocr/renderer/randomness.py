"""Per-stage random generators of a row: keyed by the row's seed and the stage's name, made when first used.

Each stage (an effect, the background) draws from its own numpy Generator, so
adding an effect never changes the draws of the others. Its PCG64 state comes
from BLAKE2b of the seed and the name rather than from numpy's SeedSequence: the
same on every machine, and a quarter of the cost, which matters at several
generators per image.
"""

from __future__ import annotations

import hashlib
from typing import Any, cast

import numpy as np
from numpy.random.bit_generator import ISeedSequence


class StageSeed(ISeedSequence):
    """The seed sequence of one stage of one row: words of BLAKE2b("<seed>/<stage>"), little-endian."""

    __slots__ = ("_key",)

    def __init__(self, seed: int, stage: str) -> None:
        self._key = b"%d/%s" % (seed, stage.encode())

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        dtype = np.dtype(dtype)
        if dtype not in (np.dtype(np.uint32), np.dtype(np.uint64)):
            raise ValueError(f"a seed sequence gives uint32 or uint64 words, not {dtype}")
        size = n_words * dtype.itemsize
        digest = b"".join(
            hashlib.blake2b(self._key + b"#%d" % block, digest_size=64).digest() for block in range(-(-size // 64))
        )  # 64 bytes per hash; PCG64 asks for 32
        return np.frombuffer(digest, dtype.newbyteorder("<"), n_words).astype(dtype)


def stage_rng(seed: int, stage: str) -> np.random.Generator:
    """The generator of `stage` for the row with `seed`, made on first use (most stages draw nothing)."""
    return cast(np.random.Generator, _LazyGenerator(seed, stage))


class _LazyGenerator:
    """Stands in for a Generator and makes it when a method is first looked up."""

    __slots__ = ("_seed", "_stage", "_rng")

    def __init__(self, seed: int, stage: str) -> None:
        self._seed, self._stage = seed, stage
        self._rng: np.random.Generator | None = None

    def __getattr__(self, name: str) -> Any:
        if self._rng is None:
            self._rng = np.random.Generator(
                np.random.PCG64(cast(np.random.SeedSequence, StageSeed(self._seed, self._stage)))
            )
        return getattr(self._rng, name)
