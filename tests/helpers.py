"""Test helpers shared by several modules: copies of the built-in assets in a tmp dir."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from synthocr.assets import BUILTIN_DIRS


@dataclass(frozen=True)
class Assets:
    fonts: Path
    corpus: Path


def copy_builtin_assets(root: Path, font_names: Iterable[str] | None = None) -> Assets:
    """The built-in corpus and the named built-in fonts (all by default) copied under `root`."""
    fonts, corpus = root / "fonts", root / "corpus"
    fonts.mkdir()
    names = font_names if font_names is not None else [p.name for p in BUILTIN_DIRS["font"].glob("*.ttf")]
    for name in names:
        shutil.copy(BUILTIN_DIRS["font"] / name, fonts / name)
    shutil.copytree(BUILTIN_DIRS["corpus"], corpus)
    return Assets(fonts, corpus)
