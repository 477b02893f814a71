"""The output names of a loaded plan follow the rules of request files: safe, visible, unique, no file/folder clash."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from synthocr.planner.requests import MAX_NAME_BYTES, MAX_NAME_COMPONENT_BYTES, check_output_name
from synthocr.renderer.finished import IMAGE_EXTS
from synthocr.schemas.plan import PlanError

# RE2 patterns over whole columns; each names the rule of check_output_name it stands for.
_RULES = (
    (r"(^|/)\.\.(/|$)|^/|^[A-Za-z]:|\\|[\x00-\x1f\x7f]", "leaves the output dir or holds a control character"),
    (r"^\s*$|(^|/)\.?(/|$)", "is empty or has an empty or '.' path component"),
    (r"(^|/)[._]", "has a component starting with '.' or '_' (hidden: never counted as finished)"),
)


def check_plan_names(names: pa.ChunkedArray | pa.Array, where: str) -> None:
    """Every output_name is usable, and no two rows write the same file or a file where a folder must go.

    The default names of `synthocr plan` pass; a plan edited by hand or by another tool may not.

    Raises:
        PlanError: naming the row and the name.
    """
    if len(names) == 0:
        return
    for pattern, why in _RULES:
        bad = pc.match_substring_regex(names, pattern)
        if pc.any(bad).as_py():
            _refuse(names, pc.index(bad, True).as_py(), why, where)
    sizes = pc.binary_length(names)
    if pc.max(sizes).as_py() > MAX_NAME_COMPONENT_BYTES:  # rare: only then each name is looked at
        for row, name in enumerate(names.to_pylist()):
            problem = check_output_name(name)
            if problem and "image_<digits>" not in problem:
                _refuse(names, row, problem, where)
        assert pc.max(sizes).as_py() <= MAX_NAME_BYTES
    if len(pc.unique(names)) != len(names):
        seen: dict[str, int] = {}
        for row, name in enumerate(names.to_pylist()):
            if name in seen:
                _refuse(names, row, f"is also the output_name of row {seen[name]}: one output would be lost", where)
            seen[name] = row
    _check_clashes(names, where)


def _check_clashes(names: pa.ChunkedArray | pa.Array, where: str) -> None:
    """A name whose image or label file would be a folder that another name needs (`a` and `a.json/b`)."""
    nested = names.filter(pc.match_substring(names, "/"))
    if len(nested) == 0:
        return
    parents = pc.unique(pc.replace_substring_regex(nested, r"/[^/]*$", "")).to_pylist()
    folders: set[str] = set()
    for parent in parents:  # few: the shard folders, or the folders of a request file's names
        parts = parent.split("/")
        folders.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    stems = {f[: -len(ext)] for f in folders for ext in (".json", *IMAGE_EXTS) if f.endswith(ext)}
    if not stems:
        return
    clash = pc.is_in(names, value_set=pa.array(sorted(stems), pa.string()))
    if pc.any(clash).as_py():
        row = pc.index(clash, True).as_py()
        _refuse(names, row, "names a file that another row's output_name needs as a folder", where)


def _refuse(names: pa.ChunkedArray | pa.Array, row: int, why: str, where: str) -> None:
    raise PlanError(
        f"{where}: row {row}, output_name {names[row].as_py()!r} {why}. Fix the names (the rules of request "
        "files apply) or re-create the plan with `synthocr plan`."
    )
