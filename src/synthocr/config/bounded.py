"""Limits on what a config or request file may ask of the parser: size, nesting depth, alias expansion.

A batch config is a few kilobytes of flat YAML; anything far past these limits is a mistake or an
attack (a "billion laughs" alias bomb, nesting thousands deep), refused before it costs time or memory.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

MAX_CONFIG_BYTES = 1 << 20  # 1 MiB of YAML
MAX_DEPTH = 32  # nesting of mappings and lists
MAX_NODES = 200_000  # values after every alias is expanded (a config with 1000 specifications has ~10,000)
MAX_JSON_LINE_DEPTH = 16  # a request row is a flat object; a little nesting is refused with its row


class LimitExceeded(ValueError):
    """Input past a parsing limit; the message names the limit."""


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that counts nesting depth and the size of the document with aliases expanded."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._weight: dict[int, int] = {}  # id(node) -> values below it, aliases expanded
        self._total = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        alias = self.check_event(yaml.AliasEvent)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise LimitExceeded(f"nested more than {MAX_DEPTH} levels deep (line {mark.line + 1})")
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if alias:  # the same node again: everything below it counts again once expanded
            weight = self._weight.get(id(node), 1)
        elif isinstance(node, yaml.SequenceNode):
            weight = 1 + sum(self._weight.get(id(n), 1) for n in node.value)
        elif isinstance(node, yaml.MappingNode):
            weight = 1 + sum(self._weight.get(id(k), 1) + self._weight.get(id(v), 1) for k, v in node.value)
        else:
            weight = 1
        self._weight[id(node)] = weight
        if weight > MAX_NODES:
            raise LimitExceeded(f"expands to more than {MAX_NODES:,} values (aliases counted each time they are used)")
        return node


def load_yaml(text: str) -> Any:
    """safe_load within the limits above.

    Raises:
        LimitExceeded: too large, too deep, or too many values once aliases are expanded.
        yaml.YAMLError: not valid YAML.
    """
    if len(text) > MAX_CONFIG_BYTES:
        raise LimitExceeded(f"is {len(text):,} characters long; a config may have at most {MAX_CONFIG_BYTES:,}")
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def json_depth_ok(line: str, limit: int = MAX_JSON_LINE_DEPTH) -> bool:
    """Whether a JSON text nests at most `limit` brackets deep (counted outside strings, without parsing it)."""
    depth = 0
    in_string = escaped = False
    for ch in line:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def loads_bounded_json(line: str) -> Any:
    """json.loads of a text that nests at most MAX_JSON_LINE_DEPTH deep.

    Raises:
        LimitExceeded: nested deeper.
        json.JSONDecodeError: not valid JSON.
    """
    if line.count("[") + line.count("{") > MAX_JSON_LINE_DEPTH and not json_depth_ok(line):
        raise LimitExceeded(f"nested more than {MAX_JSON_LINE_DEPTH} levels deep")
    return json.loads(line)
