"""Which named instance of a variable font, or face of a font collection, each row is drawn in: `font_instances`
globs -> `font_instance` column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from synthocr.errors import UserError
from synthocr.font_instances import matching_instances
from synthocr.planner.fonts import FontInfo
from synthocr.schemas.config import BatchSpecification


@dataclass(frozen=True)
class InstanceChoice:
    """The instances each (specification, font) pair may draw, as a lookup table made once per plan: `names`
    ("" first: the default instance); the pairs with any, as sorted keys spec * n_fonts + font; and per key,
    its `counts` codes into `names` from `starts` in `flat`. A pair without a key draws the default."""

    names: list[str]
    n_fonts: int
    keys: NDArray[np.int64]
    counts: NDArray[np.int64]
    starts: NDArray[np.int64]
    flat: NDArray[np.int64]

    def sample(
        self, rng: np.random.Generator, spec_idx: NDArray[np.int64], font_idx: NDArray[np.int64]
    ) -> tuple[list[str], NDArray[np.int64]]:
        """The `font_instance` column (distinct values, code per row): each row of a pair with instances gets
        one of them, uniformly. Draws nothing from `rng` when no pair has instances, so such plans are
        the same whatever the instances of their fonts. One lookup for all rows, whatever the pairs."""
        n = len(spec_idx)
        out = np.zeros(n, np.int64)
        if not len(self.keys):
            return self.names, out
        u = rng.random(n)
        row_keys = spec_idx.astype(np.int64) * self.n_fonts + font_idx
        at = np.minimum(np.searchsorted(self.keys, row_keys), len(self.keys) - 1)
        rows = self.keys[at] == row_keys
        counts = self.counts[at[rows]]
        picks = np.minimum((u[rows] * counts).astype(np.int64), counts - 1)
        out[rows] = self.flat[self.starts[at[rows]] + picks]
        return self.names, out


def instance_choice(
    specs: Sequence[BatchSpecification], fonts: Sequence[FontInfo], spec_fonts: NDArray[np.bool_], counts: Sequence[int]
) -> InstanceChoice:
    """The instances each specification's `font_instances` globs pick from each of its fonts.

    Raises:
        UserError: a specification with rows asks for instances and none of its fonts has a matching one.
    """
    names = [""]
    codes: dict[tuple[int, int], NDArray[np.int64]] = {}
    for i, spec in enumerate(specs):
        if not spec.font_instances:
            continue
        eligible = [int(j) for j in np.flatnonzero(spec_fonts[i])]
        for j in eligible:
            matched = matching_instances(fonts[j].instances, spec.font_instances)
            if matched:
                names.extend(m for m in matched if m not in names)
                codes[(i, j)] = np.array([names.index(m) for m in matched], np.int64)
        if counts[i] > 0 and not any(key[0] == i for key in codes):
            variable = sorted({n for j in eligible for n in fonts[j].instances})
            has = f"they offer {variable}" if variable else "none of them is a variable font or a font collection"
            raise UserError(
                f"specification {spec.name!r}: font_instances {list(spec.font_instances)} match no named instance "
                f"of the fonts it may use ({has}); change the globs, add such a font, or remove font_instances."
            )
    pairs = sorted(codes)
    sizes = np.array([len(codes[pair]) for pair in pairs], np.int64)
    return InstanceChoice(
        names,
        len(fonts),
        np.array([spec * len(fonts) + font for spec, font in pairs], np.int64),
        sizes,
        np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64),
        np.concatenate([codes[pair] for pair in pairs]) if pairs else np.zeros(0, np.int64),
    )
