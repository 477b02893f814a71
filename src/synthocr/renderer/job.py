"""A render run as one value: what to render where and how (RenderJob), and what it did (RenderSummary)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from synthocr.errors import UserError
from synthocr.renderer.backends import check_backend
from synthocr.renderer.finished import FORMATS
from synthocr.renderer.shards import DEFAULT_SHARD_SIZE, check_layout


@dataclass(frozen=True)
class RenderJob:
    """Everything `synthocr render` is asked to do; `render(job)` runs it.

    `plan` and `output` are local paths or fsspec URLs (file://, memory://, s3://...).
    """

    plan: str
    output: str
    workers: int = -1  # worker processes (-1: every core); with local-dask, the cluster's workers
    chunk_size: int = 64  # plan rows per worker task
    fmt: str = "png"  # png, jpg or webp
    png_compress_level: int = 1  # 0 (stored) to 9 (smallest); 1 is the fast ISA-L path
    allow_mismatch: bool = False  # render into an output dir that records another plan
    progress: bool = False  # a tqdm progress bar
    rows: str | None = None  # "10,20-30": only these plan rows
    where: str | None = None  # a pandas query over plan columns: only matching rows
    ids: str | None = None  # a file of image ids (text, CSV or Parquet with image_id): only those rows
    metadata_from: str | None = None  # for a plan without metadata (pandas-written): the plan to take it from
    force: bool = False  # re-render the selected rows even when finished
    dry_run: bool = False  # count the pending rows, write nothing
    verify: bool = False  # check finished outputs by a full decode and their SHA-256, not only headers
    backend: str = "local"  # local, dask or local-dask
    scheduler: str | None = None  # the Dask scheduler address (backend dask)
    io_workers: int = 1  # threads encoding and writing images inside each worker
    io_batch_size: int = 16  # images handed to those threads at a time
    layout: str = "files"  # files (image + label per row), webdataset (tar shards) or parquet (Parquet shards)
    shard_size: int = DEFAULT_SHARD_SIZE  # plan rows per shard (shard layouts)

    def __post_init__(self) -> None:
        object.__setattr__(self, "plan", os.fspath(self.plan))
        object.__setattr__(self, "output", os.fspath(self.output))

    def check(self) -> None:
        """Refuse bad settings before any work is done.

        Raises:
            UserError: naming the option and the values it takes.
        """
        if self.fmt not in FORMATS:
            raise UserError(f"--format {self.fmt!r} is not supported; use one of {', '.join(FORMATS)}.")
        if self.chunk_size < 1:
            raise UserError(f"--chunk-size must be at least 1, got {self.chunk_size}.")
        if self.io_workers < 1 or self.io_batch_size < 1:
            raise UserError(
                f"I/O workers and I/O batch size must be at least 1, got {self.io_workers} and {self.io_batch_size}."
            )
        if not 0 <= self.png_compress_level <= 9:
            raise UserError(
                f"--png-compress-level must be 0 (none, fastest) to 9 (smallest), got {self.png_compress_level}."
            )
        check_backend(self.backend, self.scheduler)
        check_layout(self.layout, self.shard_size)
        if self.layout != "files" and (self.rows or self.where):
            raise UserError(
                f"--rows and --where pick single rows, but --layout {self.layout} writes whole shards of "
                f"{self.shard_size} plan rows; render the selection with --layout files, or plan a smaller plan."
            )


@dataclass(frozen=True)
class ChunkTask:
    """What a worker needs besides its rows: small, pickled with every task."""

    plan: str
    output: str
    fmt: str
    roots_json: str  # the plan's asset roots (JSON), the key of the worker's asset cache
    fingerprint: str  # the plan fingerprint every label records
    run_id: str
    png_compress_level: int = 1
    io_workers: int = 1
    io_batch_size: int = 16
    layout: str = "files"
    shard_size: int = DEFAULT_SHARD_SIZE
    replace_formats: bool = False  # delete a remote output's image of another format (forced re-renders)


@dataclass
class RenderSummary:
    """What a render run did."""

    total: int = 0  # rows in the plan
    skipped: int = 0  # already finished, or not selected
    rendered: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    pending: int = 0  # rows a dry run would render
    damaged: int = 0  # outputs present but not finished (rendered again)
    uncommitted: list[str] = field(default_factory=list)  # shards left unwritten because one of their rows failed
    finished: int = -1  # rows of the plan finished before the run (-1: not known, a forced run)

    @property
    def images_per_second(self) -> float:
        return self.rendered / self.seconds if self.seconds > 0 else 0.0

    @property
    def success_rate(self) -> float:
        """Rendered rows as a fraction of the rows attempted in this run (1.0 when none were)."""
        attempted = self.rendered + len(self.failed)
        return self.rendered / attempted if attempted else 1.0
