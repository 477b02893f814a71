"""The sampled range parameters, declared once for config fields, plan columns and samplers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RangeParam:
    """A parameter configured as `<name>_min` / `<name>_max` and stored as plan column(s).

    `neutral` is the value at which the effect does nothing ("not applied");
    `bounds` are the values any config may ask for. An effect (one of
    EFFECT_PARAMS) also has `<name>_probability`: the share of rows it is applied
    to; the others get the neutral value. `probability` is its default: 1 (every
    row) for effects that are off unless a config asks for them, less for the mild
    effects on by default, so that a default batch holds clean images as well as
    degraded ones.
    """

    name: str
    dtype: str  # "float32", "int16" or "uint8": the Arrow / numpy type of the column
    default: tuple[float, float]
    bounds: tuple[float, float]
    unit: str
    doc: str
    neutral: float | None = None
    columns: tuple[str, ...] = ()  # more than one column sampled from the same range
    probability: float = 1.0  # effects only: default share of rows the effect is applied to

    @property
    def column_names(self) -> tuple[str, ...]:
        return self.columns or (self.name,)

    @property
    def is_int(self) -> bool:
        return self.dtype != "float32"


INF = float("inf")

# Layout and colour parameters: every row has them, there is no neutral value.
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
    RangeParam("ink_gray", "uint8", (0, 70), (0, 255), "0-255", "grey level of the ink before tint"),
    RangeParam("background_gray", "uint8", (185, 255), (0, 255), "0-255", "grey level of the background before tint"),
    RangeParam(
        "color_tint",
        "uint8",
        (0, 20),
        (0, 255),
        "0-255",
        "largest per-channel offset added to ink and background grey (0 = pure grey)",
        neutral=0,
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

# Effect parameters, in the order the renderer applies them. Neutral = not applied.
EFFECT_PARAMS: tuple[RangeParam, ...] = (
    RangeParam(
        "glyph_overlap_intensity",
        "float32",
        (0.0, 0.05),
        (0.0, 1.0),
        "fraction of font size",
        "space removed between neighbouring characters (0 = normal spacing, kerning kept)",
        neutral=0.0,
        probability=0.5,
    ),
    RangeParam(
        "curvature_arc",
        "float32",
        (-0.02, 0.02),
        (-0.3, 0.3),
        "fraction of line length",
        "text along a circular arc: sagitta of the bent line (> 0 bends the ends up, < 0 down)",
        neutral=0.0,
        probability=0.3,
    ),
    RangeParam(
        "curvature_sine",
        "float32",
        (0.0, 0.0),
        (0.0, 1.0),
        "fraction of line height",
        "text along a sine wave of this amplitude (wavelength 0.6-1.5 line lengths, random phase)",
        neutral=0.0,
    ),
    RangeParam(
        "elastic_amplitude",
        "float32",
        (0.0, 0.02),
        (0.0, 0.15),
        "fraction of line height",
        "largest displacement of a smooth random wave distortion (wavelengths of 2-6 line heights)",
        neutral=0.0,
        probability=0.3,
    ),
    RangeParam(
        "perspective_warp_magnitude",
        "float32",
        (0.0, 0.02),
        (0.0, 0.3),
        "fraction of text size",
        "largest displacement of each corner of the text for a perspective warp",
        neutral=0.0,
        probability=0.5,
    ),
    RangeParam(
        "rotation_angle",
        "float32",
        (-3.0, 3.0),
        (-180.0, 180.0),
        "degrees",
        "counter-clockwise rotation of the text",
        neutral=0.0,
        probability=0.5,
    ),
    RangeParam(
        "crop_fraction",
        "float32",
        (0.0, 0.0),
        (0.0, 0.5),
        "fraction of line height",
        "largest cut into the text's box on each side, after padding (may cut characters)",
        neutral=0.0,
    ),
    RangeParam(
        "ink_bleed_radius",
        "float32",
        (0.0, 0.8),
        (0.0, 20.0),
        "pixels",
        "radius by which the ink spreads into the paper",
        neutral=0.0,
        probability=0.3,
    ),
    RangeParam(
        "lighting_strength",
        "float32",
        (0.0, 0.2),
        (0.0, 0.9),
        "fraction of brightness",
        "uneven lighting: the darkest spot of a smooth shading or shadow is this much darker",
        neutral=0.0,
        probability=0.3,
    ),
    RangeParam(
        "contrast_factor",
        "float32",
        (0.85, 1.0),
        (0.0, 5.0),
        "factor",
        "contrast about mid-grey (1 = unchanged, < 1 faded, > 1 harsher)",
        neutral=1.0,
        probability=0.5,
    ),
    RangeParam(
        "brightness_offset",
        "float32",
        (-10.0, 10.0),
        (-255.0, 255.0),
        "grey levels",
        "added to every pixel and channel (0 = unchanged)",
        neutral=0.0,
        probability=0.5,
    ),
    RangeParam(
        "motion_blur_length",
        "float32",
        (0.0, 0.0),
        (0.0, 50.0),
        "pixels",
        "length of a straight camera-shake streak, in a random direction",
        neutral=0.0,
    ),
    RangeParam(
        "blur_radius",
        "float32",
        (0.0, 0.8),
        (0.0, 50.0),
        "pixels",
        "gaussian blur radius",
        neutral=0.0,
        probability=0.3,
    ),
    RangeParam(
        "downscale_factor",
        "float32",
        (1.0, 1.0),
        (1.0, 8.0),
        "factor",
        "image shrunk by this factor and enlarged back, losing detail (1 = unchanged)",
        neutral=1.0,
    ),
    RangeParam(
        "noise_sigma",
        "float32",
        (0.0, 8.0),
        (0.0, 255.0),
        "grey levels",
        "standard deviation of additive gaussian pixel noise",
        neutral=0.0,
        probability=0.3,
    ),
    RangeParam(
        "salt_pepper_amount",
        "float32",
        (0.0, 0.0),
        (0.0, 0.5),
        "fraction of pixels",
        "share of pixels set to pure black or white (impulse noise)",
        neutral=0.0,
    ),
    RangeParam(
        "jpeg_quality",
        "int16",
        (0, 0),
        (0, 100),
        "JPEG quality",
        "JPEG compression artifacts at this quality, 1-100 (0 = not applied)",
        neutral=0,
    ),
)

RANGE_PARAMS: tuple[RangeParam, ...] = LAYOUT_PARAMS + EFFECT_PARAMS
# The parameters with an `<name>_probability` config field: the effects (not colour tint, whose
# neutral value only means "pure grey").
EFFECT_NAMES: frozenset[str] = frozenset(p.name for p in EFFECT_PARAMS)
PARAMS_BY_NAME: dict[str, RangeParam] = {p.name: p for p in RANGE_PARAMS}

# Procedural background kinds; "image" crops a file from the background dir.
BACKGROUND_KINDS: tuple[str, ...] = ("plain", "noise", "paper", "gradient", "image")
TEXT_DIRECTIONS: tuple[str, ...] = ("ltr", "rtl", "ttb")
