"""Planning: expand a validated config into plan rows, block by block, and write the Parquet plan."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from synthocr import __version__
from synthocr.errors import UserError
from synthocr.planner.allocation import allocate_shares, interleave
from synthocr.planner.backgrounds import BackgroundImageManager, kind_weights
from synthocr.planner.corpus import CorpusFile, CorpusManager, CorpusReader, cut_text, line_choice
from synthocr.planner.fonts import FontHealthManager, pick_columns
from synthocr.planner.samplers import sample_choice, sample_range, sample_tinted
from synthocr.planner.validation import (
    FONT_SUFFIXES,
    IMAGE_SUFFIXES,
    config_to_dict,
    corpus_root,
    font_root,
    list_files,
)
from synthocr.schemas.config import BatchConfig
from synthocr.schemas.params import BACKGROUND_KINDS, RANGE_PARAMS
from synthocr.schemas.plan import (
    BUILTIN_ROOT,
    META_CONFIG,
    META_FINGERPRINT,
    META_PLAN_FINGERPRINT,
    META_ROOTS,
    META_ROWS,
    META_SEED,
    META_VERSION,
    PLAN_SCHEMA,
    validate_plan,
)

log = logging.getLogger(__name__)

# Randomness is drawn per block of plan rows, from a generator keyed by (seed, block):
# a row's values never depend on how the plan is chunked or written.
BLOCK_ROWS = 4096
MAX_TEXT_TRIES = 20
SHARD_SIZE = 1000  # images per output folder (2 files each)


@dataclass
class PlanContext:
    """Everything prepared once per plan: shares, indexed corpus, healthy fonts, backgrounds."""

    config: BatchConfig
    task: NDArray[np.int16]  # spec index per plan row
    corpus_files: list[CorpusFile]
    spec_files: list[list[int]]  # per spec, indices into corpus_files
    reader: CorpusReader
    fonts: FontHealthManager
    spec_fonts: NDArray[np.bool_]  # (n_specs, n_fonts): fonts each spec's filter allows
    backgrounds: BackgroundImageManager
    kind_cum: NDArray[np.float64]  # (n_specs, n_kinds) cumulative background kind weights
    metadata: dict[str, str]
    text_resamples: int = 0

    @property
    def total(self) -> int:
        return len(self.task)


def output_name(image_id: int) -> str:
    """Default output path of an image, relative to the output dir, without extension."""
    return f"{image_id // SHARD_SIZE:05d}/image_{image_id:08d}"


def prepare_plan(config: BatchConfig) -> PlanContext:
    """Index the assets a validated config names and allocate the rows."""
    specs = config.specifications
    shares = allocate_shares([s.proportion for s in specs], config.total_images)
    task = interleave(shares)

    croot = corpus_root(config)
    corpus = CorpusManager(croot)
    all_files: list[CorpusFile] = []
    spec_files: list[list[int]] = []
    for spec in specs:
        files = corpus.files_for(list_files(croot, spec.corpus_file))
        idx = []
        for f in files:
            if f not in all_files:
                all_files.append(f)
            idx.append(all_files.index(f))
        spec_files.append(idx)

    froot = font_root(config)
    fonts = FontHealthManager(froot, list_files(froot, "*", FONT_SUFFIXES))
    spec_fonts = np.zeros((len(specs), len(fonts.healthy)), bool)
    for i, spec in enumerate(specs):
        allowed = fonts.indices([p.relative_to(froot).as_posix() for p in list_files(froot, spec.font_filter)])
        if not allowed and shares[i] > 0:
            raise UserError(
                f"specification {spec.name!r}: every font matching font_filter {spec.font_filter!r} in {froot} "
                "failed to load (see the warnings above); add a usable font or widen the filter."
            )
        spec_fonts[i, allowed] = True

    broot = Path(config.background_dir) if config.background_dir else None
    bg_paths = list_files(broot, "*", IMAGE_SUFFIXES) if broot else []
    backgrounds = BackgroundImageManager(broot, bg_paths)
    kind_cum = np.cumsum(
        [kind_weights(s.background_weights, bool(backgrounds.files)) for s in specs], axis=1
    )
    kind_cum[:, -1] = 1.0

    metadata = _metadata(config, froot, fonts, all_files, broot, backgrounds)
    return PlanContext(
        config, task, all_files, spec_files, CorpusReader(all_files), fonts, spec_fonts, backgrounds,
        kind_cum, metadata,
    )


def _metadata(config: BatchConfig, froot: Path, fonts: FontHealthManager, corpus: list[CorpusFile],
              broot: Path | None, backgrounds: BackgroundImageManager) -> dict[str, str]:
    resolved = json.dumps(config_to_dict(config), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    fingerprint = hashlib.sha1(resolved.encode()).hexdigest()
    inventory = {
        "fonts": [(f.rel, f.path.stat().st_size) for f in fonts.healthy],
        "corpus": sorted((f.rel, f.path.stat().st_size) for f in corpus),
        "backgrounds": [(r, (broot / r).stat().st_size) for r in backgrounds.files] if broot else [],
    }
    plan_fp = hashlib.sha1(
        json.dumps([fingerprint, __version__, inventory], sort_keys=True).encode()
    ).hexdigest()
    roots = {
        "font": BUILTIN_ROOT if not config.font_dir else str(Path(config.font_dir).resolve()),
        "corpus": BUILTIN_ROOT if not config.corpus_dir else str(Path(config.corpus_dir).resolve()),
        "background": str(broot.resolve()) if broot else "",
    }
    return {
        META_CONFIG: resolved,
        META_FINGERPRINT: fingerprint,
        META_PLAN_FINGERPRINT: plan_fp,
        META_VERSION: __version__,
        META_ROOTS: json.dumps(roots, sort_keys=True),
        META_SEED: str(config.seed),
        META_ROWS: str(config.total_images),
    }


def _spec_array(config: BatchConfig, attr: str) -> NDArray[np.float64]:
    return np.array([float(getattr(s, attr)) for s in config.specifications])


def _dict_array(values: list[str], codes: NDArray[np.int64]) -> pa.DictionaryArray:
    """Dictionary column of values[codes]; repeated values share one dictionary entry."""
    uniq, inverse = np.unique(np.array(values, dtype=object), return_inverse=True)
    return pa.DictionaryArray.from_arrays(
        pa.array(inverse[codes], pa.int32()), pa.array(uniq.tolist(), pa.string())
    )


def _sample_texts(ctx: PlanContext, rng: np.random.Generator, spec_idx: NDArray[np.int16]
                  ) -> tuple[list[str], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Texts, their corpus file and line, and a font covering every character, per row."""
    n = len(spec_idx)
    config = ctx.config
    lo_len = _spec_array(config, "min_text_length")[spec_idx]
    hi_len = _spec_array(config, "max_text_length")[spec_idx]
    texts: list[str] = [""] * n
    file_idx = np.zeros(n, np.int64)
    line_idx = np.zeros(n, np.int64)
    font_idx = np.full(n, -1, np.int64)
    todo = np.arange(n)
    for attempt in range(MAX_TEXT_TRIES):
        u_line, u_len, u_start, u_font = rng.random((4, len(todo)))
        lengths = np.minimum(lo_len[todo] + np.floor(u_len * (hi_len[todo] - lo_len[todo] + 1)), hi_len[todo])
        for s in np.unique(spec_idx[todo]):
            rows = np.flatnonzero(spec_idx[todo] == s)
            local_files = [ctx.corpus_files[i] for i in ctx.spec_files[s]]
            f_local, l_idx = line_choice(local_files, u_line[rows])
            spec = config.specifications[s]
            for r, fl, li in zip(rows, f_local, l_idx):
                row = todo[r]
                file_idx[row] = ctx.spec_files[s][fl]
                line_idx[row] = li
                texts[row] = cut_text(ctx.reader, int(file_idx[row]), int(li), int(lengths[r]), float(u_start[r]),
                                      spec.min_text_length, spec.max_text_length)
        allowed = ctx.fonts.coverage([texts[i] for i in todo]) & ctx.spec_fonts[spec_idx[todo]]
        font_idx[todo] = pick_columns(allowed, u_font)
        missing = font_idx[todo] < 0
        if attempt:
            ctx.text_resamples += len(todo)
        todo = todo[missing]
        if len(todo) == 0:
            return texts, file_idx, line_idx, font_idx
    row = int(todo[0])
    spec = config.specifications[int(spec_idx[row])]
    raise UserError(
        f"specification {spec.name!r}: after {MAX_TEXT_TRIES} tries, no font matching {spec.font_filter!r} covers "
        f"every character of texts from {spec.corpus_file!r} (e.g. {texts[row]!r}); add a font that covers the "
        "corpus script or narrow corpus_file."
    )


def plan_block(ctx: PlanContext, block: int) -> pa.Table:
    """Plan rows [block * BLOCK_ROWS, ...): a pure function of the config, assets and block number."""
    start = block * BLOCK_ROWS
    stop = min(start + BLOCK_ROWS, ctx.total)
    spec_idx = ctx.task[start:stop].astype(np.int64)
    n = stop - start
    config = ctx.config
    rng = np.random.default_rng([config.seed, block])
    ids = np.arange(start, stop, dtype=np.int64)

    texts, file_idx, line_idx, font_idx = _sample_texts(ctx, rng, spec_idx)
    columns: dict[str, pa.Array] = {
        "image_id": pa.array(ids),
        "spec": _dict_array([s.name for s in config.specifications], spec_idx),
        "seed": pa.array(rng.integers(0, 2**63 - 1, n, dtype=np.int64)),
        "text": pa.array(texts, pa.string()),
        "text_direction": _dict_array([s.text_direction for s in config.specifications], spec_idx),
        "corpus_file": _dict_array([f.rel for f in ctx.corpus_files], file_idx),
        "corpus_line": pa.array(line_idx),
        "font": _dict_array([f.rel for f in ctx.fonts.healthy], font_idx),
    }
    kinds = sample_choice(rng, ctx.kind_cum[spec_idx])
    n_bg = max(len(ctx.backgrounds.files), 1)
    bg_file = np.minimum((rng.random(n) * n_bg).astype(np.int64), n_bg - 1)
    is_image = kinds == BACKGROUND_KINDS.index("image")
    columns["background_kind"] = _dict_array(list(BACKGROUND_KINDS), kinds)
    columns["background_file"] = _dict_array([""] + ctx.backgrounds.files, np.where(is_image, bg_file + 1, 0))
    columns["background_x"] = pa.array(rng.random(n).astype(np.float32))
    columns["background_y"] = pa.array(rng.random(n).astype(np.float32))

    for p in RANGE_PARAMS:
        lo = _spec_array(config, f"{p.name}_min")[spec_idx]
        hi = _spec_array(config, f"{p.name}_max")[spec_idx]
        for col in p.column_names:
            columns[col] = pa.array(sample_range(rng, p, lo, hi))
    tint = columns["color_tint"].to_numpy()
    for who in ("ink", "background"):
        r, g, b = sample_tinted(rng, columns[f"{who}_gray"].to_numpy(), tint)
        columns[f"{who}_r"], columns[f"{who}_g"], columns[f"{who}_b"] = pa.array(r), pa.array(g), pa.array(b)
    columns["color_mode"] = _dict_array([config.color_mode], np.zeros(n, np.int64))
    columns["output_name"] = pa.array([output_name(i) for i in range(start, stop)], pa.string())
    return pa.Table.from_arrays([columns[name] for name in PLAN_SCHEMA.names], schema=PLAN_SCHEMA)


def iter_plan(ctx: PlanContext) -> Iterator[pa.Table]:
    """The plan block by block, in image_id order."""
    n_blocks = -(-ctx.total // BLOCK_ROWS)
    for block in range(n_blocks):
        yield plan_block(ctx, block)
    if ctx.text_resamples:
        log.info("%d texts were resampled because no eligible font covered them", ctx.text_resamples)


def schema_with_metadata(metadata: dict[str, str]) -> pa.Schema:
    return PLAN_SCHEMA.with_metadata({**PLAN_SCHEMA.metadata, **{k.encode(): v.encode() for k, v in metadata.items()}})


def plan_batch(config: BatchConfig) -> pa.Table:
    """The whole plan in memory, with its metadata (for tests, dry runs and small batches)."""
    ctx = prepare_plan(config)
    table = pa.concat_tables(list(iter_plan(ctx))).replace_schema_metadata(
        schema_with_metadata(ctx.metadata).metadata
    )
    validate_plan(table)
    return table


_DICT_COLUMNS = [f.name for f in PLAN_SCHEMA if pa.types.is_dictionary(f.type)]


def write_plan(config: BatchConfig, path: str | Path) -> int:
    """Plan and write the Parquet file block by block (bounded memory); returns the row count.

    The file appears atomically: a crash leaves no half-written plan under `path`.
    """
    ctx = prepare_plan(config)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    rows = 0
    try:
        with pq.ParquetWriter(
            tmp,
            schema_with_metadata(ctx.metadata),
            compression="zstd",
            use_dictionary=_DICT_COLUMNS,
            write_statistics=["image_id"],
        ) as writer:
            for table in iter_plan(ctx):
                validate_plan(table)
                writer.write_table(table, row_group_size=BLOCK_ROWS)
                rows += table.num_rows
        os.replace(tmp, path)
    finally:
        ctx.reader.close()
        if tmp.exists():
            tmp.unlink()
    return rows
