"""The label written next to every image: the row's parameters plus exact geometry."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple

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
        return {
            "text": self.text,
            "polygon": [[round(x, 2), round(y, 2)] for x, y in self.polygon],
            "bbox": [round(v, 2) for v in self.bbox],
        }

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
        return json.dumps(
            {
                "label_schema_version": self.label_schema_version,
                "image_id": self.image_id,
                "image": self.image,
                "width": self.width,
                "height": self.height,
                "text": self.text,
                "params": self.params,
                "chars": [c.to_dict() for c in self.chars],
                "words": [w.to_dict() for w in self.words],
                "line": self.line.to_dict(),
                # The seed system's field: one [x0, y0, x1, y1] box per character, as in `chars`.
                "bboxes": [[round(v, 2) for v in c.bbox] for c in self.chars],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

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
