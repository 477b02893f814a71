"""The two kinds of declaration every sampled value comes from: a range parameter, and an effect made of them."""

from __future__ import annotations

from dataclasses import dataclass

# Where in the pipeline an effect runs, in this order (see renderer/effects/__init__.py):
# layout spacing, text styles (rules, weight and colour of words, stroke and shadow layers), geometric
# warps of the text's frame, cuts of the image frame, ink-mask effects,
# marks on the page under the ink, marks over the ink, then pixel effects on the composed image.
STAGES: tuple[str, ...] = ("layout", "style", "geometric", "frame", "mask", "page", "overlay", "image")


@dataclass(frozen=True)
class RangeParam:
    """A parameter configured as `<name>_min` / `<name>_max` and stored as plan column(s).

    `neutral` is the value an effect's parameter holds in rows the effect is not
    applied to (for an effect's first parameter, its strength, the value at which
    it does nothing); `bounds` are the values any config may ask for.
    """

    name: str
    dtype: str  # "float32", "int16" or "uint8": the Arrow / numpy type of the column
    default: tuple[float, float]
    bounds: tuple[float, float]
    unit: str
    doc: str
    neutral: float | None = None
    columns: tuple[str, ...] = ()  # more than one column sampled from the same range

    @property
    def column_names(self) -> tuple[str, ...]:
        return self.columns or (self.name,)

    @property
    def is_int(self) -> bool:
        return self.dtype != "float32"


@dataclass(frozen=True)
class Effect:
    """One effect, declared once: its stage, its default share of rows, and its named parameters.

    The first parameter is the effect's strength and names it: the config's
    `<name>_probability` is the share of rows it is applied to, and its neutral
    value means "not applied". The other parameters say how (a direction, a
    phase, a kind); in rows the effect skips, every parameter holds its neutral
    value. Every parameter is a plan column, so every value that changes the
    look can be read, filtered and set per row; only high-dimensional texture
    (noise fields, elastic waves, grain) is drawn by the renderer from the row's
    seed, keyed by the effect's name.
    """

    stage: str
    probability: float  # default share of rows the effect is applied to (1: off unless a range asks for it)
    params: tuple[RangeParam, ...]
    doc: str  # what it does, in a sentence (the effects table of the docs)

    @property
    def name(self) -> str:
        return self.params[0].name

    @property
    def strength(self) -> RangeParam:
        return self.params[0]

    @property
    def neutral(self) -> float:
        return float(self.params[0].neutral)  # type: ignore[arg-type]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(col for p in self.params for col in p.column_names)
