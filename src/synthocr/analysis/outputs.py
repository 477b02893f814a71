"""Finding a render's finished outputs (label + image pairs) and the plan they came from."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from synthocr.errors import UserError
from synthocr.renderer.io import CHECKPOINT, FORMATS
from synthocr.schemas.labels import Label


@dataclass(frozen=True)
class Output:
    """One finished output: its name relative to the output dir (no extension) and its two files."""

    name: str
    label_path: Path
    image_path: Path

    @property
    def image_rel(self) -> str:
        """The image path relative to the output dir, with `/` separators."""
        return str(PurePosixPath(self.name).with_name(self.image_path.name))


def read_label(path: Path) -> Label:
    """The label at `path`, with an error naming the file when it is not a synthocr label."""
    try:
        return Label.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(
            f"label {path} is unreadable or not a synthocr label ({type(exc).__name__}: {exc}); "
            f"delete it and run `synthocr render` again to re-create it."
        ) from None


def list_outputs(out_dir: str | Path) -> list[Output]:
    """Every finished output under `out_dir`, sorted by name; an error when there is none.

    An output is finished when it has a non-empty label JSON and an image with the same stem, as
    for `synthocr render`'s resume; names starting with `.` or `_` (temporary files, run logs) are
    left out.
    """
    out = Path(out_dir)
    if not out.is_dir():
        raise UserError(f"output dir {out} does not exist; render a plan into it with `synthocr render PLAN -o {out}`.")
    found: list[Output] = []
    for folder, dirs, files in os.walk(out):
        dirs[:] = [d for d in dirs if not d.startswith((".", "_"))]
        images = {
            f.rsplit(".", 1)[0]: f for f in files if f.rsplit(".", 1)[-1] in FORMATS and not f.startswith((".", "_"))
        }
        for name in files:
            stem = name[:-5]
            if name.startswith((".", "_")) or not name.endswith(".json") or stem not in images:
                continue
            label_path = Path(folder) / name
            if label_path.stat().st_size > 0:
                rel = label_path.relative_to(out).with_suffix("").as_posix()
                found.append(Output(rel, label_path, Path(folder) / images[stem]))
    if not found:
        raise UserError(
            f"output dir {out} holds no finished outputs (label + image); run `synthocr render PLAN -o {out}` first."
        )
    return sorted(found, key=lambda o: o.name)


def read_labels(outputs: list[Output]) -> Iterator[tuple[Output, Label]]:
    """Each output with its label read from disk, in order."""
    for output in outputs:
        yield output, read_label(output.label_path)


def plan_path_of(out_dir: str | Path, plan: str | Path | None = None) -> Path:
    """The plan an output dir was rendered from: `plan` if given, else the `plan_path` its checkpoint records."""
    if plan is not None:
        return Path(plan)
    path = Path(out_dir) / CHECKPOINT
    try:
        recorded = json.loads(path.read_text(encoding="utf-8")).get("plan_path")
    except (OSError, ValueError, AttributeError):
        recorded = None
    if not recorded:
        raise UserError(f"{path} is missing, unreadable or names no plan; pass the plan with --plan PLAN.")
    if not Path(recorded).is_file():
        raise UserError(
            f"the plan {recorded} recorded in {path} does not exist here; pass its location with --plan PLAN."
        )
    return Path(recorded)
