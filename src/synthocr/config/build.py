"""Building a BatchConfig from type-checked plain data, and back, without OmegaConf's structured nodes.

OmegaConf's structured merge deep-copies a node per field of every specification (250 of them): about
20 ms a specification to load a config and 35 ms more to write it into the plan's metadata, most of the
planner's cost per specification. The values are already type-checked (config.load._check_types), so
building the dataclasses directly gives the same objects. Data that OmegaConf would treat specially (a
`${` to resolve or unescape, a key or list entry that is not a string) returns None here, and the caller
takes OmegaConf's path as before.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from synthocr.schemas.config import CONFIG_FIELDS, SPEC_FIELDS, BatchConfig, BatchSpecification

# Mappings that a config replaces whole (config.load), so their values stay as written.
REPLACED_MAPPINGS = ("background_weights", "ink_color_weights", "background_color_weights")


def build_config(clean: dict[str, Any]) -> BatchConfig | None:
    """The BatchConfig OmegaConf.to_object(OmegaConf.merge(structured(BatchConfig), clean)) gives, or None
    when `clean` holds anything OmegaConf would convert or interpret (then use that path)."""
    if not _plain(clean):
        return None
    top = {k: _convert(v, str(CONFIG_FIELDS[k])) for k, v in clean.items() if k != "specifications"}
    if "specifications" in clean:
        top["specifications"] = [
            BatchSpecification(**{k: _convert(v, str(SPEC_FIELDS[k]), k) for k, v in spec.items()})
            for spec in clean["specifications"]
        ]
    return BatchConfig(**top)


def config_data(config: BatchConfig) -> dict[str, Any] | None:
    """OmegaConf.to_container(OmegaConf.structured(config), resolve=True) of a config holding no `${`,
    or None when it holds one."""
    data = dataclasses.asdict(config)
    return data if _plain(data) else None


def _convert(value: Any, typ: str, name: str = "") -> Any:
    """A checked value as OmegaConf's node of type `typ` holds it: ints become floats in float fields."""
    if typ == "float":
        return float(value)
    if typ == "dict[str, float]":
        return dict(value) if name in REPLACED_MAPPINGS else {k: float(v) for k, v in value.items()}
    if typ in ("dict[str, str]", "list[str]"):
        return type(value)(value)
    return value


def _plain(value: Any) -> bool:
    """No `${` in any string, string keys only, strings only in lists of strings (checked types aside)."""
    if isinstance(value, str):
        return "${" not in value
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(k) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(isinstance(v, (str, dict)) and _plain(v) for v in value)
    return isinstance(value, (bool, int, float))
