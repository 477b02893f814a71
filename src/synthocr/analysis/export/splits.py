"""Which samples an export takes (`--where`, `--max-length`) and which split each goes to (`--split`).

A sample's split is a pure function of its image_id (a BLAKE2b hash mapped to [0, 1) and cut at the
cumulative fractions), so a sample keeps its split when more rows of the plan are rendered later,
and no two exports of the same outputs disagree.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pandas as pd

from synthocr.analysis.export.invisible import visible
from synthocr.analysis.outputs import Output, read_labels
from synthocr.errors import UserError
from synthocr.renderer.selection import select_where
from synthocr.schemas.labels import Label

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
# Columns a --where query may use besides the plan's (every label records its plan row).
LABEL_COLUMNS = ("width", "height", "length", "n_words", "image")


def parse_splits(spec: str) -> list[tuple[str, float]]:
    """[(name, fraction)] from "train=0.9,val=0.05,test=0.05", or [(name, 1.0)] from a single name.

    Raises:
        UserError: a bad name, a fraction that is not a number in (0, 1], a name given twice,
            or fractions that do not sum to 1.
    """
    hint = 'use one split name (e.g. "train") or fractions that sum to 1, e.g. "train=0.9,val=0.05,test=0.05"'
    if "=" not in spec:
        if not _NAME.match(spec.strip()):
            raise UserError(f"--split {spec!r} is not a valid split name; {hint}.")
        return [(spec.strip(), 1.0)]
    splits: list[tuple[str, float]] = []
    for part in spec.split(","):
        name, _, value = part.partition("=")
        name = name.strip()
        try:
            fraction = float(value)
        except ValueError:
            raise UserError(f"--split: {part.strip()!r} has no fraction after '='; {hint}.") from None
        if not _NAME.match(name) or not 0 < fraction <= 1:
            raise UserError(f"--split: {part.strip()!r} needs a split name and a fraction in (0, 1]; {hint}.")
        if name in (n for n, _ in splits):
            raise UserError(f"--split: {name!r} is given twice; {hint}.")
        splits.append((name, fraction))
    total = sum(f for _, f in splits)
    if abs(total - 1) > 1e-6:
        raise UserError(f"--split {spec!r}: the fractions sum to {total:g}, not 1; {hint}.")
    return splits


def hash_unit(image_id: int) -> float:
    """A number in [0, 1) fixed by `image_id` alone: the first 8 bytes of BLAKE2b of its decimal text."""
    digest = hashlib.blake2b(str(int(image_id)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def split_of(image_id: int, splits: list[tuple[str, float]]) -> str:
    """The split an image belongs to: the first whose cumulative fraction exceeds hash_unit(image_id)."""
    u, edge = hash_unit(image_id), 0.0
    for name, fraction in splits:
        edge += fraction
        if u < edge:
            return name
    return splits[-1][0]  # rounding of the last edge


def _record(output: Output, label: Label, keep_invisible: bool) -> dict[str, Any]:
    """The scalar columns --where sees for one sample: its plan row and LABEL_COLUMNS (its text as exported)."""
    text = label.text if keep_invisible else visible(label.text)
    return {
        **label.params,
        "image_id": label.image_id,
        "text": text,
        "width": label.width,
        "height": label.height,
        "length": len(text),
        "n_words": len(label.words),
        "image": output.image_rel,
    }


def choose(
    outputs: list[Output], split: str, where: str | None, max_length: int | None, keep_invisible: bool = False
) -> dict[str, list[Output]]:
    """The outputs to export, by split name (in the order `--split` names them), keeping name order.

    Labels are read only when a filter or several splits need them. `max_length` counts the
    text's characters (Unicode code points), as recognizers' `max_text_length` settings do.

    Raises:
        UserError: a bad --split, --where or --max-length, or a selection that leaves nothing.
    """
    splits = parse_splits(split)
    if max_length is not None and max_length < 1:
        raise UserError(f"--max-length must be at least 1 character, got {max_length}.")
    if where is None and max_length is None and len(splits) == 1:
        return {splits[0][0]: outputs}
    records = [_record(o, label, keep_invisible) for o, label in read_labels(outputs)]
    keep = list(range(len(outputs)))
    if where:
        frame = pd.DataFrame.from_records(records, columns=list(records[0]) if records else list(LABEL_COLUMNS))
        keep = select_where(frame, where, LABEL_COLUMNS).tolist()
    if max_length is not None:
        keep = [i for i in keep if records[i]["length"] <= max_length]
    if not keep:
        raise UserError(
            f"no output matches the selection (--where {where!r}, --max-length {max_length}) "
            f"among the {len(outputs)} finished outputs; loosen it."
        )
    chosen: dict[str, list[Output]] = {name: [] for name, _ in splits}
    for i in keep:
        chosen[split_of(records[i]["image_id"], splits)].append(outputs[i])
    return chosen
