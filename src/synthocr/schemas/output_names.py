"""The rule every output name follows (a plan's `output_name`, relative to the output dir, no extension).

Its own module, without the request reader around it: render checks every plan's names, and
importing the planner's request module (YAML, the config schema) would be serial time at its start.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_DEFAULT_STEM = re.compile(r"image_\d+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# File names are at most 255 bytes; the atomic writer's temp name adds about 40 and the extension 5.
MAX_NAME_COMPONENT_BYTES = 200
MAX_NAME_BYTES = 1024


def check_output_name(name: str) -> str:
    """Why an output name is unsafe or unusable ("" if it is fine)."""
    if not name.strip():
        return "is empty"
    if _CONTROL.search(name):
        return "holds a control character (NUL, line break, tab, ...)"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"is longer than {MAX_NAME_BYTES} bytes"
    if "\\" in name or name.startswith("/") or PurePosixPath(name).is_absolute() or re.match(r"^[A-Za-z]:", name):
        return "must be a relative path with / separators"
    parts = name.split("/")
    if ".." in parts:
        return "must not climb out of the output dir with '..'"
    if any(p in ("", ".") for p in parts):
        return "has an empty or '.' path component"
    if any(len(p.encode("utf-8")) > MAX_NAME_COMPONENT_BYTES for p in parts):
        return f"has a path component longer than {MAX_NAME_COMPONENT_BYTES} bytes"
    if any(p.startswith((".", "_")) for p in parts):
        return "has a component starting with '.' or '_' (such files are ignored when resuming)"
    if _DEFAULT_STEM.fullmatch(parts[-1]):
        return "ends in image_<digits>, a name reserved for rows without an output_name"
    return ""
