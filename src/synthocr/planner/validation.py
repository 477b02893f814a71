"""Loading a batch config from YAML plus overrides, and checking all of it before any work."""

from __future__ import annotations

import difflib
import logging
import math
from pathlib import Path
from typing import Any

import yaml
from omegaconf import OmegaConf
from omegaconf.errors import OmegaConfBaseException

from synthocr.assets import BUILTIN_DIRS
from synthocr.errors import ConfigError, UserError
from synthocr.schemas.config import CONFIG_FIELDS, SPEC_FIELDS, BatchConfig
from synthocr.schemas.params import BACKGROUND_KINDS, EFFECT_NAMES, EFFECT_PARAMS, RANGE_PARAMS, TEXT_DIRECTIONS

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff")
COLOR_MODES = ("RGB", "L")
CORPUS_MODES = ("running", "lines")
DEFAULT_SOURCE = "default"  # the name `background_dir` goes by among the background sources
# Sanity limits, checked before anything is allocated: planning holds 2 bytes per row in memory
# (a billion rows: 2 GB, hours of planning), and a text is one line of an image.
MAX_TOTAL_IMAGES = 10**9
MAX_TEXT_LENGTH = 1000

log = logging.getLogger(__name__)


def load_config(
    path: str | Path, overrides: list[str] | tuple[str, ...] = (), fields: dict[str, Any] | None = None
) -> BatchConfig:
    """Read a YAML batch config, apply `key=value` overrides and top-level `fields`, and validate everything.

    Raises:
        ConfigError: listing every problem found, each naming its field.
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"config file {source} does not exist; pass the path of a YAML batch config.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"config file {source} cannot be read ({exc}); pass a UTF-8 YAML file.") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(source, [f"not valid YAML: {' '.join(str(exc).split())}"]) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(source, [f"the top level must be a mapping of fields, not {type(raw).__name__}"])
    raw = apply_overrides(source, raw, overrides)
    raw.update(fields or {})
    return config_from_dict(raw, source=source)


def apply_overrides(source: str, raw: dict[str, Any], overrides: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Apply OmegaConf dotlist overrides (`total_images=500`, `specifications.0.name=x`)."""
    if not overrides:
        return raw
    conf = OmegaConf.create(raw)
    problems = []
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            problems.append(f"override {item!r} is not of the form key=value")
            continue
        try:
            OmegaConf.update(conf, key, yaml.safe_load(value) if value else "", force_add=True)
        except (OmegaConfBaseException, yaml.YAMLError, ValueError) as exc:
            problems.append(f"override {item!r} cannot be applied: {' '.join(str(exc).split()[:20])}")
    if problems:
        raise ConfigError(source, problems)
    return OmegaConf.to_container(conf, resolve=True)  # type: ignore[return-value]


def config_from_dict(raw: dict[str, Any], source: str = "<config>") -> BatchConfig:
    """Check a plain mapping against the schema and the rules, then build the BatchConfig."""
    problems, clean = _check_types(raw)
    structured = OmegaConf.merge(OmegaConf.structured(BatchConfig), clean)
    config: BatchConfig = OmegaConf.to_object(structured)  # type: ignore[assignment]
    # A mapping given in the YAML replaces the default weights instead of merging into them.
    for spec, given in zip(config.specifications, clean.get("specifications", [])):
        if "background_weights" in given:
            spec.background_weights = dict(given["background_weights"])
        # An effect range the config sets itself is applied to every row unless it gives a probability
        # too; the share-of-rows defaults belong to the built-in mild ranges.
        for p in EFFECT_PARAMS:
            asked = f"{p.name}_min" in given or f"{p.name}_max" in given
            if asked and f"{p.name}_probability" not in given:
                setattr(spec, f"{p.name}_probability", 1.0)
    problems += check_values(config) + check_resources(config)
    if problems:
        raise ConfigError(source, problems)
    return config


def config_to_dict(config: BatchConfig) -> dict[str, Any]:
    """The config as plain data (the form stored in the plan's metadata)."""
    return OmegaConf.to_container(OmegaConf.structured(config), resolve=True)  # type: ignore[return-value]


# --- types -----------------------------------------------------------------


def _unknown(key: str, known: list[str], where: str) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known fields: {', '.join(sorted(known))}"
    return f"{where}{key}: unknown field{hint}"


def _type_problem(where: str, value: Any, typ: Any) -> str | None:
    if typ in (int, "int"):
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{where}: expected an integer, got {value!r}"
    elif typ in (float, "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{where}: expected a number, got {value!r}"
        if not math.isfinite(value):
            return f"{where}: expected a finite number, got {value!r}"
    elif typ in (str, "str"):
        if not isinstance(value, str):
            return f"{where}: expected a string, got {value!r}"
    elif str(typ) == "dict[str, str]":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return f"{where}: expected a mapping of name: directory, got {value!r}"
    elif str(typ).startswith("dict"):
        if not isinstance(value, dict):
            return f"{where}: expected a mapping of name: weight, got {value!r}"
        for k, v in value.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                return f"{where}.{k}: expected a finite number, got {v!r}"
    return None


def _check_types(raw: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """Type and unknown-key problems, and a copy of `raw` without the offending fields.

    The copy lets the value and resource checks run too, so one run reports everything.
    """
    problems: list[str] = []
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in CONFIG_FIELDS:
            problems.append(_unknown(str(key), list(CONFIG_FIELDS), ""))
        elif key != "specifications":
            problem = _type_problem(key, value, CONFIG_FIELDS[key])
            if problem:
                problems.append(problem)
            else:
                clean[key] = value
    if "specifications" not in raw:
        return problems, clean
    specs = raw["specifications"]
    if not isinstance(specs, list):
        problems.append(f"specifications: expected a list of specifications, got {specs!r}")
        return problems, clean
    clean["specifications"] = []
    for i, spec in enumerate(specs):
        if not isinstance(spec, dict):
            problems.append(f"specifications[{i}]: expected a mapping of fields, got {spec!r}")
            continue
        label = f"specification {spec.get('name', i)!r} (specifications[{i}])."
        kept = {}
        for key, value in spec.items():
            if key not in SPEC_FIELDS:
                problems.append(_unknown(str(key), list(SPEC_FIELDS), label))
                continue
            problem = _type_problem(f"{label}{key}", value, SPEC_FIELDS[key])
            if problem:
                problems.append(problem)
            else:
                kept[key] = value
        clean["specifications"].append(kept)
    return problems, clean


# --- values ----------------------------------------------------------------


def check_values(config: BatchConfig) -> list[str]:
    """Cross-field rules: positive totals, sane proportions, ordered ranges within bounds."""
    problems: list[str] = []
    if config.total_images <= 0:
        problems.append(f"total_images: must be a positive number of images, got {config.total_images}")
    elif config.total_images > MAX_TOTAL_IMAGES:
        problems.append(
            f"total_images: {config.total_images} is over the limit of {MAX_TOTAL_IMAGES:,} rows per "
            "plan; split the batch into several plans"
        )
    if config.seed < 0:
        problems.append(f"seed: must be >= 0, got {config.seed}")
    if config.color_mode not in COLOR_MODES:
        problems.append(f"color_mode: must be one of {list(COLOR_MODES)}, got {config.color_mode!r}")
    if not config.specifications:
        problems.append("specifications: the list is empty; add at least one specification")
        return problems
    names = [s.name for s in config.specifications]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"specifications: the name {name!r} is used more than once; names must be unique")
    if all(s.proportion == 0 for s in config.specifications):
        problems.append("specifications: every proportion is 0; give at least one specification a positive share")
    for i, spec in enumerate(config.specifications):
        problems.extend(_check_spec(spec, f"specification {spec.name!r} (specifications[{i}])."))
    return problems


def _check_spec(spec: Any, label: str) -> list[str]:
    problems: list[str] = []
    if not spec.name.strip():
        problems.append(f"{label}name: must not be empty")
    if spec.proportion < 0:
        problems.append(f"{label}proportion: must be >= 0, got {spec.proportion}")
    if spec.text_direction not in TEXT_DIRECTIONS:
        problems.append(f"{label}text_direction: must be one of {list(TEXT_DIRECTIONS)}, got {spec.text_direction!r}")
    if spec.min_text_length < 1:
        problems.append(f"{label}min_text_length: must be >= 1, got {spec.min_text_length}")
    if spec.max_text_length > MAX_TEXT_LENGTH:
        problems.append(f"{label}max_text_length: must be <= {MAX_TEXT_LENGTH} characters, got {spec.max_text_length}")
    if spec.min_text_length > spec.max_text_length:
        problems.append(f"{label}min_text_length ({spec.min_text_length}) > max_text_length ({spec.max_text_length})")
    for p in RANGE_PARAMS:
        lo, hi = getattr(spec, f"{p.name}_min"), getattr(spec, f"{p.name}_max")
        if lo > hi:
            problems.append(f"{label}{p.name}_min ({lo}) > {p.name}_max ({hi})")
        for suffix, v in (("min", lo), ("max", hi)):
            if not p.bounds[0] <= v <= p.bounds[1]:
                problems.append(
                    f"{label}{p.name}_{suffix}: {v} is outside the allowed range "
                    f"[{p.bounds[0]}, {p.bounds[1]}] ({p.unit})"
                )
        if p.name in EFFECT_NAMES:
            share = getattr(spec, f"{p.name}_probability")
            if not 0.0 <= share <= 1.0:
                problems.append(f"{label}{p.name}_probability: must be a share of rows from 0 to 1, got {share}")
    if spec.corpus_mode not in CORPUS_MODES:
        problems.append(f"{label}corpus_mode: must be one of {list(CORPUS_MODES)}, got {spec.corpus_mode!r}")
    problems.extend(
        _check_weights(f"{label}text_direction_weights", spec.text_direction_weights, TEXT_DIRECTIONS, "text direction")
    )
    problems.extend(
        _check_weights(f"{label}background_weights", spec.background_weights, BACKGROUND_KINDS, "background kind")
    )
    return problems


def _check_weights(where: str, weights: dict[str, float], known: Any, what: str) -> list[str]:
    """Weights keyed by known names, none negative, not all zero (an empty mapping means "unset")."""
    problems = []
    for key, w in weights.items():
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {list(known)}"
            problems.append(f"{where}.{key}: unknown {what}{hint}")
        elif w < 0:
            problems.append(f"{where}.{key}: weight must be >= 0, got {w}")
    if weights and all(w <= 0 for w in weights.values()):
        problems.append(f"{where}: every weight is 0; give one {what} a positive weight")
    return problems


# --- resources -------------------------------------------------------------


def font_root(config: BatchConfig) -> Path:
    return Path(config.font_dir) if config.font_dir else BUILTIN_DIRS["font"]


def corpus_root(config: BatchConfig) -> Path:
    return Path(config.corpus_dir) if config.corpus_dir else BUILTIN_DIRS["corpus"]


def list_files(root: Path, pattern: str, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """Files under `root` whose path relative to it matches the glob `pattern`, sorted.

    Symbolic links that lead outside `root` are left out with a warning: every asset read stays inside its root.
    """
    out = []
    real_root = root.resolve()
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if not p.is_file() or rel.startswith(".") or "/." in rel:
            continue
        if suffixes and p.suffix.lower() not in suffixes:
            continue
        if p.is_symlink() and not p.resolve().is_relative_to(real_root):  # the renderer would refuse it
            log.warning("%s left out: it links to %s, outside %s", p, p.resolve(), root)
            continue
        if Path(rel).match(pattern) or p.match(pattern):
            out.append(p)
    return out


def check_resources(config: BatchConfig) -> list[str]:
    """Asset dirs exist and every specification finds corpus files and fonts."""
    problems: list[str] = []
    fonts_dir, corpus_dir = font_root(config), corpus_root(config)
    fonts_ok = corpus_ok = True
    if not fonts_dir.is_dir():
        problems.append(f"font_dir: directory {fonts_dir} does not exist")
        fonts_ok = False
    elif not list_files(fonts_dir, "*", FONT_SUFFIXES):
        problems.append(f"font_dir: directory {fonts_dir} holds no .ttf/.otf font")
        fonts_ok = False
    if not corpus_dir.is_dir():
        problems.append(f"corpus_dir: directory {corpus_dir} does not exist")
        corpus_ok = False
    sources = {DEFAULT_SOURCE: ("background_dir", config.background_dir)} if config.background_dir else {}
    if DEFAULT_SOURCE in config.background_dirs:
        problems.append(f"background_dirs.{DEFAULT_SOURCE}: the name is reserved for background_dir; rename it")
    sources.update({k: (f"background_dirs.{k}", v) for k, v in config.background_dirs.items() if k != DEFAULT_SOURCE})
    for where, directory in sources.values():
        bg = Path(directory)
        if not bg.is_dir():
            problems.append(f"{where}: directory {bg} does not exist")
        elif not list_files(bg, "*", IMAGE_SUFFIXES):
            problems.append(f"{where}: directory {bg} holds no image file ({', '.join(IMAGE_SUFFIXES)})")
    for i, spec in enumerate(config.specifications):
        label = f"specification {spec.name!r} (specifications[{i}])."
        problems.extend(
            _check_weights(
                f"{label}background_dir_weights", spec.background_dir_weights, list(sources), "background source"
            )
        )
        if corpus_ok:
            files = list_files(corpus_dir, spec.corpus_file)
            if not files:
                problems.append(
                    f"{label}corpus_file: no corpus files found matching pattern {spec.corpus_file!r} "
                    f"in directory {corpus_dir}"
                )
            for f in files:
                problem = _corpus_file_problem(f)
                if problem:
                    problems.append(f"{label}corpus_file: {problem}")
        if fonts_ok and not list_files(fonts_dir, spec.font_filter, FONT_SUFFIXES):
            problems.append(f"{label}font_filter: no font in {fonts_dir} matches {spec.font_filter!r}")
    return problems


def _corpus_file_problem(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 16)
    except OSError as exc:
        return f"{path} cannot be read ({exc.strerror})"
    if not head.strip():
        return f"{path} is empty"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        cut = len(head) == 1 << 16 and exc.start >= len(head) - 4  # a character cut by the read limit
        if not cut:
            return f"{path} is not UTF-8 text (invalid byte at offset {exc.start})"
    return None
