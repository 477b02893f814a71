"""One-shot generation, the seed system's way: validate, plan into the output dir, render with resume."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from synthocr.compat.orchestrator import GenerationOrchestrator
from synthocr.config import load_config
from synthocr.errors import ConfigError, UserError
from synthocr.output_paths import atomic_output, check_output_path
from synthocr.renderer.io import read_checkpoint
from synthocr.renderer.run import RenderSummary, render_plan
from synthocr.renderer.storage import Storage
from synthocr.schemas.plan import META_PLAN_FINGERPRINT, plan_metadata

log = logging.getLogger(__name__)

PLAN_FILE = "plan.parquet"
RULE = "=" * 60


@dataclass(frozen=True)
class GenerateOptions:
    """The `synthocr generate` flags, as the seed system named them."""

    batch_config: str
    output_dir: str
    font_dir: str | None = None
    background_dir: str | None = None
    corpus_dir: str | None = None
    resume: bool = False
    generation_workers: int = -1  # processes rendering images
    workers: int = 1  # threads encoding and writing outputs in each process
    chunk_size: int = 64  # rows per task
    io_batch_size: int = 16  # outputs handed to the writer threads at a time
    progress: bool = True


def validation_block(error: ConfigError) -> str:
    """The seed system's validation report: one paragraph per problem, between rules.

    Each paragraph names the specification by position and name, and the field:
    `specifications[1] (arabic).rotation_angle_min: -3 is outside ...`.
    """
    paragraphs = []
    for problem in error.problems:
        message = _capitalised(problem.message)
        if problem.spec is not None:
            where = f"specifications[{problem.index}] ({problem.spec})" + (f".{problem.field}" if problem.field else "")
        else:
            where = problem.field
        text = f"{where}: {message}" if where else message
        paragraphs.append(text.replace(" in directory ", "\nin directory "))
    body = "\n\n".join(paragraphs)
    return (
        f"{RULE}\nERROR: Configuration validation failed\n{RULE}\n\n{body}\n\n"
        f"Please fix the configuration and try again.\n{RULE}"
    )


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def flat_output_name(image_id: int) -> str:
    """`image_NNNNN`: the seed system's output names, directly in the output dir."""
    return f"image_{image_id:05d}"


def _existing_images(out: Path) -> list[str]:
    if not out.is_dir():
        return []
    return sorted(p.name for p in out.iterdir() if p.name.startswith("image_") and p.suffix in (".png", ".json"))


def write_generate_plan(opts: GenerateOptions) -> Path:
    """Validate the config with the dir flags applied, and write its plan (flat output names) into the output dir."""
    fields = {
        k: str(Path(v).resolve())
        for k, v in (
            ("font_dir", opts.font_dir),
            ("background_dir", opts.background_dir),
            ("corpus_dir", opts.corpus_dir),
        )
        if v
    }
    config = load_config(opts.batch_config, (), fields)
    orchestrator = GenerationOrchestrator(config)
    try:
        table = orchestrator.create_plan()
    finally:
        orchestrator.close()
    names = pa.array([flat_output_name(i) for i in table.column("image_id").to_pylist()], pa.string())
    index = table.schema.get_field_index("output_name")
    table = table.set_column(index, table.schema.field(index), names)
    path = Path(opts.output_dir) / PLAN_FILE
    with atomic_output(path, "--output-dir") as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return path


def generate(opts: GenerateOptions) -> RenderSummary:
    """Plan the batch into `output_dir/plan.parquet` and render every image not present yet.

    Raises:
        ConfigError: the config or its assets are invalid (print with validation_block).
        UserError: the output dir holds another run's images and `resume` is off.
    """
    out = check_output_path(opts.output_dir, "--output-dir", "dir")
    existing = _existing_images(out)
    if existing and not opts.resume:
        raise UserError(
            f"output dir {out} already holds {len(existing)} image files from another run (e.g. {existing[0]}); "
            "pass --resume to continue that run, or choose an empty --output-dir."
        )
    previous = read_checkpoint(Storage(str(out))) if opts.resume and out.is_dir() else None
    plan_path = write_generate_plan(opts)
    if previous is not None:
        done = previous.get("done")  # null after a forced run: not counted
        log.info(
            "resuming from %s (%s of %s done)",
            out / ".generation_checkpoint.json",
            "an unknown number" if done is None else done,
            previous.get("total"),
        )
        if previous.get("plan_fingerprint") != plan_metadata(pq.read_schema(plan_path))[META_PLAN_FINGERPRINT]:
            log.warning(
                "the configuration changed since the run in %s was started; existing images are kept "
                "and generation continues with the new configuration",
                out,
            )
    return render_plan(
        plan_path,
        out,
        workers=opts.generation_workers,
        chunk_size=opts.chunk_size,
        allow_mismatch=opts.resume,
        progress=opts.progress,
        io_workers=opts.workers,
        io_batch_size=opts.io_batch_size,
    )
