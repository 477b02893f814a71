"""Which fonts can draw which texts: fonts x corpus files (or specifications), scripts per font, unused fonts."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from synthocr.assets.listing import FONT_KINDS, FONT_SUFFIXES, list_files
from synthocr.errors import UserError
from synthocr.planner.corpus import CorpusFile, CorpusReader, index_any
from synthocr.planner.fallback import Fallback, fallback_chain, fallback_chains
from synthocr.planner.fonts import FontCoverage, FontInfo, select_fonts
from synthocr.schemas.text_rules import encoding_problem

SAMPLE_TEXTS = 1000  # texts drawn per corpus file or specification
MIN_SCRIPT_LETTERS = 10  # a font "covers" a script when it has at least this many of its letters


def font_scripts(codepoints: frozenset[int]) -> dict[str, int]:
    """Letters per script in a character map (script: first word of the letter's Unicode name), most first."""
    counts: Counter[str] = Counter()
    for cp in codepoints:
        ch = chr(cp)
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            script = name.split(" ", 1)[0] if name else ""
            if script and script != "MODIFIER":  # modifier letters belong to no one script
                counts[script] += 1
    return {k: v for k, v in counts.most_common() if v >= MIN_SCRIPT_LETTERS}


@dataclass
class FontTable:
    """Share of sampled texts each font draws, per column (a corpus file or a specification)."""

    font_dir: str
    columns: list[str]
    fonts: list[FontInfo]
    scripts: list[dict[str, int]]
    share: np.ndarray  # (fonts, columns), NaN for unhealthy fonts
    allowed: np.ndarray  # (fonts, columns): the column's font_filter / font_exclude allow the font
    texts: list[int] = field(default_factory=list)  # texts sampled per column
    fallbacks: list[list[str]] = field(default_factory=list)  # per column, the fallback fonts shares count with

    @property
    def unused(self) -> list[str]:
        """Healthy fonts that no column may use and draw at least one sampled text with."""
        usable = (np.nan_to_num(self.share) > 0) & self.allowed
        return [f.rel for f, ok in zip(self.fonts, usable.any(axis=1)) if f.healthy and not ok]

    def to_dict(self) -> dict[str, Any]:
        return {
            "font_dir": self.font_dir,
            "columns": [
                {"name": c, "texts": n, "fallback_fonts": fb}
                for c, n, fb in zip(self.columns, self.texts, self.fallbacks or [[]] * len(self.columns))
            ],
            "fonts": [
                {
                    "font": f.rel,
                    "healthy": f.healthy,
                    "reason": f.reason,
                    "codepoints": len(f.codepoints),
                    "scripts": s,
                    "instances": list(f.instances),
                    "share": {c: (None if np.isnan(v) else round(float(v), 4)) for c, v in zip(self.columns, row)},
                    "allowed": {c: bool(a) for c, a in zip(self.columns, allowed)},
                }
                for f, s, row, allowed in zip(self.fonts, self.scripts, self.share, self.allowed)
            ],
            "unused": self.unused,
        }

    def format(self) -> str:
        """A plain-text table: one row per font; a share in parentheses is one the column's filter excludes."""
        head = ["font", "scripts (letters)", *self.columns]
        rows = []
        for f, scripts, share, allowed in zip(self.fonts, self.scripts, self.share, self.allowed):
            cells = [f.rel, ", ".join(f"{k} {v}" for k, v in list(scripts.items())[:4]) or "-"]
            if not f.healthy:
                cells += ["unusable"] * len(self.columns)
            else:
                cells += [f"{v:.0%}" if a else f"({v:.0%})" for v, a in zip(share, allowed)]
            rows.append(cells)
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [head, *rows]]
        lines.insert(1, "  ".join("-" * w for w in widths))
        if self.columns:
            lines += ["", "share of sampled texts (" + ", ".join(f"{c}: {n}" for c, n in zip(self.columns, self.texts))]
            lines[-1] += ") whose every character the font covers; (n%): the font is not allowed there"
            helped = [(c, fb) for c, fb in zip(self.columns, self.fallbacks) if fb]
            lines += [f"{c}: with fallback_fonts {', '.join(fb)} for what the font lacks" for c, fb in helped]
            lines.append("fonts no column can use: " + (", ".join(self.unused) or "none"))
        lines += [f"font_instances of {f.rel}: {', '.join(f.instances)}" for f in self.fonts if f.instances]
        bad = [f for f in self.fonts if not f.healthy]
        lines += [f"unusable: {f.rel}: {f.reason}" for f in bad]
        return "\n".join(lines)


def _font_manager(font_dir: Path) -> FontCoverage:
    if not font_dir.is_dir():
        raise UserError(f"font dir {font_dir} does not exist; pass a folder of {FONT_KINDS} fonts.")
    paths = list_files(font_dir, "*", FONT_SUFFIXES)
    if not paths:
        raise UserError(f"font dir {font_dir} holds no {FONT_KINDS} font.")
    return FontCoverage(font_dir, paths)


def _share(manager: FontCoverage, texts: list[str], chain: tuple[int, ...] = ()) -> np.ndarray:
    """Per font (all scanned ones, NaN where unhealthy): the share of `texts` it covers, or draws with the
    fallback fonts `chain` (positions in `manager.healthy`) as the planner counts it."""
    out = np.full(len(manager.fonts), np.nan)
    if texts:
        if chain:
            drawn = Fallback(manager, [chain]).drawable(texts, np.zeros(len(texts), np.int64))
        else:
            drawn = manager.coverage(texts)
        covered = drawn.mean(axis=0)
        healthy = {f.rel: i for i, f in enumerate(manager.healthy)}
        for k, f in enumerate(manager.fonts):
            if f.rel in healthy:
                out[k] = covered[healthy[f.rel]]
    return out


# Up to this many corpus files, a column each; beyond, a column per top-level folder, or one for all of them.
CORPUS_COLUMNS = 12


def _corpus_texts(corpus_dir: Path, sample: int, encoding: str = "") -> tuple[list[str], list[list[str]]]:
    """Per column, whole lines of its corpus files (up to `sample`, evenly spread over its files' lines).

    A column per file; for more than CORPUS_COLUMNS files (a corpus of one file per document), per top-level
    folder (`name/`, files at the top together as `./`), or all of them as one column (`N files`)."""
    if not corpus_dir.is_dir():
        raise UserError(f"corpus dir {corpus_dir} does not exist; pass a folder of UTF-8 text files.")
    files: list[CorpusFile] = [
        index_any(p, p.relative_to(corpus_dir).as_posix(), encoding=encoding) for p in list_files(corpus_dir, "*")
    ]
    if not files:
        raise UserError(f"corpus dir {corpus_dir} holds no file.")
    groups: dict[str, list[int]] = {f.rel: [i] for i, f in enumerate(files)}
    if len(files) > CORPUS_COLUMNS:
        groups = {}
        for i, f in enumerate(files):
            top = f.rel.split("/")[0] + "/" if "/" in f.rel else "./"
            groups.setdefault(top, []).append(i)
        if len(groups) > CORPUS_COLUMNS or len(groups) == 1:
            groups = {f"{len(files):,} files": list(range(len(files)))}
    reader = CorpusReader(files)
    try:
        texts = []
        for members in groups.values():
            counts = np.array([files[i].n_lines for i in members], np.int64)
            ends = np.cumsum(counts)  # of each file's lines among the column's
            flat = np.unique(np.linspace(0, ends[-1] - 1, min(sample, int(ends[-1]))).astype(np.int64))
            which = np.searchsorted(ends, flat, side="right")
            line = flat - (ends - counts)[which]
            column: list[str] = []
            for k in np.unique(which):
                column += [t for t in reader.whole_lines(members[int(k)], line[which == k]) if t]
            texts.append(column)
    finally:
        reader.close()
    return list(groups), texts


def _config_texts(config_path: Path, font_dir: Path, corpus_dir: Path | None, sample: int) -> Any:
    """Per specification: the specification and its sampled texts."""
    from synthocr.config import load_config
    from synthocr.planner.plan import AssetChoice, index_corpus
    from synthocr.planner.texts import TextSources, draw_texts
    from synthocr.planner.textsources import prepare_sources

    fields: dict[str, Any] = {"font_dir": str(font_dir)}
    if corpus_dir is not None:
        fields["corpus_dir"] = str(corpus_dir)
    config = load_config(config_path, [], fields=fields)
    specs = config.specifications
    _, files, spec_files = index_corpus(config, AssetChoice())
    reader = CorpusReader(files)
    try:
        prepared = prepare_sources(specs, files, spec_files, reader, [1] * len(specs))
        empty = np.zeros((len(specs), 0), bool)
        names = tuple(dict.fromkeys(n for s in prepared.sources for n in s.template_names))
        fonts: Any = None  # drawing texts needs no font
        src = TextSources(config, files, prepared.spec_files, reader, fonts, empty, prepared.sources, None, names)
        rng = np.random.default_rng([config.seed, 0])
        spec_idx = np.repeat(np.arange(len(specs), dtype=np.int64), sample)
        texts = draw_texts(src, rng, spec_idx)
    finally:
        reader.close()
    per_spec = [texts[i * sample : (i + 1) * sample] for i in range(len(specs))]
    return [(s, t) for s, t in zip(specs, per_spec)]


def font_table(
    font_dir: str | Path,
    corpus_dir: str | Path | None = None,
    config: str | Path | None = None,
    sample: int = SAMPLE_TEXTS,
    fallback_fonts: list[str] | None = None,
    corpus_encoding: str = "",
) -> FontTable:
    """Scan the fonts of `font_dir` and measure what they can draw.

    With `config`, one column per specification: `sample` texts drawn from its text source (the
    config's font_dir replaced by `font_dir`, its corpus_dir by `corpus_dir` if given), and whether
    its font_filter / font_exclude allow each font. Otherwise, with `corpus_dir`, one column per
    corpus file: up to `sample` of its lines, every font allowed. With neither, scripts only. A share counts
    the texts a font draws with the help of fallback fonts: each specification's `fallback_fonts`, or, per
    corpus file, `fallback_fonts` (globs, as a specification's). `corpus_encoding` is the corpus files' encoding
    (as a specification's; with `config`, each specification's own is used).

    Raises:
        UserError: a missing folder, no fonts, or an invalid config.
    """
    if sample < 1:
        raise UserError(f"--sample must be at least 1, got {sample}.")
    bad_encoding = encoding_problem(corpus_encoding)
    if bad_encoding:
        raise UserError(f"--corpus-encoding: {bad_encoding}.")
    if corpus_encoding and config is not None:
        raise UserError(
            "--corpus-encoding is for --corpus alone: with --config, each specification's corpus_encoding is used; "
            "set it there."
        )
    root = Path(font_dir)
    manager = _font_manager(root)
    names = [(f.rel, f.path) for f in manager.fonts]
    columns: list[str] = []
    shares: list[np.ndarray] = []
    allowed: list[np.ndarray] = []
    counts: list[int] = []
    helpers: list[list[str]] = []
    if config is not None:
        for spec, texts in _config_texts(Path(config), root, Path(corpus_dir) if corpus_dir else None, sample):
            chosen = set(select_fonts(names, list(spec.font_filter), list(spec.font_exclude)))
            chain = fallback_chains([spec], names, manager)[0]  # as the planner reads them
            columns.append(spec.name)
            shares.append(_share(manager, texts, chain))
            allowed.append(np.array([f.rel in chosen for f in manager.fonts]))
            counts.append(len(texts))
            helpers.append([manager.healthy[i].rel for i in chain])
    elif corpus_dir is not None:
        globs = list(fallback_fonts or [])
        missing = [g for g in globs if not select_fonts(names, [g], [])]
        if missing:
            raise UserError(f"--fallback {missing[0]!r} matches no font in {root}; give a glob of a font there.")
        chain = fallback_chain(globs, names, manager, "--fallback")
        for name, texts in zip(*_corpus_texts(Path(corpus_dir), sample, corpus_encoding)):
            columns.append(name)
            shares.append(_share(manager, texts, chain))
            allowed.append(np.ones(len(manager.fonts), bool))
            counts.append(len(texts))
            helpers.append([manager.healthy[i].rel for i in chain])
    n = len(manager.fonts)
    return FontTable(
        str(root),
        columns,
        manager.fonts,
        [font_scripts(f.codepoints) for f in manager.fonts],
        np.column_stack(shares) if shares else np.zeros((n, 0)),
        np.column_stack(allowed) if allowed else np.zeros((n, 0), bool),
        counts,
        helpers,
    )
