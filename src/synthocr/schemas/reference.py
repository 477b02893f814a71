"""The config reference tables of the docs, made from the declarations (`python -m synthocr.schemas.reference`).

`python docs/generate.py` writes them into the docs pages between `<!-- BEGIN generated: NAME -->` markers;
tests/test_docs.py fails while a page differs from what the declarations make.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, Field, fields
from typing import Any

from synthocr.schemas.colors import (
    BACKGROUND_COLORS,
    DARK_BACKGROUND,
    DEFAULT_BACKGROUND_COLOR_WEIGHTS,
    DEFAULT_INK_COLOR_WEIGHTS,
    INK_COLORS,
    Palette,
)
from synthocr.schemas.config import BatchConfig, BatchSpecification
from synthocr.schemas.field_docs import CONFIG_FIELD_DOCS, SPEC_FIELD_DOCS
from synthocr.schemas.params import EFFECTS, LAYOUT_PARAMS, RANGE_PARAMS, RangeParam


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


# Rows of the specification table that stand for the generated range fields, and what their default column says.
_RANGE_ROWS = {"<param>_min, <param>_max": "see tables", "<effect>_probability": "see [Effects](effects.md)"}
_SPECIAL_DEFAULTS = {"specifications": "one spec named `default`"}


def _yaml(value: Any) -> str:
    """A default as it would be written in the YAML config (flow style)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value if value and value.replace("_", "").isalnum() else json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_num(v) if isinstance(v, float) else _yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    raise TypeError(f"no YAML form for the default {value!r}")


def _default(f: Field[Any]) -> Any:
    if f.default is not MISSING:
        return f.default
    assert f.default_factory is not MISSING, f"field {f.name} has no default"
    return f.default_factory()


def _range_field_names() -> set[str]:
    names = {f"{p.name}_{end}" for p in RANGE_PARAMS for end in ("min", "max")}
    return names | {f"{e.name}_probability" for e in EFFECTS}


def _fields_table(cls: type, docs: dict[str, str]) -> str:
    by_name = {f.name: f for f in fields(cls)}
    lines = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for key, doc in docs.items():
        names = key.split(", ")
        if key in _RANGE_ROWS:
            lines.append(f"| {', '.join(f'`{n}`' for n in names)} | | {_RANGE_ROWS[key]} | {doc} |")
            continue
        types = sorted({str(by_name[n].type) for n in names})
        default = _SPECIAL_DEFAULTS.get(key) or ", ".join(f"`{_yaml(_default(by_name[n]))}`" for n in names)
        lines.append(f"| {', '.join(f'`{n}`' for n in names)} | {', '.join(types)} | {default} | {doc} |")
    return "\n".join(lines)


def config_fields_table() -> str:
    """The Markdown table of the top-level config fields (BatchConfig), with what CONFIG_FIELD_DOCS says."""
    return _fields_table(BatchConfig, CONFIG_FIELD_DOCS)


def spec_fields_table() -> str:
    """The Markdown table of the specification fields (BatchSpecification) other than the range fields."""
    return _fields_table(BatchSpecification, SPEC_FIELD_DOCS)


def field_doc_problems() -> list[str]:
    """Fields of the config dataclasses without a row in field_docs, and rows that name no field."""
    problems = []
    for cls, docs, skip in (
        (BatchConfig, CONFIG_FIELD_DOCS, set()),
        (BatchSpecification, SPEC_FIELD_DOCS, _range_field_names()),
    ):
        declared = {f.name for f in fields(cls)} - skip
        documented = {n for key in docs if key not in _RANGE_ROWS for n in key.split(", ")}
        problems += [f"{cls.__name__}.{n} has no entry in schemas/field_docs.py" for n in sorted(declared - documented)]
        problems += [
            f"schemas/field_docs.py documents {n}, which {cls.__name__} lacks" for n in sorted(documented - declared)
        ]
    return problems


if __name__ == "__main__":
    print("Range parameters:\n")
    print(range_table())
    print("\nColours:\n")
    print(color_table())
    print("\nEffects:\n")
    print(effects_table())
    print("\nConfig fields:\n")
    print(config_fields_table())
    print("\nSpecification fields:\n")
    print(spec_fields_table())
