"""The batch config: OmegaConf structured dataclasses describing the YAML."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, make_dataclass
from pathlib import Path
from typing import Any

from synthocr.schemas.params import EFFECT_NAMES, RANGE_PARAMS


def _range_fields() -> list[tuple[str, type, Any]]:
    out: list[tuple[str, type, Any]] = []
    for p in RANGE_PARAMS:
        typ = int if p.is_int else float
        out.append((f"{p.name}_min", typ, field(default=typ(p.default[0]))))
        out.append((f"{p.name}_max", typ, field(default=typ(p.default[1]))))
        if p.name in EFFECT_NAMES:
            out.append((f"{p.name}_probability", float, field(default=float(p.probability))))
    return out


def _default_backgrounds() -> dict[str, float]:
    return {"plain": 1.0, "noise": 1.0, "paper": 2.0, "gradient": 1.0, "image": 1.0}


# One specification of a batch: what to write, with which fonts, and every range.
# The range fields (`<param>_min` / `<param>_max`, and `<effect>_probability`) come from schemas/params.py.
BatchSpecification = make_dataclass(
    "BatchSpecification",
    [
        ("name", str, field(default="default")),
        ("proportion", float, field(default=1.0)),
        ("text_direction", str, field(default="ltr")),
        ("text_direction_weights", dict[str, float], field(default_factory=dict)),
        ("corpus_file", str, field(default="*.txt")),
        ("corpus_mode", str, field(default="running")),
        ("font_filter", str, field(default="*")),
        ("min_text_length", int, field(default=5)),
        ("max_text_length", int, field(default=40)),
        ("background_weights", dict[str, float], field(default_factory=_default_backgrounds)),
        ("background_dir_weights", dict[str, float], field(default_factory=dict)),
        *_range_fields(),
    ],
)
BatchSpecification.__module__ = __name__
BatchSpecification.__doc__ = (
    "One kind of image in a batch: its share, text source, fonts and the range of every parameter."
)


@dataclass
class BatchConfig:
    """A whole batch: how many images, the seed, where the assets are, and the specifications.

    Asset dirs left empty use the fonts, corpus and (procedural) backgrounds
    shipped with the package.
    """

    total_images: int = 1000
    seed: int = 0
    font_dir: str = ""
    corpus_dir: str = ""
    background_dir: str = ""
    background_dirs: dict[str, str] = field(default_factory=dict)  # more image sources, by name
    color_mode: str = "RGB"  # "RGB" or "L"
    specifications: list[BatchSpecification] = field(  # type: ignore[valid-type]
        default_factory=lambda: [BatchSpecification()]
    )

    @classmethod
    def from_yaml(cls, path: str | Path, overrides: list[str] | None = None) -> BatchConfig:
        """Load a YAML config with `key=value` overrides, validated (raises ConfigError listing every problem).

        Validation needs the assets, which the planner owns, so it is imported here
        at call time rather than making schemas depend on the planner.
        """
        from synthocr.planner.validation import load_config

        return load_config(path, overrides or [])


SPEC_FIELDS: dict[str, type] = {f.name: f.type for f in fields(BatchSpecification)}
CONFIG_FIELDS: dict[str, Any] = {f.name: f.type for f in fields(BatchConfig)}
