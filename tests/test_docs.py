"""The README's parameter and effect tables are the ones the declarations make (run this file to print them)."""

from __future__ import annotations

from pathlib import Path

from synthocr.schemas.reference import color_table, effects_table, range_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_range_table_matches_params() -> None:
    assert range_table() in README.read_text(encoding="utf-8"), (
        "README's range parameter table is out of date: replace it with the output of `python -m synthocr.schemas.reference`"
    )


def test_readme_effects_table_matches_declarations() -> None:
    assert effects_table() in README.read_text(encoding="utf-8"), (
        "README's effects table is out of date: replace it with the output of `python -m synthocr.schemas.reference`"
    )


def test_readme_color_table_matches_declarations() -> None:
    assert color_table() in README.read_text(encoding="utf-8"), (
        "README's colour table is out of date: replace it with the output of `python -m synthocr.schemas.reference`"
    )


if __name__ == "__main__":
    from runpy import run_path

    from synthocr.schemas.reference import __file__ as reference

    run_path(reference, run_name="__main__")
