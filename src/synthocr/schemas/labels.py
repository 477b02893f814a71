"""The label written next to every image: the row's parameters plus exact geometry."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
import orjson

LABEL_SCHEMA_VERSION = 1

Point = tuple[float, float]


class Region(NamedTuple):
    """A character (grapheme cluster), word or line: its text, polygon and clipped bbox.

    Coordinates are final image pixels, x to the right, y down. A character or
    word polygon has 4 points (top-left, top-right, bottom-right, bottom-left of
    the text's own frame); a line polygon may have more (top edge, then bottom
    edge back), so it can follow curved text. (A named tuple, not a dataclass:
    every image makes dozens, and tuples are several times cheaper to make.)
    """

    text: str
    polygon: tuple[Point, ...]
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1, clipped to the image

    def to_dict(self) -> dict[str, Any]:
        """{"text", "polygon": [[x, y], ...], "bbox": [x0, y0, x1, y1]}, coordinates rounded to 0.01."""
        return _regions_as_dicts((self,))[0][0]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Region":
        return cls(
            text=d["text"],
            polygon=tuple((float(x), float(y)) for x, y in d["polygon"]),
            bbox=tuple(float(v) for v in d["bbox"]),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Label:
    """Everything known about one rendered image."""

    image_id: int
    image: str  # file name of the image, relative to the label's folder
    width: int
    height: int
    text: str
    params: dict[str, Any]  # the plan row, every column
    chars: tuple[Region, ...]
    words: tuple[Region, ...]
    line: Region
    label_schema_version: int = field(default=LABEL_SCHEMA_VERSION)

    def to_json(self) -> str:
        chars, words, line = _regions_as_dicts((*self.chars, *self.words, self.line), len(self.chars),
                                               len(self.words))
        return orjson.dumps(
            {
                "label_schema_version": self.label_schema_version,
                "image_id": self.image_id,
                "image": self.image,
                "width": self.width,
                "height": self.height,
                "text": self.text,
                "params": self.params,
                "chars": chars,
                "words": words,
                "line": line[0],
                # The seed system's field: one [x0, y0, x1, y1] box per character, as in `chars`.
                "bboxes": [c["bbox"] for c in chars],
            },
        ).decode("utf-8")

    @classmethod
    def from_json(cls, text: str) -> "Label":
        d = json.loads(text)
        return cls(
            image_id=int(d["image_id"]),
            image=d["image"],
            width=int(d["width"]),
            height=int(d["height"]),
            text=d["text"],
            params=d["params"],
            chars=tuple(Region.from_dict(c) for c in d["chars"]),
            words=tuple(Region.from_dict(w) for w in d["words"]),
            line=Region.from_dict(d["line"]),
            label_schema_version=int(d["label_schema_version"]),
        )


def round2(values: Sequence[float]) -> list[float]:
    """round(v, 2) of every value, hundreds at a time.

    rint(v * 100) / 100 is the same number as round(v, 2) unless v * 100 lies
    within a rounding error of a half: those few values go through round() itself.
    """
    a = np.array(values, np.float64)
    scaled = a * 100.0
    out = (np.rint(scaled) / 100.0).tolist()
    for i in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6).tolist():
        out[i] = round(values[i], 2)
    return out


def _regions_as_dicts(regions: Sequence[Region], *counts: int) -> list[list[dict[str, Any]]]:
    """The dicts of Region.to_dict() for every region, all the coordinates rounded in one pass, split
    into groups of `counts` regions and the rest."""
    polygons = list(chain.from_iterable(chain.from_iterable(r.polygon for r in regions)))
    values = iter(round2(polygons + list(chain.from_iterable(r.bbox for r in regions))))
    points = [[x, next(values)] for _, x in zip(range(len(polygons) // 2), values)]  # then the boxes follow
    dicts, taken = [], 0
    for r in regions:
        n = len(r.polygon)
        dicts.append({"text": r.text, "polygon": points[taken:taken + n],
                      "bbox": [next(values), next(values), next(values), next(values)]})
        taken += n
    groups, start = [], 0
    for count in (*counts, len(regions) - sum(counts)):
        groups.append(dicts[start:start + count])
        start += count
    return groups
