"""The label written next to every image: the row's parameters plus exact geometry."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice, repeat
from typing import Any, NamedTuple

import numpy as np
import orjson

# 2: `appearance` (the ink drawn, its measured contrast, the background's fade).
# 3: `plan_fingerprint` and `image_sha256` (what makes an output finished, renderer.finished).
# 4: the line's `baseline`.
LABEL_SCHEMA_VERSION = 4

Point = tuple[float, float]


class Region(NamedTuple):
    """A character (grapheme cluster), word or line: its text, polygon and clipped bbox.

    Coordinates are final image pixels, x to the right, y down. A character
    polygon has 4 points (top-left, top-right, bottom-right, bottom-left of the
    text's own frame), and so has a word's unless a curved warp bends it; a line
    polygon, and a bent word's, have more (top edge, then bottom edge back), so
    they follow curved text. (A named tuple, not a dataclass:
    every image makes dozens, and tuples are several times cheaper to make.)
    """

    text: str
    polygon: tuple[Point, ...]
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1, clipped to the image

    def to_dict(self) -> dict[str, Any]:
        """{"text", "polygon": [[x, y], ...], "bbox": [x0, y0, x1, y1]}, coordinates rounded to 0.01."""
        values = round2([*chain.from_iterable(self.polygon), *self.bbox])
        n = 2 * len(self.polygon)
        return {"text": self.text, "polygon": [values[i : i + 2] for i in range(0, n, 2)], "bbox": values[n:]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Region:
        return cls(
            text=d["text"],
            polygon=tuple((float(x), float(y)) for x, y in d["polygon"]),
            bbox=tuple(float(v) for v in d["bbox"]),  # type: ignore[arg-type]
        )


class Regions:
    """Every region of a label (characters, words, then the line) as two arrays: all polygon points,
    4 per character, then each word's (4, or `word_sizes[i]` where a curved warp bends the words), then
    the line's; and one clipped bbox per region; and the line's baseline (none in labels older than
    version 4).

    The renderer makes the arrays in a few numpy passes and the JSON is written from them; the
    Region tuples of `chars`, `words` and `line` are made only when asked for (a line holds a few
    hundred points, and tuples of them cost more than the rest of its label).
    """

    __slots__ = ("texts", "n_chars", "n_words", "points", "bboxes", "baseline", "word_sizes", "_tuples")

    def __init__(
        self,
        texts: Sequence[str],
        n_chars: int,
        n_words: int,
        points: np.ndarray,
        bboxes: np.ndarray,
        baseline: np.ndarray | None = None,
        word_sizes: Sequence[int] | None = None,
    ) -> None:
        n = n_chars + n_words
        sizes = None if word_sizes is None or all(k == 4 for k in word_sizes) else tuple(word_sizes)
        if (
            len(texts) != n + 1
            or bboxes.shape != (n + 1, 4)
            or points.ndim != 2
            or points.shape[1] != 2
            or len(points) < 4 * n_chars + (4 * n_words if sizes is None else sum(sizes)) + 1
            or (sizes is not None and (len(sizes) != n_words or min(sizes) < 4))
        ):
            raise ValueError(
                f"{n_chars} characters and {n_words} words need {n + 1} texts and bboxes and "
                f"4 points each (a word at least 4) plus the line's, not {len(texts)} texts, "
                f"bboxes of shape {bboxes.shape}, points of shape {points.shape} and word sizes {word_sizes}"
            )
        baseline = _NO_POINTS if baseline is None else baseline
        if baseline.ndim != 2 or baseline.shape[1] != 2 or len(baseline) == 1:
            raise ValueError(f"a baseline has 0 or at least 2 points (x, y), not shape {baseline.shape}")
        self.texts = tuple(texts)
        self.n_chars, self.n_words = n_chars, n_words
        self.word_sizes = sizes  # None: every word has 4 points
        # Read-only views: the tuples made from them stay true.
        self.points, self.bboxes, self.baseline = points.view(), bboxes.view(), baseline.view()
        self.points.flags.writeable = self.bboxes.flags.writeable = self.baseline.flags.writeable = False
        self._tuples: tuple[tuple[Region, ...], tuple[Region, ...], Region] | None = None

    @classmethod
    def from_regions(
        cls, chars: Sequence[Region], words: Sequence[Region], line: Region, baseline: Sequence[Point] = ()
    ) -> Regions:
        """The arrays of Region tuples (read from JSON, say): each character polygon has 4 points, each word's
        at least 4."""
        for r in chars:
            if len(r.polygon) != 4:
                raise ValueError(f"the polygon of character {r.text!r} has {len(r.polygon)} points, not 4")
        for r in words:
            if len(r.polygon) < 4:
                raise ValueError(f"the polygon of word {r.text!r} has {len(r.polygon)} points, not 4 or more")
        quads = [*chars, *words]
        points = np.array([*chain.from_iterable(r.polygon for r in quads), *line.polygon], np.float64).reshape(-1, 2)
        bboxes = np.array([r.bbox for r in (*quads, line)], np.float64).reshape(-1, 4)
        line_points = np.array(baseline, np.float64).reshape(-1, 2)
        sizes = [len(r.polygon) for r in words]
        regions = cls([r.text for r in (*quads, line)], len(chars), len(words), points, bboxes, line_points, sizes)
        regions._tuples = (tuple(chars), tuple(words), line)
        return regions

    def _regions(self) -> tuple[tuple[Region, ...], tuple[Region, ...], Region]:
        if self._tuples is None:
            # Tuples made by zip and map, not by a Python loop per region.
            points = iter(self.points.ravel().tolist())
            pairs = iter(list(zip(points, points)))  # (x, y) of every point, in order
            polygons: Iterator[tuple[Point, ...]] = zip(pairs, pairs, pairs, pairs)  # 4 at a time for the quads
            bboxes = map(tuple, self.bboxes.tolist())
            n, quads = self.n_chars, self.n_chars + self.n_words
            if self.word_sizes is not None:  # curved words: their own number of points each
                polygons = chain(
                    islice(polygons, n), (tuple(islice(pairs, k)) for k in self.word_sizes)
                )  # islice of the quads first, so that the words' points are taken only after the characters'
            regions = list(map(_new_tuple, repeat(Region), zip(self.texts[:quads], polygons, bboxes)))
            line = Region(self.texts[-1], tuple(pairs), next(bboxes))  # the line's are what is left
            self._tuples = (tuple(regions[:n]), tuple(regions[n:]), line)
        return self._tuples

    @property
    def chars(self) -> tuple[Region, ...]:
        return self._regions()[0]

    @property
    def words(self) -> tuple[Region, ...]:
        return self._regions()[1]

    @property
    def line(self) -> Region:
        return self._regions()[2]

    def baseline_points(self) -> list[list[float]]:
        """The baseline's points as [[x, y], ...], rounded to 0.01 as the polygons are."""
        return round2_array(self.baseline).tolist()

    def to_dicts(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
        """Region.to_dict() of the characters, the words and the line: rounded in one pass, nested by numpy."""
        quads = self.n_chars + self.n_words
        rounded = round2_array(self.points)
        if self.word_sizes is None:
            polygons = rounded[: 4 * quads].reshape(quads, 4, 2).tolist()
            polygons.append(rounded[4 * quads :].tolist())
        else:
            polygons = rounded[: 4 * self.n_chars].reshape(self.n_chars, 4, 2).tolist()
            start = 4 * self.n_chars
            for k in self.word_sizes:
                polygons.append(rounded[start : start + k].tolist())
                start += k
            polygons.append(rounded[start:].tolist())
        dicts = [
            {"text": t, "polygon": p, "bbox": b}
            for t, p, b in zip(self.texts, polygons, round2_array(self.bboxes).tolist())
        ]
        if len(self.baseline):
            dicts[quads]["baseline"] = self.baseline_points()
        return dicts[: self.n_chars], dicts[self.n_chars : quads], dicts[quads]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Regions):
            return NotImplemented
        return (
            (self.texts, self.n_chars, self.n_words, self.word_sizes)
            == (other.texts, other.n_chars, other.n_words, other.word_sizes)
            and np.array_equal(self.points, other.points)
            and np.array_equal(self.bboxes, other.bboxes)
            and np.array_equal(self.baseline, other.baseline)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Regions({self.n_chars} chars, {self.n_words} words, {len(self.points)} points)"


_NO_POINTS = np.empty((0, 2), np.float64)
_new_tuple = tuple.__new__  # a Region from its fields as one tuple, without the Python-level Region.__new__


@dataclass(frozen=True)
class Label:
    """Everything known about one rendered image."""

    image_id: int
    image: str  # file name of the image, relative to the label's folder
    width: int
    height: int
    text: str
    params: dict[str, Any]  # the plan row, every column
    regions: Regions  # chars, words and line
    label_schema_version: int = field(default=LABEL_SCHEMA_VERSION)
    # What the renderer measured and chose: {"ink": [r, g, b], "contrast": WCAG ratio, "background_fade": 0-1}.
    appearance: dict[str, Any] = field(default_factory=dict)
    plan_fingerprint: str = ""  # the plan's synthocr.plan_fingerprint; set when the output is written
    image_sha256: str = ""  # hex SHA-256 of the image file's bytes; set when the output is written

    @property
    def chars(self) -> tuple[Region, ...]:
        return self.regions.chars

    @property
    def words(self) -> tuple[Region, ...]:
        return self.regions.words

    @property
    def line(self) -> Region:
        return self.regions.line

    def to_json(self) -> str:
        chars, words, line = self.regions.to_dicts()
        return orjson.dumps(
            {
                "label_schema_version": self.label_schema_version,
                "image_id": self.image_id,
                "plan_fingerprint": self.plan_fingerprint,
                "image": self.image,
                "image_sha256": self.image_sha256,
                "width": self.width,
                "height": self.height,
                "text": self.text,
                "params": self.params,
                "appearance": self.appearance,
                "chars": chars,
                "words": words,
                "line": line,
                # The seed system's field: one [x0, y0, x1, y1] box per character, as in `chars`.
                "bboxes": [c["bbox"] for c in chars],
            },
        ).decode("utf-8")

    @classmethod
    def from_json(cls, text: str) -> Label:
        d = orjson.loads(text)
        return cls(
            image_id=int(d["image_id"]),
            image=d["image"],
            width=int(d["width"]),
            height=int(d["height"]),
            text=d["text"],
            params=d["params"],
            regions=Regions.from_regions(
                [Region.from_dict(c) for c in d["chars"]],
                [Region.from_dict(w) for w in d["words"]],
                Region.from_dict(d["line"]),
                d["line"].get("baseline", ()),  # absent before version 4
            ),
            label_schema_version=int(d["label_schema_version"]),
            appearance=d.get("appearance", {}),
            plan_fingerprint=d.get("plan_fingerprint", ""),  # absent before version 3
            image_sha256=d.get("image_sha256", ""),
        )


def round2(values: Sequence[float]) -> list[float]:
    """round(v, 2) of every value, hundreds at a time (see round2_array)."""
    return round2_array(np.array(values, np.float64)).tolist()


def round2_array(a: np.ndarray) -> np.ndarray:
    """round(v, 2) of every value of a float array, as a new array.

    rint(v * 100) / 100 is the same number as round(v, 2) unless v * 100 lies
    within a rounding error of a half: those few values go through round() itself.
    """
    scaled = a * 100.0
    out = np.rint(scaled) / 100.0
    near = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    if len(near):
        flat, source = out.reshape(-1), a.reshape(-1)
        for i in near.tolist():
            flat[i] = round(float(source[i]), 2)
    return out
