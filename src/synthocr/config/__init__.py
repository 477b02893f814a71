"""Reading a batch config: YAML plus `key=value` overrides, checked whole into a BatchConfig before any work.

`load_config` is the one way in for every command; a ConfigError lists every
problem at once, each a `Problem(field, message)` naming its specification.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from synthocr.config.load import apply_overrides, config_from_dict, config_to_dict, load_config

__all__ = ["apply_overrides", "config_from_dict", "config_to_dict", "load_config"]


def __getattr__(name: str) -> Any:
    """Import the loader (and OmegaConf) on first use: `render` only needs the limits in config.bounded."""
    if name in __all__:
        from synthocr.config import load

        return getattr(load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
