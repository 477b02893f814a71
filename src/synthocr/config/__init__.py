"""Reading a batch config: YAML plus `key=value` overrides, checked whole into a BatchConfig before any work.

`load_config` is the one way in for every command; a ConfigError lists every
problem at once, each a `Problem(field, message)` naming its specification.
"""

from __future__ import annotations

from synthocr.config.load import apply_overrides, config_from_dict, config_to_dict, load_config

__all__ = ["apply_overrides", "config_from_dict", "config_to_dict", "load_config"]
