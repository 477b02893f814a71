"""Ink colour modes and background palettes, declared once: boxes in CIE L*C*h that colours are drawn from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ColorBox:
    """Colours drawn uniformly in lightness L* (0-100), chroma C* and hue h (degrees; a range may wrap past 360)."""

    lightness: tuple[float, float]
    chroma: tuple[float, float]
    hue: tuple[float, float] = (0.0, 360.0)


@dataclass(frozen=True)
class Palette:
    """A named family of colours: one of its boxes is picked with equal chance, then a colour inside it.

    `light` marks ink meant to be lighter than its background (light on dark); every other ink is
    darker than its background, and the contrast guard keeps it so.
    """

    name: str
    boxes: tuple[ColorBox, ...]
    doc: str
    light: bool = False


INK_COLORS: tuple[Palette, ...] = (
    Palette("dark", (ColorBox((4.0, 30.0), (0.0, 6.0)),), "black to dark grey print, a slight tint at most"),
    Palette(
        "colored",
        (ColorBox((22.0, 45.0), (25.0, 55.0)),),
        "coloured print: navy, maroon, forest green, purple, teal, brown",
    ),
    Palette("pen_blue", (ColorBox((22.0, 42.0), (45.0, 75.0), (280.0, 298.0)),), "blue ballpoint or gel pen"),
    Palette("pen_black", (ColorBox((8.0, 22.0), (2.0, 12.0), (240.0, 300.0)),), "black pen: a bluish black"),
    Palette("pen_red", (ColorBox((38.0, 52.0), (55.0, 75.0), (25.0, 40.0)),), "red pen"),
    Palette(
        "stamp",
        (
            ColorBox((35.0, 50.0), (45.0, 70.0), (20.0, 40.0)),  # red
            ColorBox((30.0, 45.0), (40.0, 65.0), (290.0, 320.0)),  # blue-violet
            ColorBox((35.0, 50.0), (35.0, 50.0), (140.0, 170.0)),  # green
        ),
        "rubber-stamp inks: red, blue-violet, green",
    ),
    Palette("light_on_dark", (ColorBox((88.0, 100.0), (0.0, 10.0)),), "white or pale text on a dark ground", True),
)

BACKGROUND_COLORS: tuple[Palette, ...] = (
    Palette("white", (ColorBox((93.0, 99.0), (0.0, 3.0)),), "white paper"),
    Palette("cream", (ColorBox((88.0, 96.0), (5.0, 16.0), (70.0, 95.0)),), "cream or yellowed paper"),
    Palette("gray", (ColorBox((72.0, 90.0), (0.0, 4.0)),), "grey paper, recycled or photocopied"),
    Palette("pastel", (ColorBox((85.0, 94.0), (8.0, 22.0)),), "coloured paper and forms: pink, blue, green, yellow"),
    Palette("kraft", (ColorBox((58.0, 74.0), (16.0, 28.0), (62.0, 80.0)),), "brown kraft paper and cardboard"),
)
# The ground of light ink (the `light` ink palettes): not in `background_color_weights`, used for them alone.
DARK_BACKGROUND = Palette("dark", (ColorBox((6.0, 28.0), (0.0, 35.0)),), "dark ground under light text")

INK_COLOR_NAMES: tuple[str, ...] = tuple(p.name for p in INK_COLORS)
BACKGROUND_COLOR_NAMES: tuple[str, ...] = (*(p.name for p in BACKGROUND_COLORS), DARK_BACKGROUND.name)
LIGHT_INKS: frozenset[str] = frozenset(p.name for p in INK_COLORS if p.light)

DEFAULT_INK_COLOR_WEIGHTS: dict[str, float] = {
    "dark": 10.0,
    "colored": 1.0,
    "pen_blue": 1.0,
    "pen_black": 0.5,
    "pen_red": 0.3,
    "stamp": 0.3,
    "light_on_dark": 0.4,
}
DEFAULT_BACKGROUND_COLOR_WEIGHTS: dict[str, float] = {
    "white": 4.0,
    "cream": 3.0,
    "gray": 2.0,
    "pastel": 1.0,
    "kraft": 0.5,
}
DEFAULT_MIN_CONTRAST = 3.0  # WCAG 2 contrast ratio (1 to 21): 3 is its floor for large text, 4.5 for body text
