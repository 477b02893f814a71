"""The seed system's GenerationOrchestrator: one planning run over chosen assets, as a plan, a table or tasks."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from synthocr.planner.backgrounds import BackgroundPool
from synthocr.planner.plan import AssetChoice, PlanContext, iter_plan, plan_table, prepare_plan, write_plan
from synthocr.planner.requests import RequestFile
from synthocr.planner.summary import PlanSummary, summarize_plan
from synthocr.schemas.config import BatchConfig, BatchSpecification
from synthocr.schemas.plan import asset_roots


@dataclass(frozen=True)
class GenerationTask:
    """What one image will show: its specification, text and font (the rest is sampled per plan row)."""

    image_id: int
    source_spec: BatchSpecification
    text: str
    font_path: str  # absolute path of the font file
    text_direction: str
    corpus_file: str
    corpus_line: int

    def as_tuple(self) -> tuple[str, str, str]:
        """(spec name, text, font path): the task tuple OCRDataGenerator.plan_generation_batch takes."""
        return self.source_spec.name, self.text, self.font_path


class GenerationOrchestrator:
    """One planning run: assets scanned and requests checked once, then the plan made in memory or on disk.

    Args:
        batch_config: a validated BatchConfig (see synthocr.config.load_config).
        requests: a request file read with requests.read_requests, or None to plan `total_images` rows.
        corpus_map: name -> corpus file, instead of the files of `corpus_dir`.
        all_fonts: font files, instead of the fonts of `font_dir`.
        background_manager: the background pool, instead of `background_dir(s)`.

    Raises:
        UserError: unusable assets, or a request file without a single valid row.
    """

    def __init__(
        self,
        batch_config: BatchConfig,
        requests: RequestFile | None = None,
        *,
        corpus_map: Mapping[str, str | Path] | None = None,
        all_fonts: Sequence[str | Path] | None = None,
        background_manager: BackgroundPool | None = None,
    ) -> None:
        self.batch_config = batch_config
        self.requests = requests
        self.assets = AssetChoice(
            corpus={k: Path(v) for k, v in corpus_map.items()} if corpus_map else None,
            fonts=[Path(f) for f in all_fonts] if all_fonts else None,
            backgrounds=background_manager,
        )
        self.context: PlanContext = prepare_plan(batch_config, requests, self.assets)

    @property
    def text_resamples(self) -> int:
        """Texts drawn again so far (planner.texts.RESAMPLE_REASON says why)."""
        return self.context.text_resamples

    @property
    def requests_rejected(self) -> int:
        """Request rows written to the rejected file."""
        return self.context.requests_rejected

    def create_plan(self) -> pa.Table:
        """The whole plan as one in-memory table with its metadata (one row per image)."""
        return plan_table(self.context)

    def create_task_list(
        self, min_text_len: int | None = None, max_text_len: int | None = None
    ) -> list[GenerationTask]:
        """One GenerationTask per image, in plan order; text lengths optionally overridden for every spec."""
        context = self.context
        if min_text_len is not None or max_text_len is not None:
            config = copy.deepcopy(self.batch_config)
            for spec in config.specifications:
                spec.min_text_length = min_text_len if min_text_len is not None else spec.min_text_length
                spec.max_text_length = max_text_len if max_text_len is not None else spec.max_text_length
            context = prepare_plan(config, self.requests, self.assets)
        font_root = Path(asset_roots(context.metadata)["font"])
        fonts = {f.rel: str(f.path) for f in context.fonts.healthy}
        specs = {s.name: s for s in context.config.specifications}
        tasks = []
        for block in iter_plan(context):
            for row in block.select(
                ["image_id", "spec", "text", "font", "text_direction", "corpus_file", "corpus_line"]
            ).to_pylist():
                tasks.append(
                    GenerationTask(
                        image_id=row["image_id"],
                        source_spec=specs[row["spec"]],
                        text=row["text"],
                        font_path=fonts.get(row["font"], str(font_root / row["font"])),
                        text_direction=row["text_direction"],
                        corpus_file=row["corpus_file"],
                        corpus_line=row["corpus_line"],
                    )
                )
        return tasks

    def write(self, path: str | Path) -> int:
        """Write the plan to `path` block by block (bounded memory); returns the row count."""
        return write_plan(self.batch_config, path, ctx=self.context)

    def summarize(self) -> PlanSummary:
        """Plan in memory block by block and keep only the statistics (for --dry-run)."""
        return summarize_plan(self.context)

    def write_font_report(self, path: str | Path) -> None:
        """The font health table as CSV (see FontCoverage.write_report)."""
        self.context.fonts.write_report(path)

    def close(self) -> None:
        """Release the corpus memory maps."""
        self.context.close()
