"""The output names of a loaded plan follow the rules of request files: safe, visible, unique, no file/folder clash.

Checked one row group at a time, so memory stays flat in the plan's size. Uniqueness needs to see every
name: a plan whose names are all the planner's defaults (`output_name(image_id)`) is unique because its
ids are; any other plan keeps one 8-byte digest per row (sorted in place), and only names whose digests
collide are read again and compared exactly. A hash set of the names would hold every name (about 60
bytes a row in Python), an external sort would write the column to disk: the digests cost 8 bytes a
row and one more read of the column when they meet.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from synthocr.renderer.finished import IMAGE_EXTS
from synthocr.renderer.row_groups import IdSpans, row_groups
from synthocr.schemas.arrow_numpy import to_numpy
from synthocr.schemas.output_names import (
    MAX_NAME_BYTES,
    MAX_NAME_COMPONENT_BYTES,
    check_output_name,
    default_numbers,
)
from synthocr.schemas.plan import SHARD_SIZE, PlanError

DIGEST_BLOCK = 1 << 13  # names digested at a time (about 500 bytes each on the way, for 20-byte names)

# RE2 patterns over whole columns; each names the rule of check_output_name it stands for.
_RULES = (
    (r"(^|/)\.\.(/|$)|^/|^[A-Za-z]:|\\|[\x00-\x1f\x7f]", "leaves the output dir or holds a control character"),
    (r"^\s*$|(^|/)\.?(/|$)", "is empty or has an empty or '.' path component"),
    (r"(^|/)[._]", "has a component starting with '.' or '_' (hidden: never counted as finished)"),
)
_DEFAULT_NAME = r"^(?P<folder>[0-9]+)/image_(?P<number>[0-9]+)$"  # the shape of schemas.output_names.output_name
_SHARD_DIGITS = len(str(SHARD_SIZE)) - 1  # the folder is the zero-padded id less this many last digits
assert SHARD_SIZE == 10**_SHARD_DIGITS <= 10**8, "output folders are decimal prefixes of the 8-digit id"
_POWERS = np.empty(MAX_NAME_BYTES + 2, np.uint64)  # 31337^k mod 2^64: the weights of a polynomial hash
_POWERS[0] = 1
with np.errstate(over="ignore"):
    for _k in range(1, len(_POWERS)):
        _POWERS[_k] = _POWERS[_k - 1] * np.uint64(0x100000001B3)


def invalid_utf8(column: pa.ChunkedArray | pa.Array) -> list[int]:
    """Positions of the values that are not valid UTF-8 (Parquet keeps any bytes in a string column)."""
    try:
        column.validate(full=True)
        return []
    except pa.ArrowInvalid:
        values = column.cast(pa.binary()).to_pylist()
    bad = []
    for i, value in enumerate(values):
        try:
            value.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(i)
    return bad


def check_plan_names(pf: pq.ParquetFile, where: str) -> None:
    """Every output_name is valid UTF-8 and usable, no two rows write the same file, and no row writes a
    file where another row needs a folder. The default names of `synthocr plan` pass; a plan edited by
    hand or by another tool may not.

    Raises:
        PlanError: naming the row and the name.
    """
    defaults = True  # every name is output_name(image_id) and the ids are unique: names are unique too
    spans = IdSpans()
    folders: set[str] = set()
    n_rows = 0
    for first, group in row_groups(pf, ["output_name", "image_id"]):
        names = group.column("output_name").combine_chunks()
        bad = invalid_utf8(names)
        if bad:
            raise PlanError(f"{where}: row {first + bad[0]}, output_name is not valid UTF-8; re-create the plan.")
        ids = group.column("image_id").combine_chunks()
        shards = _default_shards(names, ids)
        if shards is not None:  # the planner's names: they follow the rules, and their folders are the shards
            folders.update(f"{shard:05d}" for shard in shards.tolist())
            defaults = defaults and spans.add(ids)
        else:
            _check_rules(names, first, where)
            folders.update(_folders(names))
            if defaults and len(names):
                defaults = _all_default(names, ids) and spans.add(ids)
        n_rows = first + len(names)
    if not defaults or spans.overlap():
        _check_unique(pf, n_rows, where)
    _check_clashes(pf, folders, where)


def _default_shards(names: pa.Array, ids: pa.Array) -> np.ndarray | None:
    """The shard folders of a group whose every name is the planner's default for its id below 10^8
    (schemas.output_names.output_name), else None: told from the names' bytes in a few numpy passes,
    where the rules' and the default shape's regular expressions take about 10 ms a row group."""
    if ids.null_count or names.null_count or not pa.types.is_integer(ids.type):
        return None
    numbers, found = to_numpy(ids), default_numbers(names)
    if not np.array_equal(found, numbers) or (found < 0).any():  # -1: not a default name (and id -1 is none's)
        return None
    return np.unique(numbers // SHARD_SIZE)


def _check_rules(names: pa.Array, first: int, where: str) -> None:
    """The rules of check_output_name over one row group's names, vectorised (each name alone only when long)."""
    if len(names) == 0:
        return
    for pattern, why in _RULES:
        bad = pc.match_substring_regex(names, pattern)
        if pc.any(bad).as_py():
            _refuse(names, pc.index(bad, True).as_py(), first, why, where)
    sizes = pc.binary_length(names)
    if pc.max(sizes).as_py() > MAX_NAME_COMPONENT_BYTES:  # rare: only then each name is looked at
        for row, name in enumerate(names.to_pylist()):
            problem = check_output_name(name)
            if problem and "image_<digits>" not in problem:
                _refuse(names, row, first, problem, where)
        assert pc.max(sizes).as_py() <= MAX_NAME_BYTES


def _all_default(names: pa.Array, ids: pa.Array) -> bool:
    """Whether each name is the planner's default for its id (schemas.output_names.output_name), an injective map.

    Built from Arrow functions whose arguments are all arrays or options: an Arrow scalar made from a
    Python value would import pandas (about 0.2 s of CPU) before the render's workers start.
    """
    if ids.null_count or names.null_count or not pc.all(pc.match_substring_regex(names, _DEFAULT_NAME)).as_py():
        return False
    parts = pc.extract_regex(names, _DEFAULT_NAME)
    number = pc.utf8_lpad(pc.cast(ids, pa.string()), 8, "0")
    folder = pc.utf8_lpad(pc.utf8_slice_codeunits(number, 0, -_SHARD_DIGITS), 5, "0")  # the id // SHARD_SIZE
    same = pc.and_(pc.equal(pc.struct_field(parts, [0]), folder), pc.equal(pc.struct_field(parts, [1]), number))
    return bool(pc.all(same).as_py())


def name_digests(names: pa.Array) -> np.ndarray:
    """A 64-bit digest of each name: a polynomial hash of its bytes mixed with its length (splitmix64 finish).

    Vectorised over the column's data buffer, DIGEST_BLOCK names at a time (the bytes are widened to 64
    bits on the way). Not collision-proof, so equal digests are only a hint.
    """
    if len(names) > DIGEST_BLOCK:
        blocks = range(0, len(names), DIGEST_BLOCK)
        return np.concatenate([_digests(names.slice(i, DIGEST_BLOCK)) for i in blocks])
    return _digests(names)


def _digests(names: pa.Array) -> np.ndarray:
    n = len(names)
    if n == 0:
        return np.zeros(0, np.uint64)
    names = names.cast(pa.large_binary()) if names.null_count == 0 else pc.fill_null(names, "").cast(pa.large_binary())
    _, offsets_buf, data_buf = names.buffers()
    offsets = np.frombuffer(offsets_buf, np.int64)[names.offset : names.offset + n + 1]
    data = np.frombuffer(data_buf, np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    base = offsets[0]
    body = data[base : offsets[-1]].astype(np.uint64)
    digest = np.zeros(n, np.uint64)
    filled = lengths > 0
    if filled.any():  # reduceat sums each name's weighted bytes; empty names keep 0
        owner = np.repeat(np.arange(n), lengths)
        weights = _POWERS[np.minimum(offsets[1:][owner] - np.arange(base, offsets[-1]), len(_POWERS) - 1)]
        with np.errstate(over="ignore"):
            digest[filled] = np.add.reduceat(body * weights, (offsets[:-1] - base)[filled])
    with np.errstate(over="ignore"):
        z = digest ^ (lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _check_unique(pf: pq.ParquetFile, n_rows: int, where: str) -> None:
    """No name twice: digests sorted in place; names whose digests meet are read again and compared."""
    digests = np.empty(n_rows, np.uint64)
    for first, group in row_groups(pf, ["output_name"]):
        names = group.column("output_name").combine_chunks()
        digests[first : first + len(names)] = name_digests(names)
    digests.sort()
    met = np.unique(digests[1:][digests[1:] == digests[:-1]])
    del digests
    if len(met) == 0:
        return
    seen: dict[str, int] = {}
    for first, group in row_groups(pf, ["output_name"]):
        names = group.column("output_name").combine_chunks()
        for row in np.flatnonzero(np.isin(name_digests(names), met)).tolist():
            name = names[row].as_py()
            if name in seen:
                why = f"is also the output_name of row {seen[name]}: one output would be lost"
                _refuse(names, row, first, why, where)
            seen[name] = first + row


def _folders(names: pa.Array) -> set[str]:
    """Every folder the names need (`a/b/c` needs `a` and `a/b`): few, the shard folders of a plan."""
    nested = names.filter(pc.match_substring(names, "/"))
    if len(nested) == 0:
        return set()
    folders: set[str] = set()
    for parent in pc.unique(pc.replace_substring_regex(nested, r"/[^/]*$", "")).to_pylist():
        parts = parent.split("/")
        folders.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return folders


def _check_clashes(pf: pq.ParquetFile, folders: set[str], where: str) -> None:
    """A name whose image or label file would be a folder that another name needs (`a` and `a.json/b`)."""
    stems = {f[: -len(ext)] for f in folders for ext in (".json", *IMAGE_EXTS) if f.endswith(ext)}
    if not stems:
        return
    value_set = pa.array(sorted(stems), pa.string())
    for first, group in row_groups(pf, ["output_name"]):
        names = group.column("output_name").combine_chunks()
        clash = pc.is_in(names, value_set=value_set)
        if pc.any(clash).as_py():
            why = "names a file that another row's output_name needs as a folder"
            _refuse(names, pc.index(clash, True).as_py(), first, why, where)


def _refuse(names: pa.Array, row: int, first: int, why: str, where: str) -> None:
    raise PlanError(
        f"{where}: row {first + row}, output_name {names[row].as_py()!r} {why}. Fix the names (the rules of "
        "request files apply) or re-create the plan with `synthocr plan`."
    )
