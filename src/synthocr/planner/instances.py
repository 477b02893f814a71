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
    """The instances each (specification, font) pair may draw: `names` ("" first: the default instance)
    and, per pair with any, their codes into it. A pair without an entry draws the default."""

    names: list[str]
    codes: dict[tuple[int, int], NDArray[np.int64]]
    n_fonts: int = 0

    def sample(
        self, rng: np.random.Generator, spec_idx: NDArray[np.int64], font_idx: NDArray[np.int64]
    ) -> tuple[list[str], NDArray[np.int64]]:
        """The `font_instance` column (distinct values, code per row): each row of a pair with instances gets
        one of them, uniformly. Draws nothing from `rng` when no pair has instances, so such plans are
        the same whatever the instances of their fonts. One lookup for all rows, whatever the pairs."""
        n = len(spec_idx)
        out = np.zeros(n, np.int64)
        if not self.codes:
            return self.names, out
        u = rng.random(n)
        pairs = sorted(self.codes)
        keys = np.array([spec * self.n_fonts + font for spec, font in pairs], np.int64)
        counts = np.array([len(self.codes[pair]) for pair in pairs], np.int64)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        flat = np.concatenate([self.codes[pair] for pair in pairs])
        row_keys = spec_idx.astype(np.int64) * self.n_fonts + font_idx
        at = np.minimum(np.searchsorted(keys, row_keys), len(keys) - 1)
        rows = keys[at] == row_keys
        picks = np.minimum((u[rows] * counts[at[rows]]).astype(np.int64), counts[at[rows]] - 1)
        out[rows] = flat[starts[at[rows]] + picks]
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
    return InstanceChoice(names, codes, len(fonts))
