"""The asset rules of a batch config: the dirs exist and every specification finds corpus files and fonts."""

from __future__ import annotations

import glob
import logging
import os
from pathlib import Path, PurePosixPath

from synthocr.assets.listing import (
    FONT_KINDS,
    FONT_SUFFIXES,
    IMAGE_SUFFIXES,
    UNREAD_FONT_SUFFIXES,
    corpus_matches,
    corpus_pattern_path,
    corpus_root,
    font_root,
    list_files,
    unread_images,
)
from synthocr.config.paths import resolved_note
from synthocr.config.rules import check_weights
from synthocr.errors import Problem, not_utf8_problem
from synthocr.planner.corpus_formats import corpus_format, is_binary, wide_encoding
from synthocr.planner.fonts import select_fonts
from synthocr.planner.textsources import needs_corpus
from synthocr.schemas.config import DEFAULT_SOURCE, BatchConfig, BatchSpecification

log = logging.getLogger(__name__)

_HEAD_BYTES = 1 << 16  # how much of each corpus file is read to check it is UTF-8 text


def _not_a_dir(path: Path, picker: str) -> str:
    """Why `path` is no folder: it does not exist, or it is a file (a font, a text, a photo named where its
    folder belongs, which read as "does not exist" though the file was there)."""
    if not path.is_file():
        return f"directory {path} does not exist{resolved_note(path)}"
    pick = f", and {picker}: {path.name} to use only that file" if picker else ""
    return (
        f"{path} is a file, not a folder{resolved_note(path)}: give the folder that holds it "
        f"({path.parent.as_posix() or '.'}){pick}"
    )


def _unread_fonts(folder: Path) -> str:
    """What to do with a font dir of Type 1 or bitmap fonts only, which were read as "holds no font"."""
    unread = list_files(folder, "*", UNREAD_FONT_SUFFIXES)
    if not unread:
        return ""
    kinds = "/".join(sorted({p.suffix.lower() for p in unread}))
    return (
        f"; its {len(unread)} {kinds} file(s) are PostScript Type 1 or bitmap fonts, which synthocr does not "
        "draw: use OpenType versions of them (Debian's fonts-urw-base35 puts them in "
        "/usr/share/fonts/opentype/urw-base35) or convert them, e.g. with FontForge"
    )


def check_resources(config: BatchConfig) -> list[Problem]:
    """Every asset problem of a typed config, each naming its field (empty when every asset is found)."""
    problems: list[Problem] = []
    fonts_dir, corpus_dir = font_root(config), corpus_root(config)
    fonts_ok = corpus_ok = True
    if not fonts_dir.is_dir():
        problems.append(Problem("font_dir", _not_a_dir(fonts_dir, "font_filter")))
        fonts_ok = False
    elif not list_files(fonts_dir, "*", FONT_SUFFIXES):
        problems.append(
            Problem(
                "font_dir",
                f"directory {fonts_dir} holds no {FONT_KINDS} font{resolved_note(fonts_dir)}{_unread_fonts(fonts_dir)}",
            )
        )
        fonts_ok = False
    if not corpus_dir.is_dir():
        problems.append(Problem("corpus_dir", _not_a_dir(corpus_dir, "corpus_file")))
        corpus_ok = False
    sources = {DEFAULT_SOURCE: ("background_dir", config.background_dir)} if config.background_dir else {}
    if DEFAULT_SOURCE in config.background_dirs:
        problems.append(
            Problem(f"background_dirs.{DEFAULT_SOURCE}", "the name is reserved for background_dir; rename it")
        )
    sources.update({k: (f"background_dirs.{k}", v) for k, v in config.background_dirs.items() if k != DEFAULT_SOURCE})
    for where, directory in sources.values():
        bg = Path(directory)
        if not bg.is_dir():
            problems.append(Problem(where, _not_a_dir(bg, "")))
        elif not list_files(bg, "*", IMAGE_SUFFIXES):
            unread = unread_images(bg)
            problems.append(
                Problem(
                    where,
                    f"directory {bg} holds no image file ({', '.join(IMAGE_SUFFIXES)}){resolved_note(bg)}"
                    + (f"; {unread}" if unread else ""),
                )
            )
    for i, spec in enumerate(config.specifications):
        for field, message in check_weights(spec.background_dir_weights, list(sources), "background source"):
            problems.append(Problem(f"background_dir_weights{field}", message, spec.name, i))
        absolute = corpus_pattern_path(spec.corpus_file)
        if (corpus_ok or absolute is not None) and needs_corpus(spec):
            files = corpus_matches(corpus_dir, spec.corpus_file)
            if not files:
                where = (
                    f"no file found at {absolute} (an absolute corpus_file, or one starting with ~, is read where it lies)"
                    if absolute is not None
                    else f"no corpus files found matching pattern {spec.corpus_file!r} in directory "
                    f"{corpus_dir}{resolved_note(corpus_dir)}{_corpus_hint(config, corpus_dir, spec.corpus_file)}"
                )
                problems.append(Problem("corpus_file", where, spec.name, i))
            if absolute is None and corpus_ok:
                _warn_case_only(spec.name, corpus_dir, spec.corpus_file, files)
            for f in files:
                problem = _corpus_file_problem(f, spec.corpus_encoding)
                if problem:
                    problems.append(Problem("corpus_file", problem, spec.name, i))
        if fonts_ok:
            problems.extend(Problem(f, m, spec.name, i) for f, m in _font_problems(spec, fonts_dir))
    return problems


def _font_problems(spec: BatchSpecification, fonts_dir: Path) -> list[tuple[str, str]]:
    """font_filter globs that match no font (all of them: an error; some: a warning), a filter font_exclude empties,
    a fallback_fonts glob that matches no font."""
    fonts = [(p.relative_to(fonts_dir).as_posix(), p) for p in list_files(fonts_dir, "*", FONT_SUFFIXES)]
    for i, g in enumerate(spec.fallback_fonts):
        if not select_fonts(fonts, [g], []):
            return [(f"fallback_fonts[{i}]", f"no font in {fonts_dir}{resolved_note(fonts_dir)} matches {g!r}")]
        if any("|" in rel for rel in select_fonts(fonts, [g], [])):
            return [(f"fallback_fonts[{i}]", f"{g!r} matches a font whose name has a '|' (the plan's separator)")]
    missing = [g for g in spec.font_filter if not select_fonts(fonts, [g], [])]
    if len(missing) == len(spec.font_filter):
        shown = spec.font_filter[0] if len(spec.font_filter) == 1 else list(spec.font_filter)
        return [("font_filter", f"no font in {fonts_dir}{resolved_note(fonts_dir)} matches {shown!r}")]
    for g in missing:
        log.warning("specification %r: font_filter glob %r matches no font in %s", spec.name, g, fonts_dir)
    if not select_fonts(fonts, list(spec.font_filter), list(spec.font_exclude)):
        return [
            (
                "font_exclude",
                f"{list(spec.font_exclude)} leaves out every font matching font_filter {list(spec.font_filter)}",
            )
        ]
    return []


def _corpus_hint(config: BatchConfig, corpus_dir: Path, pattern: str) -> str:
    """What a new user needs when a relative corpus_file is not found: which corpus was searched (the shipped one
    when corpus_dir is empty, and what it holds), and how to name a file of that name in the current directory,
    which is not searched."""
    hint = ""
    if not config.corpus_dir:
        shipped = ", ".join(p.name for p in list_files(corpus_dir, "*"))
        hint = f" (the corpus shipped with synthocr, as corpus_dir is empty; it holds {shipped})"
    here = sorted(p for p in glob.glob(pattern) if os.path.isfile(p))
    if not here:
        return hint
    return (
        f"{hint}. The current directory's {here[0]} is not read from there: give its absolute path "
        f"(corpus_file: {os.path.abspath(here[0])}), or set corpus_dir to the folder of your texts "
        "(it replaces the shipped corpus for every specification)"
    )


def _warn_case_only(spec: str, corpus_dir: Path, pattern: str, files: list[Path]) -> None:
    """Warns of corpus files the glob leaves out only for their letter case (notes.TXT and `*.txt`): globs are
    case-sensitive, and files saved on Windows often have upper-case names."""
    if not PurePosixPath(pattern).parts:  # '' or '.': matches nothing, in either case
        return
    taken = set(files)
    lower = pattern.lower()
    missed = [
        p
        for p in list_files(corpus_dir, "*")
        if p not in taken and PurePosixPath(p.relative_to(corpus_dir).as_posix().lower()).match(lower)
    ]
    if not missed:
        return
    either = "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in pattern) if "[" not in pattern else ""
    log.warning(
        "specification %r: corpus_file %r leaves out %s%s, which it matches but for letter case (globs are "
        "case-sensitive)%s",
        spec,
        pattern,
        missed[0].relative_to(corpus_dir).as_posix(),
        f" and {len(missed) - 1} more" if len(missed) > 1 else "",
        f"; {either!r} takes both, or rename the files" if either else "; rename the files or widen the pattern",
    )


def _corpus_file_problem(path: Path, encoding: str = "") -> str | None:
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD_BYTES)
    except OSError as exc:
        return f"{path} cannot be read ({exc.strerror})"
    if not head.strip():
        return f"{path} is empty"
    # Compressed, Parquet, UTF-16 or UTF-32, a web page (which may declare its encoding), or text in an encoding
    # the specification names (corpus_encoding, checked with the spec's own rules): checked as extracted
    if is_binary(path) or wide_encoding(head) or corpus_format(path) == "html" or encoding:
        return None
    cut = len(head) == _HEAD_BYTES  # a character may be cut by the read limit
    problem = not_utf8_problem(path, head, cut)
    if problem and "legacy encoding" in problem:
        problem += ", or name its encoding with the specification's corpus_encoding (such as 'cp1252')"
    return problem
