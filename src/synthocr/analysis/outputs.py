"""A render's finished outputs (label + image pairs) for collect, export and preview, and the plan they came from."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from synthocr.errors import UserError
from synthocr.renderer.io import CHECKPOINT, open_plan
from synthocr.renderer.resume import Expected, Scan, expected_of, scan_outputs
from synthocr.renderer.storage import Storage
from synthocr.schemas.labels import Label

log = logging.getLogger(__name__)


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


def find_outputs(out_dir: str | Path, plan: str | Path | None = None) -> tuple[list[Output], Scan]:
    """Every finished output under `out_dir` (renderer.finished's rule, as render and status use it),
    sorted by name, and the scan that found them.

    The outputs must belong to `plan`, else to the plan the dir's checkpoint records (when that file
    is still there), else to the plan fingerprint the checkpoint records; with no checkpoint at all,
    each output only has to be whole and name itself.

    Raises:
        UserError: `out_dir` is not a folder, or holds no finished output.
    """
    out = Path(out_dir)
    if not out.is_dir():
        raise UserError(f"output dir {out} does not exist; render a plan into it with `synthocr render PLAN -o {out}`.")
    scan = scan_outputs(Storage(str(out)), _expected(out, plan))
    finished = scan.finished.sort_by("name")
    found = [
        Output(name, out / f"{name}.json", out / name.rpartition("/")[0] / image)
        for name, image in zip(finished.column("name").to_pylist(), finished.column("image").to_pylist())
    ]
    if scan.extra:
        log.warning("%d outputs in %s are not rows of its plan and are left out", len(scan.extra), out)
    if not found:
        raise UserError(
            f"output dir {out} holds no finished outputs (label + image of its plan); "
            f"run `synthocr render PLAN -o {out}` first."
        )
    return found, scan


def list_outputs(out_dir: str | Path, plan: str | Path | None = None) -> list[Output]:
    """find_outputs' finished outputs, sorted by name."""
    return find_outputs(out_dir, plan)[0]


def _expected(out: Path, plan: str | Path | None) -> Expected:
    """What the outputs of `out` must name: see find_outputs."""
    if plan is not None:
        return expected_of(open_plan(str(plan)))
    checkpoint = _checkpoint(out)
    recorded = checkpoint.get("plan_path")
    if isinstance(recorded, str) and recorded and Path(recorded).is_file():
        return expected_of(open_plan(recorded))
    fingerprint = checkpoint.get("plan_fingerprint")
    if not isinstance(fingerprint, str):
        log.warning(
            "%s has no readable %s: outputs are not checked against a plan, only for being whole", out, CHECKPOINT
        )
        fingerprint = None
    return Expected(None, None, fingerprint)


def _checkpoint(out: Path) -> dict[str, Any]:
    try:
        data = json.loads((out / CHECKPOINT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


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
