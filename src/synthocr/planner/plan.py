"""Planning: expand a validated config into plan rows, block by block, and write the Parquet plan."""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from synthocr import __version__
from synthocr.assets.listing import (
    FONT_SUFFIXES,
    corpus_matches,
    corpus_root,
    font_root,
    list_files,
    path_matches,
)
from synthocr.config import config_to_dict
from synthocr.errors import UserError
from synthocr.extras import url_to_fs
from synthocr.output_paths import atomic_output, check_output_path
from synthocr.planner.allocation import Allocation, TaskSequence
from synthocr.planner.backgrounds import BackgroundPool, background_sources, kind_weights
from synthocr.planner.colors import choose_color_modes, draw_colors, draw_stroke_colors
from synthocr.planner.corpus import CorpusFile, CorpusIndex, CorpusReader
from synthocr.planner.directions import resolve_auto
from synthocr.planner.effect_sampling import (
    EffectRanges,
    drop_highlights_on_dark_grounds,
    effect_key,
    neutralise,
    sample_effects,
)
from synthocr.planner.fallback import Fallback, fallback_chains, text_script
from synthocr.planner.fonts import FontCoverage, font_weight_vector, select_fonts
from synthocr.planner.instances import InstanceChoice, instance_choice
from synthocr.planner.readability import guard_degradation
from synthocr.planner.requests import COLOUR_COLUMNS, RequestColumns, RequestContext, RequestFile, check_requests
from synthocr.planner.samplers import sample_choice, sample_range
from synthocr.planner.text_case import case_weights
from synthocr.planner.texts import RESAMPLE_REASON, UNDRAWN_KEPT, TextSources, check_charsets, sample_texts
from synthocr.planner.textsources import needs_corpus, prepare_sources
from synthocr.planner.uncovered import coverage_hint, uncovered_chars
from synthocr.planner.upright_digits import sample_combine_upright, vertical_rows
from synthocr.schemas.config import BatchConfig, BatchSpecification
from synthocr.schemas.output_names import default_names, output_name
from synthocr.schemas.params import BACKGROUND_KINDS, CONFIG_DIRECTIONS, LAYOUT_PARAMS, TEXT_CASES, Effect
from synthocr.schemas.plan import (
    BUILTIN_ROOT,
    META_CONFIG,
    META_CORPUS_FILES,
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
# Rows per Parquet row group: a worker reads whole groups (small enough to be cheap per chunk), and
# the writer keeps every group's metadata until it closes (large enough to keep 10M-row plans lean).
ROW_GROUP_ROWS = 4 * BLOCK_ROWS


@dataclass
class PlanContext:
    """Everything prepared once per plan: the spec of every row, indexed corpus, healthy fonts, backgrounds.

    `requests` holds per-row values from a request file (planner/requests.py); None without one.
    """

    config: BatchConfig
    task: NDArray[np.int16] | TaskSequence  # spec index per plan row (sliced per block)
    texts: TextSources
    backgrounds: BackgroundPool
    kind_cum: NDArray[np.float64]  # (n_specs, n_kinds) cumulative background kind weights
    source_cum: NDArray[np.float64]  # (n_specs, n_sources) cumulative background source weights
    direction_cum: NDArray[np.float64]  # (n_specs, n_directions) cumulative text direction weights
    metadata: dict[str, str]
    instances: InstanceChoice
    requests: RequestColumns | None = None
    case_cum: NDArray[np.float64] | None = None  # (n_specs, n_cases) cumulative text case weights (None: as_is)
    requests_rejected: int = 0
    text_resamples: int = 0
    undrawn: dict[int, list[str]] = dataclasses.field(default_factory=dict)  # per spec: texts no font could draw
    text_report: list[str] = dataclasses.field(
        default_factory=list
    )  # what each text source can give (lines that qualify)

    @property
    def total(self) -> int:
        return len(self.task)

    @property
    def spec_names(self) -> list[str]:
        return [s.name for s in self.config.specifications]

    @property
    def fonts(self) -> FontCoverage:
        return self.texts.fonts

    def languages(self, spec_idx: NDArray[np.int64]) -> tuple[list[str], NDArray[np.int64]]:
        """The `language` column of rows of these specs: the distinct tags in spec order, and each row's."""
        tags = list(dict.fromkeys(s.language for s in self.config.specifications))
        code = np.array([tags.index(s.language) for s in self.config.specifications], np.int64)
        return tags, code[spec_idx]

    def close(self) -> None:
        """Release the corpus memory maps."""
        self.texts.reader.close()


def _cumulative(weights: list[NDArray[np.float64]]) -> NDArray[np.float64]:
    cum = np.cumsum(np.array(weights, np.float64), axis=1)
    cum = cum / cum[:, -1:]
    cum[:, -1] = 1.0
    return cum


def direction_weights(spec: BatchSpecification) -> NDArray[np.float64]:
    """Weight per direction in CONFIG_DIRECTIONS order: `text_direction_weights`, else `text_direction` alone."""
    given = spec.text_direction_weights
    if given and sum(given.values()) > 0:
        return np.array([float(given.get(d, 0.0)) for d in CONFIG_DIRECTIONS])
    return np.array([1.0 if d == spec.text_direction else 0.0 for d in CONFIG_DIRECTIONS])


@dataclass(frozen=True)
class AssetChoice:
    """Explicit assets that replace the config's dirs (the Python API's corpus_map, all_fonts, background_manager).

    `corpus` maps a name (matched by each spec's `corpus_file` glob, like a file
    name) to a corpus file; `fonts` lists font files (each spec's `font_filter`
    picks among them). Files are recorded relative to the deepest folder
    holding them all, which becomes the asset root in the plan's metadata.
    """

    corpus: Mapping[str, Path] | None = None
    fonts: Sequence[Path] | None = None
    backgrounds: BackgroundPool | None = None


def common_root(paths: Iterable[Path]) -> Path:
    """The deepest folder holding every file: the root their plan names are relative to."""
    return Path(os.path.commonpath([str(Path(p).resolve().parent) for p in paths]))


def _corpus_for(spec: BatchSpecification, croot: Path, choice: AssetChoice) -> list[Path]:
    if choice.corpus is None:
        return corpus_matches(croot, spec.corpus_file)
    return sorted(
        {
            Path(p).resolve()
            for name, p in choice.corpus.items()
            if fnmatch.fnmatchcase(name, spec.corpus_file) or path_matches(name, Path(p), spec.corpus_file)
        }
    )


def index_corpus(config: BatchConfig, choice: AssetChoice) -> tuple[Path, list[CorpusFile], list[list[int]]]:
    """The corpus root, every corpus file the specifications read (indexed once), and per spec its files.

    Raises:
        UserError: a specification that reads the corpus matches no file, or a file that is not UTF-8 text.
    """
    croot = common_root(choice.corpus.values()) if choice.corpus else corpus_root(config)
    corpus = CorpusIndex(croot)
    all_files: list[CorpusFile] = []
    position: dict[int, int] = {}  # of each file in all_files, by identity (files_for shares one object per file)
    spec_files: list[list[int]] = []
    for spec in config.specifications:
        if not needs_corpus(spec):
            spec_files.append([])
            continue
        files = corpus.files_for(_corpus_for(spec, croot, choice), spec.corpus_column, spec.corpus_encoding)
        if not files:
            raise UserError(
                f"specification {spec.name!r}: no corpus file matches corpus_file {spec.corpus_file!r}; "
                "add one to the corpus or change the pattern."
            )
        for f in files:
            if id(f) not in position:
                position[id(f)] = len(all_files)
                all_files.append(f)
        spec_files.append([position[id(f)] for f in files])
    return croot, all_files, spec_files


def prepare_plan(
    config: BatchConfig, requests: RequestFile | None = None, assets: AssetChoice | None = None
) -> PlanContext:
    """Index the assets a validated config names (or `assets` gives) and allocate the rows.

    With `requests`, the plan has one row per valid request, in file order, and
    each row's specification comes from the request (or, where it names none,
    from the allocation over those rows).
    """
    specs = config.specifications
    choice = assets or AssetChoice()
    croot, all_files, spec_files = index_corpus(config, choice)

    if choice.fonts:
        font_paths = sorted({Path(p).resolve() for p in choice.fonts})
        froot = common_root(font_paths)
    else:
        froot = font_root(config)
        font_paths = list_files(froot, "*", FONT_SUFFIXES)
    named = [(p.relative_to(froot).as_posix(), p) for p in font_paths]
    wanted = {
        rel
        for spec in specs
        for rel in (
            *select_fonts(named, list(spec.font_filter), list(spec.font_exclude)),
            *select_fonts(named, list(spec.fallback_fonts), []),
        )
    }
    fonts = FontCoverage(froot, font_paths, wanted)
    spec_fonts = np.zeros((len(specs), len(fonts.healthy)), bool)
    for i, spec in enumerate(specs):
        spec_fonts[i, fonts.indices(select_fonts(named, list(spec.font_filter), list(spec.font_exclude)))] = True
    weights = np.array(
        [
            font_weight_vector([f.rel for f in fonts.healthy], [f.path for f in fonts.healthy], dict(s.font_weights))
            for s in specs
        ]
    ).reshape(len(specs), len(fonts.healthy))
    chains = fallback_chains(specs, named, fonts)
    fallback = Fallback(fonts, chains) if any(chains) else None
    backgrounds = choice.backgrounds or BackgroundPool(background_sources(config))

    batch = Allocation(config)
    columns: RequestColumns | None = None
    task: NDArray[np.int16] | TaskSequence
    if requests is not None:
        checked = check_requests(
            requests,
            RequestContext(
                spec_names=[s.name for s in specs],
                font_names=[f.rel for f in fonts.healthy],
                spec_fonts=spec_fonts,
                coverage=fonts.coverage,
                drawable=fallback.drawable if fallback is not None else None,
                background_files=backgrounds.files,
                font_instances=[f.instances for f in fonts.healthy],
            ),
            batch.task_indices,
        )
        task, columns, rejected = checked.task, checked.columns, len(checked.rejected)
    else:
        task, rejected = batch.task_sequence(), 0
    counts = (
        task.counts(len(specs))
        if isinstance(task, TaskSequence)
        else np.bincount(task.astype(np.int64), minlength=len(specs))
    )
    for i, spec in enumerate(specs):
        if not spec_fonts[i].any() and counts[i] > 0:
            raise UserError(
                f"specification {spec.name!r}: no usable font in {froot} matches font_filter "
                f"{list(spec.font_filter)} and not font_exclude {list(spec.font_exclude)} (fonts that failed to "
                "load are in the warnings above); add a usable font or change the globs."
            )
        if spec.font_weights and not (weights[i] * spec_fonts[i] > 0).any() and counts[i] > 0:
            raise UserError(
                f"specification {spec.name!r}: font_weights {dict(spec.font_weights)} give weight 0 to every font "
                "the specification may use; give some font a positive weight."
            )
    instances = instance_choice(specs, fonts.healthy, spec_fonts, [int(c) for c in counts])
    reader = CorpusReader(all_files)
    prepared = prepare_sources(specs, all_files, spec_files, reader, [int(c) for c in counts])
    check_charsets(specs, prepared.sources, fonts, spec_fonts, fallback)
    backgrounds.check_sources(specs, [int(c) for c in counts])
    kind_cum = _cumulative([kind_weights(s.background_weights, bool(backgrounds.files)) for s in specs])
    source_cum = _cumulative([backgrounds.source_weights(s.background_dir_weights) for s in specs])
    direction_cum = _cumulative([direction_weights(s) for s in specs])
    case_cum = _cumulative([case_weights(s) for s in specs]) if any(s.text_case_weights for s in specs) else None
    template_names = tuple(dict.fromkeys(n for src in prepared.sources for n in src.template_names))
    texts = TextSources(
        config,
        all_files,
        prepared.spec_files,
        reader,
        fonts,
        spec_fonts,
        prepared.sources,
        font_weights=weights if (weights > 0).any() else None,
        template_names=template_names,
        fallback=fallback,
    )
    metadata = _metadata(
        config,
        fonts,
        all_files,
        backgrounds,
        len(task),
        font_root=str(froot) if choice.fonts else None,
        corpus_root=str(croot) if choice.corpus else None,
    )
    return PlanContext(
        config,
        task,
        texts,
        backgrounds,
        kind_cum,
        source_cum,
        direction_cum,
        metadata,
        instances,
        columns,
        case_cum=case_cum,
        requests_rejected=rejected,
        text_report=prepared.report,
    )


def _metadata(
    config: BatchConfig,
    fonts: FontCoverage,
    corpus: list[CorpusFile],
    backgrounds: BackgroundPool,
    rows: int,
    font_root: str | None = None,
    corpus_root: str | None = None,
) -> dict[str, str]:
    resolved = json.dumps(config_to_dict(config), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    fingerprint = hashlib.sha1(resolved.encode()).hexdigest()
    inventory = {
        "fonts": [(f.rel, f.path.stat().st_size) for f in fonts.healthy],
        "corpus": sorted((f.rel, f.path.stat().st_size) for f in corpus),
        "backgrounds": backgrounds.inventory(),
    }
    plan_fp = hashlib.sha1(json.dumps([fingerprint, __version__, inventory], sort_keys=True).encode()).hexdigest()
    roots = {
        "font": font_root or (BUILTIN_ROOT if not config.font_dir else str(Path(config.font_dir).resolve())),
        "corpus": corpus_root or (BUILTIN_ROOT if not config.corpus_dir else str(Path(config.corpus_dir).resolve())),
        "background": str(backgrounds.root) if backgrounds.root else "",
    }
    return {
        META_CONFIG: resolved,
        META_FINGERPRINT: fingerprint,
        META_PLAN_FINGERPRINT: plan_fp,
        META_VERSION: __version__,
        META_ROOTS: json.dumps(roots, sort_keys=True),
        META_SEED: str(config.seed),
        META_ROWS: str(rows),
        META_CORPUS_FILES: json.dumps(
            {f.rel: {"sha1": f.sha1, "bytes": f.size} for f in corpus}, sort_keys=True, ensure_ascii=False
        ),
    }


def _spec_array(config: BatchConfig, attr: str) -> NDArray[np.float64]:
    return np.array([float(getattr(s, attr)) for s in config.specifications])


def _dict_array(values: list[str], codes: NDArray[np.int64]) -> pa.DictionaryArray:
    """Dictionary column of values[codes]; repeated values share one dictionary entry."""
    uniq, inverse = np.unique(np.array(values, dtype=object), return_inverse=True)
    return pa.DictionaryArray.from_arrays(pa.array(inverse[codes], pa.int32()), pa.array(uniq.tolist(), pa.string()))


def _template_codes(template_idx: NDArray[np.int64] | None, n: int) -> NDArray[np.int64]:
    return np.zeros(n, np.int64) if template_idx is None else template_idx + 1


def _text_cases(
    ctx: PlanContext, block: int, spec_idx: NDArray[np.int64], req: RequestColumns | None
) -> NDArray[np.int64]:
    """Index into TEXT_CASES per row: drawn from the spec's `text_case_weights` (its own stream, so a config
    without them plans the same rows as before), a request's `text_case`, or as_is for a requested text."""
    n = len(spec_idx)
    codes = np.zeros(n, np.int64)
    if ctx.case_cum is not None:
        codes = sample_choice(
            np.random.default_rng([ctx.config.seed, block, effect_key("text_case")]), ctx.case_cum[spec_idx]
        )
    if req is not None:
        if "text" in req.given:
            codes[req.given["text"]] = 0
        if "text_case" in req.given:
            given = req.given["text_case"]
            codes[given] = [TEXT_CASES.index(str(c)) for c in req.values["text_case"][given]]
    return codes


def _combine_upright(
    ctx: PlanContext, block: int, spec_idx: NDArray[np.int64], directions: Any, req: RequestColumns | None
) -> NDArray[np.uint8]:
    """The `combine_upright_digits` column: drawn for the vertical rows of specs that combine digits (its own
    stream, so a config without it plans the same rows as before), or a request's value; 0 in horizontal rows."""
    config = ctx.config
    vertical = vertical_rows(directions)
    column = np.zeros(len(spec_idx), np.uint8)
    if any(s.combine_upright_digits for s in config.specifications):
        column = sample_combine_upright(
            np.random.default_rng([config.seed, block, effect_key("combine_upright_digits")]),
            _spec_array(config, "combine_upright_digits").astype(np.int64)[spec_idx],
            _spec_array(config, "combine_upright_digits_probability")[spec_idx],
            vertical,
        )
    if req is not None and "combine_upright_digits" in req.given:
        given = req.given["combine_upright_digits"]
        column = np.where(given, req.values["combine_upright_digits"], column).astype(np.uint8)
    column[~vertical] = 0  # a horizontal line has no digits to combine: its row says so plainly
    return column


def _case_languages(ctx: PlanContext, spec_idx: NDArray[np.int64], req: RequestColumns | None) -> list[str]:
    """Each row's language, whose rules case its text: the spec's, or a request's."""
    tags, codes = ctx.languages(spec_idx)
    languages = [tags[c] for c in codes.tolist()]
    if req is not None and "language" in req.given:
        languages = [str(v) if g else t for t, v, g in zip(languages, req.values["language"], req.given["language"])]
    return languages


def _fallback_columns(
    fallback: Fallback | None, texts: list[str], font_idx: NDArray[np.int64], spec_idx: NDArray[np.int64]
) -> dict[str, tuple[list[str], NDArray[np.int64]]]:
    """The `fallback_fonts` and `fallback_sha1` columns: per row, the fonts drawing what its font lacks."""
    needed = fallback.needed(texts, font_idx, spec_idx) if fallback is not None else [()] * len(texts)
    values, codes = np.unique(np.array([",".join(map(str, n)) for n in needed], dtype=object), return_inverse=True)
    chains = [tuple(int(i) for i in v.split(",")) if v else () for v in values]
    healthy = fallback.fonts.healthy if fallback is not None else []
    return {
        "fallback_fonts": (["|".join(healthy[i].rel for i in c) for c in chains], codes),
        "fallback_sha1": (["|".join(healthy[i].sha1 for i in c) for c in chains], codes),
    }


def plan_block(ctx: PlanContext, block: int) -> pa.Table:
    """Plan rows [block * BLOCK_ROWS, ...): a pure function of the config, assets, requests and block number."""
    start = block * BLOCK_ROWS
    stop = min(start + BLOCK_ROWS, ctx.total)
    spec_idx = ctx.task[start:stop].astype(np.int64)
    n = stop - start
    config = ctx.config
    rng = np.random.default_rng([config.seed, block])
    req = ctx.requests.slice(start, stop) if ctx.requests is not None else None
    fonts = ctx.texts.fonts

    fixed_text = req.text_values() if req is not None else None
    fixed_font = req.font_indices([f.rel for f in fonts.healthy]) if req is not None else None
    cases = _text_cases(ctx, block, spec_idx, req)
    sampled = sample_texts(
        ctx.texts,
        rng,
        spec_idx,
        fixed_text=fixed_text,
        fixed_font=fixed_font,
        cases=(cases, _case_languages(ctx, spec_idx, req)) if cases.any() else None,
    )
    ctx.text_resamples += sampled.resamples
    for s, texts in sampled.undrawn.items():
        kept = ctx.undrawn.setdefault(s, [])
        kept.extend(texts[: UNDRAWN_KEPT - len(kept)])
    font_names = [f.rel for f in fonts.healthy]
    corpus_names = [""] + [f.rel for f in ctx.texts.corpus_files]
    columns: dict[str, Any] = {
        "image_id": np.arange(start, stop, dtype=np.int64),
        "spec": (list(ctx.spec_names), spec_idx),
        "seed": rng.integers(0, 2**63 - 1, n, dtype=np.int64),
        "text": sampled.texts,
        "text_case": (list(TEXT_CASES), cases),
        "text_direction": resolve_auto(
            (list(CONFIG_DIRECTIONS), sample_choice(rng, ctx.direction_cum[spec_idx])), sampled.texts
        ),
        "language": ctx.languages(spec_idx),
        "corpus_file": (corpus_names, sampled.file_idx + 1),
        "corpus_line": sampled.line_idx,
        "template": ([""] + list(ctx.texts.template_names), _template_codes(sampled.template_idx, n)),
        "font": (font_names, sampled.font_idx),
        "font_sha1": ([f.sha1 for f in fonts.healthy], sampled.font_idx),
        "font_instance": ctx.instances.sample(
            np.random.default_rng([config.seed, block, effect_key("font_instance")]), spec_idx, sampled.font_idx
        ),
        **_fallback_columns(ctx.texts.fallback, sampled.texts, sampled.font_idx, spec_idx),
    }
    kinds = sample_choice(rng, ctx.kind_cum[spec_idx])
    bg_file, _ = ctx.backgrounds.choose(rng, ctx.source_cum[spec_idx])
    is_image = kinds == BACKGROUND_KINDS.index("image")
    columns["background_kind"] = (list(BACKGROUND_KINDS), kinds)
    columns["background_file"] = ([""] + ctx.backgrounds.files, np.where(is_image, bg_file + 1, 0))
    columns["background_x"] = rng.random(n).astype(np.float32)
    columns["background_y"] = rng.random(n).astype(np.float32)
    for p in LAYOUT_PARAMS:
        lo = _spec_array(config, f"{p.name}_min")[spec_idx]
        hi = _spec_array(config, f"{p.name}_max")[spec_idx]
        for col in p.column_names:
            columns[col] = sample_range(rng, p, lo, hi)
    color_rng = np.random.default_rng([config.seed, block, effect_key("colors")])
    columns.update(choose_color_modes(color_rng, config.specifications, spec_idx))

    def ranges(effect: Effect) -> EffectRanges:
        lo = {p.name: _spec_array(config, f"{p.name}_min")[spec_idx] for p in effect.params}
        hi = {p.name: _spec_array(config, f"{p.name}_max")[spec_idx] for p in effect.params}
        share = _spec_array(config, f"{effect.name}_probability")[spec_idx]
        return EffectRanges(lo, hi, share, _spec_array(config, "min_char_height")[spec_idx])

    columns.update(sample_effects(config.seed, block, ranges, columns))
    drop_highlights_on_dark_grounds(columns)
    guard_degradation(columns, columns["font_size"], _spec_array(config, "degradation_budget")[spec_idx])
    columns["color_mode"] = ([config.color_mode], np.zeros(n, np.int64))
    columns["combine_upright_digits"] = np.zeros(n, np.uint8)  # drawn below, once the directions are final
    if req is not None:
        req.apply(columns)
        columns["text_direction"] = resolve_auto(columns["text_direction"], sampled.texts)  # a request's auto
    columns["combine_upright_digits"] = _combine_upright(ctx, block, spec_idx, columns["text_direction"], req)
    neutralise(columns)
    draw_colors(color_rng, columns)
    draw_stroke_colors(
        np.random.default_rng([config.seed, block, effect_key("stroke_color")]),
        columns,
        _spec_array(config, "stroke_color_min")[spec_idx],
        _spec_array(config, "stroke_color_max")[spec_idx],
    )
    if req is not None:
        req.apply(columns, only=COLOUR_COLUMNS)
        neutralise(columns)  # a requested outline colour on a row without an outline says so plainly: neutral
        names = req.output_names(start, output_name)
        columns["output_name"] = pa.array(names, pa.string())
    else:
        columns["output_name"] = default_names(np.arange(start, stop, dtype=np.int64))
    return _to_table(columns)


def _to_table(columns: dict[str, Any]) -> pa.Table:
    arrays = []
    for field in PLAN_SCHEMA:
        value = columns[field.name]
        if isinstance(value, tuple):
            arrays.append(_dict_array(*value))
        elif pa.types.is_dictionary(field.type):
            uniq, inverse = np.unique(np.asarray(value, dtype=object).astype(str), return_inverse=True)
            arrays.append(pa.DictionaryArray.from_arrays(pa.array(inverse, pa.int32()), pa.array(uniq.tolist())))
        elif isinstance(value, pa.Array):
            arrays.append(value)
        else:
            arrays.append(pa.array(value, field.type))
    return pa.Table.from_arrays(arrays, schema=PLAN_SCHEMA)


def iter_plan(ctx: PlanContext) -> Iterator[pa.Table]:
    """The plan block by block, in image_id order."""
    n_blocks = -(-ctx.total // BLOCK_ROWS)
    for block in range(n_blocks):
        yield plan_block(ctx, block)
    if ctx.text_resamples:
        log.info("%d texts were drawn again because %s", ctx.text_resamples, RESAMPLE_REASON)


def undrawn_notes(ctx: PlanContext) -> list[str]:
    """Per specification some of whose drawn texts no font it may use could draw (they were drawn again):
    the characters none of its fonts or fallback fonts has, and the fonts of the font dir that do."""
    fonts = ctx.texts.fonts
    fallback = ctx.texts.fallback
    notes = []
    for s, texts in sorted(ctx.undrawn.items()):
        if not texts:
            continue
        chain = fallback.member[s] if fallback is not None and fallback.chains[s] else None
        allowed = ctx.texts.spec_fonts[s] if chain is None else ctx.texts.spec_fonts[s] | chain
        if chain is not None and not uncovered_chars(fonts, allowed, texts):
            script = text_script(texts[0])
            hint = (
                f"each character of {texts[0]!r} is drawn by its fonts or its fallback fonts, but none of the fonts "
                f"it may use draws the line's main script ({script}, ISO 15924) itself (a row's font draws its line's "
                f"main script; fallback fonts draw only what it lacks): allow a font for {script} in font_filter, or "
                "keep such texts out of this specification's corpus"
            )
        else:
            hint = coverage_hint(fonts, allowed, texts)
        notes.append(f"specification {ctx.spec_names[s]!r}: {hint}")
    return notes


def schema_with_metadata(metadata: dict[str, str]) -> pa.Schema:
    return PLAN_SCHEMA.with_metadata({**PLAN_SCHEMA.metadata, **{k.encode(): v.encode() for k, v in metadata.items()}})


def plan_batch(config: BatchConfig, requests: RequestFile | None = None) -> pa.Table:
    """The whole plan in memory, with its metadata (for tests, dry runs and small batches)."""
    ctx = prepare_plan(config, requests)
    try:
        return plan_table(ctx)
    finally:
        ctx.close()


def plan_table(ctx: PlanContext) -> pa.Table:
    """Every block of a prepared plan as one validated in-memory table with its metadata."""
    table = pa.concat_tables(list(iter_plan(ctx))).replace_schema_metadata(schema_with_metadata(ctx.metadata).metadata)
    validate_plan(table)
    return table


_DICT_COLUMNS = [f.name for f in PLAN_SCHEMA if pa.types.is_dictionary(f.type)]


def write_plan(
    config: BatchConfig, path: str | Path, requests: RequestFile | None = None, ctx: PlanContext | None = None
) -> int:
    """Plan and write the Parquet file block by block (bounded memory); returns the row count.

    The file appears atomically: a crash leaves no half-written plan under `path`.
    Pass `ctx` (from prepare_plan) to read its counters (text resamples) afterwards.
    """
    check_output_path(path, "-o", "file")
    ctx = ctx if ctx is not None else prepare_plan(config, requests)
    if "://" in os.fspath(path):  # an object store: written here, then put whole (atomic on S3)
        fs, remote = url_to_fs(os.fspath(path))
        with tempfile.TemporaryDirectory(prefix="synthocr-plan-") as tmp_dir:
            local = Path(tmp_dir) / "plan.parquet"
            rows = write_plan(config, local, requests, ctx)
            try:
                fs.put_file(str(local), remote)
            except OSError as exc:
                raise UserError(f"cannot write the plan to {path}: {exc}") from None
        return rows
    rows = 0
    try:
        with (
            atomic_output(path, "-o") as tmp,
            pq.ParquetWriter(
                tmp,
                schema_with_metadata(ctx.metadata),
                compression="zstd",
                use_dictionary=_DICT_COLUMNS,
                write_statistics=["image_id"],
            ) as writer,
        ):
            pending: list[pa.Table] = []
            for table in iter_plan(ctx):
                validate_plan(table)
                pending.append(table)
                rows += table.num_rows
                if len(pending) * BLOCK_ROWS >= ROW_GROUP_ROWS:
                    writer.write_table(pa.concat_tables(pending), row_group_size=ROW_GROUP_ROWS)
                    pending = []
            if pending:
                writer.write_table(pa.concat_tables(pending), row_group_size=ROW_GROUP_ROWS)
    finally:
        ctx.close()
    return rows
