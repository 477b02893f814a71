"""The config reference tables of the docs, made from the declarations (`python -m synthocr.schemas.reference`)."""

from __future__ import annotations

from synthocr.schemas.colors import (
    BACKGROUND_COLORS,
    DARK_BACKGROUND,
    DEFAULT_BACKGROUND_COLOR_WEIGHTS,
    DEFAULT_INK_COLOR_WEIGHTS,
    INK_COLORS,
    Palette,
)
from synthocr.schemas.params import EFFECTS, LAYOUT_PARAMS, RangeParam


def _num(v: float) -> str:
    return f"{v:g}"


def _columns(p: RangeParam) -> str:
    return ", ".join(f"`{c}`" for c in p.column_names) + f" ({p.dtype})"


def range_table() -> str:
    """The Markdown table of the layout and colour range parameters (every row has them)."""
    lines = [
        "| parameter (`_min` / `_max`) | plan column(s) (type) | unit | default | allowed | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for p in LAYOUT_PARAMS:
        lines.append(
            f"| `{p.name}` | {_columns(p)} | {p.unit} | {_num(p.default[0])} … {_num(p.default[1])} "
            f"| {_num(p.bounds[0])} … {_num(p.bounds[1])} | {p.doc} |"
        )
    return "\n".join(lines)


def effects_table() -> str:
    """The Markdown table of every effect, in the order the renderer runs them, one line per parameter.

    The first parameter of an effect is its strength; its row names the effect's stage and the default of
    `<effect>_probability`, the share of rows it is applied to.
    """
    lines = [
        "| stage | effect: applied to (`_probability`) | parameter (`_min` / `_max`) | plan column(s) (type) "
        "| unit | default | allowed | neutral | meaning |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for e in EFFECTS:
        for k, p in enumerate(e.params):
            head = f"| {e.stage} | **{e.name}**: {e.probability:.0%} of rows " if k == 0 else "| | "
            lines.append(
                f"{head}| `{p.name}` | {_columns(p)} | {p.unit} | {_num(p.default[0])} … {_num(p.default[1])} "
                f"| {_num(p.bounds[0])} … {_num(p.bounds[1])} | {_num(p.neutral)} | {p.doc} |"  # type: ignore[arg-type]
            )
    return "\n".join(lines)


def _range(lo: float, hi: float) -> str:
    return _num(lo) if lo == hi else f"{_num(lo)} … {_num(hi)}"


def color_table() -> str:
    """The Markdown table of the ink colour modes and background palettes, with their CIE L*C*h boxes."""
    lines = [
        "| weights field | name | default weight | L* | C* | h (degrees) | what it looks like |",
        "|---|---|---|---|---|---|---|",
    ]
    groups: list[tuple[str, tuple[Palette, ...], dict[str, float]]] = [
        ("`ink_color_weights`", INK_COLORS, DEFAULT_INK_COLOR_WEIGHTS),
        ("`background_color_weights`", BACKGROUND_COLORS, DEFAULT_BACKGROUND_COLOR_WEIGHTS),
        ("(under light ink)", (DARK_BACKGROUND,), {}),
    ]
    for field, palettes, weights in groups:
        for palette in palettes:
            weight = _num(weights[palette.name]) if palette.name in weights else "—"
            for k, box in enumerate(palette.boxes):
                head = f"| {field} | `{palette.name}` | {weight} " if k == 0 else "| | | "
                doc = palette.doc if k == 0 else ""
                lines.append(f"{head}| {_range(*box.lightness)} | {_range(*box.chroma)} | {_range(*box.hue)} | {doc} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print("Range parameters:\n")
    print(range_table())
    print("\nColours:\n")
    print(color_table())
    print("\nEffects:\n")
    print(effects_table())
