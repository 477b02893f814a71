"""Command-line overrides (`total_images=500`, `specifications.0.font_size_max=30`) applied to a config mapping.

The keys are walked here, over the plain YAML data, so that every mistake is reported in the config's own
words (`specifications.5: the config has 2 specifications (0-1)`), not in the words of a config library.
"""

from __future__ import annotations

import copy
import difflib
import re
from collections.abc import Sequence
from typing import Any

import yaml

from synthocr.config.bounded import LimitExceeded, load_yaml
from synthocr.errors import ConfigError, Problem
from synthocr.schemas.config import CONFIG_FIELDS

_INDEX = re.compile(r"\[(-?\d+)\]")  # `specifications[0].name` is the same key as `specifications.0.name`


def unknown_field(key: str, known: Sequence[str]) -> str:
    """The message for an unknown key: the closest known one (or the one it abbreviates), else the list of keys."""
    close = difflib.get_close_matches(key, known, n=1)
    if not close and len(key) >= 3:
        close = sorted(k for k in known if k.startswith(key) or (key.endswith("s") and k.startswith(key[:-1])))[:1]
    hint = f"; did you mean {close[0]!r}?" if close else f"; known fields: {', '.join(sorted(known))}"
    return f"unknown field{hint}"


def split_key(key: str) -> list[str]:
    """`specifications[0].name` and `specifications.0.name` both give ["specifications", "0", "name"]."""
    return [part for part in _INDEX.sub(r".\1", key).split(".")]


def _count(n: int, what: str) -> str:
    return f"the config has {n} {what}{'' if n == 1 else 's'}" + (f" (0-{n - 1})" if n else "")


def _set(raw: dict[str, Any], parts: list[str], value: Any) -> tuple[str, str] | None:
    """Put `value` at the path `parts` inside `raw` (mappings on the way are created); the problem
    (the key it is about, what is wrong), if any."""
    node: Any = raw
    for depth, part in enumerate(parts):
        here = ".".join(parts[: depth + 1])
        last = depth == len(parts) - 1
        if not part:
            return ".".join(parts), "empty key part; write keys like specifications.0.font_size_max"
        if isinstance(node, list):
            what = "specification" if parts[:depth] == ["specifications"] else "item"
            if not part.lstrip("-").isdigit():
                return here, f"{'.'.join(parts[:depth])} is a list: use a number 0-{len(node) - 1}, not {part!r}"
            index = int(part)
            if not 0 <= index < len(node):
                return here, _count(len(node), what)
            if last:
                node[index] = value
            else:
                node = node[index]
            continue
        if not isinstance(node, dict):
            parent = ".".join(parts[:depth])
            return here, f"{parent} is {node!r}, a single value with no fields inside; set {parent}=VALUE"
        if last:
            node[part] = value
        else:
            if part not in node or node[part] is None:
                node[part] = {}
            node = node[part]
    return None


def apply_overrides(source: str, raw: dict[str, Any], overrides: Sequence[str]) -> dict[str, Any]:
    """`raw` with the `key=value` overrides applied (values read as YAML: `3`, `0.5`, `[a, b]`, `{paper: 1}`).

    A value replaces what the key held (a mapping replaces a mapping). The key of a field that does not exist
    yet is created, so that the schema check names it with a did-you-mean like any other unknown key.

    Raises:
        ConfigError: every override that is not `key=value`, has a value that is not YAML, or a key that
            does not fit the config (a list index out of range, a field inside a single value, an unknown
            top-level field).
    """
    if not overrides:
        return raw
    out = copy.deepcopy(raw)
    problems = []
    for item in overrides:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            problems.append(Problem("", f"override {item!r} is not of the form key=value (e.g. total_images=500)"))
            continue
        parts = split_key(key)
        if parts[0] not in CONFIG_FIELDS:
            problems.append(Problem(parts[0], f"{unknown_field(parts[0], list(CONFIG_FIELDS))} (in override {item!r})"))
            continue
        try:
            value = load_yaml(text) if text else ""
        except LimitExceeded as exc:
            problems.append(Problem(key, f"the value {exc} (in override {item!r})"))
            continue
        except yaml.YAMLError as exc:
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            problems.append(Problem(key, f"the value is not valid YAML: {reason} (in override {item!r})"))
            continue
        problem = _set(out, parts, value)
        if problem:
            problems.append(Problem(problem[0], f"{problem[1]} (in override {item!r})"))
    if problems:
        raise ConfigError(source, problems)
    return out
