"""A font file's named styles: the named instances of a variable font (OpenType `fvar`: Light, Semi Bold,
Bold Italic), or the faces of a font collection (`.ttc`: Noto Sans CJK SC, Helvetica Neue Bold). Read one
way for the planner (which ones a row may be drawn in) and the renderer (the axis values or the face it
draws one with)."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

import uharfbuzz as hb


def named_instances(face: hb.Face) -> dict[str, dict[str, float]]:
    """Instance name (English, from the `name` table) -> {axis tag: design value}, in the font's order.
    Empty for a static font. Of two instances with one name, the first is kept."""
    tags = [axis.tag for axis in face.axis_infos]
    out: dict[str, dict[str, float]] = {}
    for instance in face.named_instances:
        name = (face.get_name(instance.subfamily_name_id) or "").strip()
        if name and name not in out:
            out[name] = dict(zip(tags, (float(v) for v in instance.design_coords)))
    return out


def collection_faces(blob: hb.Blob) -> dict[str, int]:
    """Face name (the full name, `name` ID 4, else the family name) -> face index, for a font collection of
    two faces or more; empty for a single font. Of two faces with one name, the first is kept."""
    count = hb.Face(blob).count
    if count < 2:
        return {}
    out: dict[str, int] = {}
    for index in range(count):
        face = hb.Face(blob, index)
        name = (face.get_name(4) or face.get_name(1) or "").strip()
        if name and name not in out:
            out[name] = index
    return out


def matching_instances(names: Iterable[str], globs: Iterable[str]) -> tuple[str, ...]:
    """The instance names matching any of `globs` (case-sensitive, as font names are), in the font's order."""
    patterns = list(globs)
    return tuple(n for n in names if any(fnmatchcase(n, g) for g in patterns))
