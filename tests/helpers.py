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


def outputs(out: Path) -> dict[str, bytes]:
    """Every image and label under `out`, by relative path (run bookkeeping left out)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith((".", "_"))
    }


def plan_and_render(root: Path, config: dict) -> tuple[Path, dict[str, bytes]]:
    """Plan `config` (a dict) under `root` and render it in one process: (plan path, reference outputs)."""
    import yaml

    from synthocr.cli import main

    cfg, plan, out = root / "c.yaml", root / "p.parquet", root / "ref"
    cfg.write_text(yaml.safe_dump(config))
    assert main(["plan", str(cfg), "-o", str(plan)]) == 0
    assert main(["render", str(plan), "-o", str(out), "--workers", "1", "--quiet"]) == 0
    return plan, outputs(out)
