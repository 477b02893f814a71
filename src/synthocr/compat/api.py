"""The seed system's Python API: thin adapters over the planner and the renderer.

from synthocr.compat.api import BatchConfig, GenerationOrchestrator, OCRDataGenerator
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
from PIL import Image

from synthocr.assets.listing import font_root
from synthocr.compat.managers import BackgroundImageManager, BatchManager, CorpusManager, FontHealthManager
from synthocr.compat.orchestrator import GenerationOrchestrator, GenerationTask
from synthocr.config import load_config
from synthocr.config.load import config_from_dict
from synthocr.errors import UserError
from synthocr.planner.plan import AssetChoice, common_root, plan_table, prepare_plan, write_plan
from synthocr.planner.requests import RawRequest, RequestFile
from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.compose import render_row
from synthocr.renderer.run import render_plan
from synthocr.schemas.config import BatchConfig as _BatchConfig
from synthocr.schemas.config import BatchSpecification
from synthocr.schemas.labels import Label
from synthocr.schemas.plan import PLAN_SCHEMA, PlanError, asset_roots, check_ranges

__all__ = [
    "BackgroundImageManager",
    "BatchConfig",
    "BatchManager",
    "BatchSpecification",
    "CorpusManager",
    "FontHealthManager",
    "GenerationOrchestrator",
    "GenerationTask",
    "Label",
    "OCRDataGenerator",
    "RenderAssets",
    "load_config",
    "plan_rows_to_table",
    "render_plan",
    "render_row",
    "write_plan",
]

TaskLike = GenerationTask | tuple[Any, str, str]


class BatchConfig(_BatchConfig):
    """The seed system's BatchConfig: the config dataclass, with `from_yaml` to load and validate one."""

    @classmethod
    def from_yaml(cls, path: str | Path, overrides: Sequence[str] | None = None) -> _BatchConfig:
        """Load a YAML config with `key=value` overrides, validated (see synthocr.config.load_config).

        Raises:
            ConfigError: listing every problem found, each naming its field.
        """
        return load_config(path, overrides or ())


def plan_rows_to_table(plans: Sequence[Mapping[str, Any]]) -> pa.Table:
    """Plan dicts (from plan_generation_batch or a plan's to_pylist) as a table of the plan schema."""
    return pa.Table.from_pylist([dict(p) for p in plans], schema=PLAN_SCHEMA)


class OCRDataGenerator:
    """Plans and renders single images from tasks (spec, text, font), the seed system's way.

    A plan here is one JSON-serialisable dict per image with every parameter: the
    same thing as a row of a Parquet plan (plan_rows_to_table converts one into
    the other). Font and background names in a plan are relative to this
    generator's asset roots.

    Plan dicts may come from another process (saved as JSON, say): the asset roots they are relative
    to are then those this generator's config and fonts give, as plan_generation_batch would set them.

    Args:
        batch_config: ranges and seed of every specification (a validated BatchConfig); by default the
            built-in default config (one Latin specification on the bundled assets).
        all_fonts: font files to use instead of `batch_config.font_dir`.
        corpus_map: name -> corpus file, instead of `batch_config.corpus_dir` (only read for validation).
    """

    def __init__(
        self,
        batch_config: _BatchConfig | None = None,
        all_fonts: Sequence[str | Path] | None = None,
        corpus_map: Mapping[str, str | Path] | None = None,
    ) -> None:
        self.batch_config = batch_config if batch_config is not None else config_from_dict({}, "<default config>")
        self._fonts = [Path(f).resolve() for f in all_fonts] if all_fonts else None
        self._corpus = {k: Path(v) for k, v in corpus_map.items()} if corpus_map else None
        self._roots: dict[str, str] | None = None
        self._assets: dict[str, RenderAssets] = {}

    def plan_generation_batch(
        self, task_tuples: Iterable[TaskLike], background_manager: BackgroundImageManager | None = None
    ) -> list[dict[str, Any]]:
        """One plan dict per task, every parameter not given by the task sampled from its specification.

        Raises:
            UserError: a task names an unknown spec or a font outside the generator's fonts, or its
                font does not cover its text.
        """
        root = self._font_root()
        requests = RequestFile(
            None,
            [
                RawRequest(i, values, json.dumps(values, ensure_ascii=False))
                for i, values in enumerate((self._task_values(t, root) for t in task_tuples), start=1)
            ],
        )
        if not requests.rows:
            return []
        ctx = prepare_plan(self.batch_config, requests, AssetChoice(self._corpus, self._fonts, background_manager))
        try:
            table = plan_table(ctx)
        finally:
            ctx.close()
        self._roots = asset_roots(ctx.metadata)
        return table.to_pylist()

    def generate_from_plan(self, plan: Mapping[str, Any]) -> tuple[Image.Image, list[dict[str, Any]]]:
        """The image of one plan dict and its character boxes ({text, polygon, bbox} each); pure.

        `plan` holds every plan column (as plan_generation_batch writes it, also after a JSON round
        trip: output_name, an empty background_file and all); its values are checked first.

        Raises:
            UserError: a missing column, or a value of the wrong type or outside its declared range.
        """
        missing = [name for name in PLAN_SCHEMA.names if name not in plan]
        if missing:
            raise UserError(
                f"generate_from_plan needs a plan dict from plan_generation_batch (or a plan row); this one lacks "
                f"{', '.join(missing[:8])}{' ...' if len(missing) > 8 else ''}."
            )
        try:
            check_ranges(plan_rows_to_table([{k: plan[k] for k in PLAN_SCHEMA.names}]), where="plan dict")
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError) as exc:
            raise UserError(f"generate_from_plan: a value of the plan dict has the wrong type ({exc}).") from None
        except PlanError as exc:
            raise UserError(str(exc)) from None
        image, label = render_row(plan, self._render_assets())
        return image, [c.to_dict() for c in label.chars]

    def _font_root(self) -> Path:
        return common_root(self._fonts) if self._fonts else font_root(self.batch_config).resolve()

    def _task_values(self, task: TaskLike, root: Path) -> dict[str, Any]:
        if isinstance(task, GenerationTask):
            spec, text, font = task.source_spec, task.text, task.font_path
        else:
            try:
                spec, text, font = task
            except (TypeError, ValueError):
                raise UserError(f"task {task!r} is not a GenerationTask or a (spec, text, font_path) tuple.") from None
        name = spec.name if hasattr(spec, "name") else str(spec)
        path = Path(font).resolve()
        if not path.is_relative_to(root):
            raise UserError(f"task font {font} is not among the generator's fonts (under {root}).")
        return {"spec": name, "text": text, "font": path.relative_to(root).as_posix()}

    def _render_assets(self) -> RenderAssets:
        if self._roots is None:  # a plan from elsewhere: the roots this generator's assets give
            ctx = prepare_plan(self.batch_config, None, AssetChoice(self._corpus, self._fonts, None))
            try:
                self._roots = asset_roots(ctx.metadata)
            finally:
                ctx.close()
        key = json.dumps(self._roots, sort_keys=True)
        if key not in self._assets:
            self._assets[key] = RenderAssets(self._roots)
        return self._assets[key]
