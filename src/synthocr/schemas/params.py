"""The sampled range parameters and the effects, declared once for config fields, plan columns and samplers."""

from __future__ import annotations

from synthocr.schemas.declarations import STAGES, Effect, RangeParam
from synthocr.schemas.effects import EFFECTS

__all__ = [
    "BACKGROUND_KINDS",
    "EFFECTS",
    "EFFECTS_BY_NAME",
    "EFFECT_NAMES",
    "EFFECT_PARAMS",
    "LAYOUT_PARAMS",
    "PARAMS_BY_NAME",
    "RANGE_PARAMS",
    "STAGES",
    "TEXT_DIRECTIONS",
    "VERTICAL_DIRECTIONS",
    "CONFIG_DIRECTIONS",
    "COMBINE_UPRIGHT_MAX",
    "Effect",
    "RangeParam",
]

# Layout and background parameters: every row has them, there is no neutral value. (Colours are drawn
# from the palettes of schemas/colors.py.)
LAYOUT_PARAMS: tuple[RangeParam, ...] = (
    RangeParam("font_size", "int16", (28, 44), (1, 1000), "pixels", "em size of the font"),
    RangeParam(
        "padding",
        "int16",
        (4, 16),
        (0, 10_000),
        "pixels",
        "margin between the text's bounds and the image edge, sampled per side",
        columns=("padding_top", "padding_right", "padding_bottom", "padding_left"),
    ),
    RangeParam(
        "background_texture",
        "float32",
        (0.6, 1.4),
        (0.0, 4.0),
        "x default strength",
        "strength of a procedural background's texture: paper blotches and fibres, noise grain, gradient "
        "depth (1 = 7 grey levels of blotches, grain sigma 6, 20% darker gradient side; 0 = flat colour)",
    ),
    RangeParam(
        "background_angle",
        "float32",
        (0.0, 360.0),
        (0.0, 360.0),
        "degrees",
        "direction in which a gradient background darkens",
    ),
    RangeParam(
        "background_scale",
        "float32",
        (1.0, 1.5),
        (1.0, 8.0),
        "x covering size",
        "zoom of a background image before cropping (1 = the smallest size that covers the text image)",
    ),
)

# Every parameter of every effect, in the order the effects run (EFFECTS, schemas/effects.py).
EFFECT_PARAMS: tuple[RangeParam, ...] = tuple(p for e in EFFECTS for p in e.params)
RANGE_PARAMS: tuple[RangeParam, ...] = LAYOUT_PARAMS + EFFECT_PARAMS
# The effects, by the name of their strength parameter: each has an `<name>_probability` config field
# (colour tint has none: its neutral value only means "pure grey").
EFFECT_NAMES: frozenset[str] = frozenset(e.name for e in EFFECTS)
EFFECTS_BY_NAME: dict[str, Effect] = {e.name: e for e in EFFECTS}
PARAMS_BY_NAME: dict[str, RangeParam] = {p.name: p for p in RANGE_PARAMS}

# Procedural background kinds; "image" crops a file from the background dir.
BACKGROUND_KINDS: tuple[str, ...] = ("plain", "noise", "paper", "gradient", "image")
# A plan row's: the renderer's paragraph directions. "ttb" sets every letter upright in its column; "ttb-mixed"
# turns runs of horizontal scripts (Latin, Cyrillic, digits after them...) sideways, as Chinese and Japanese
# books and CSS's text-orientation: mixed do, and keeps the scripts written in columns (Han, kana, Hangul) upright.
TEXT_DIRECTIONS: tuple[str, ...] = ("ltr", "rtl", "ttb", "ttb-mixed")
VERTICAL_DIRECTIONS: frozenset[str] = frozenset({"ttb", "ttb-mixed"})
# A config's: "auto" is resolved per row at planning, from the text (planner/directions.py).
CONFIG_DIRECTIONS: tuple[str, ...] = (*TEXT_DIRECTIONS, "auto")
# The longest run of digits a vertical line may set upright in one em (tate-chu-yoko, renderer/upright.py): CSS's
# `text-combine-upright: digits N` takes N up to 4, and the font's quarter-width forms fit 4 in an em.
COMBINE_UPRIGHT_MAX = 4
# How a row's text is cased before it is drawn (planner/text_case.py): as the source has it, all capitals,
# all small letters, or each word capitalised.
TEXT_CASES: tuple[str, ...] = ("as_is", "upper", "lower", "title")
