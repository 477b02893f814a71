"""The README's range-parameter table is the one params.py declares (run this file to print it)."""

from __future__ import annotations

from pathlib import Path

from synthocr.schemas.params import EFFECT_NAMES, RANGE_PARAMS

README = Path(__file__).resolve().parents[1] / "README.md"


def _num(v: float) -> str:
    return f"{v:g}"


def range_table() -> str:
    """The Markdown table of every range parameter, as the README shows it."""
    lines = [
        "| parameter (`_min` / `_max`) | plan column(s) (type) | unit | default | allowed | neutral "
        "| applied to (`_probability`) | meaning |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for p in RANGE_PARAMS:
        columns = ", ".join(f"`{c}`" for c in p.column_names)
        neutral = "—" if p.neutral is None else _num(p.neutral)
        share = f"{p.probability:.0%} of rows" if p.name in EFFECT_NAMES else "—"
        lines.append(
            f"| `{p.name}` | {columns} ({p.dtype}) | {p.unit} | {_num(p.default[0])} … {_num(p.default[1])} "
            f"| {_num(p.bounds[0])} … {_num(p.bounds[1])} | {neutral} | {share} | {p.doc} |"
        )
    return "\n".join(lines)


def test_readme_range_table_matches_params() -> None:
    assert range_table() in README.read_text(encoding="utf-8"), (
        "README's range parameter table is out of date: replace it with the output of `python tests/test_docs.py`"
    )


if __name__ == "__main__":
    print(range_table())
