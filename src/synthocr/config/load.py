"""Loading a batch config: YAML, overrides, type checks and the OmegaConf structured merge, then every rule."""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from omegaconf import OmegaConf

from synthocr.config.bounded import MAX_CONFIG_BYTES, LimitExceeded, load_yaml
from synthocr.config.build import build_config, config_data
from synthocr.config.overrides import apply_overrides, unknown_field
from synthocr.config.paths import resolved_note
from synthocr.config.resources import check_resources
from synthocr.config.rules import CORPUS_MODES, MAX_SPECIFICATIONS, check_values
from synthocr.config.syntax import yaml_syntax_error
from synthocr.errors import ConfigError, Problem, UserError
from synthocr.schemas.config import CONFIG_FIELDS, SPEC_FIELDS, BatchConfig
from synthocr.schemas.params import EFFECTS

log = logging.getLogger(__name__)


def load_config(path: str | Path, overrides: Sequence[str] = (), fields: dict[str, Any] | None = None) -> BatchConfig:
    """Read a YAML batch config, apply `key=value` overrides and top-level `fields`, and validate everything.

    Raises:
        ConfigError: listing every problem found, each naming its field.
        UserError: the file does not exist or cannot be read.
    """
    source = str(path)
    try:
        if Path(path).is_file() and Path(path).stat().st_size > 4 * MAX_CONFIG_BYTES:  # not even read
            raise ConfigError(source, [Problem("", f"the file is over {MAX_CONFIG_BYTES:,} bytes; is it a config?")])
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(
            f"config file {source} does not exist{resolved_note(path)}; pass the path of a YAML batch config."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"config file {source} cannot be read ({exc}); pass a UTF-8 YAML file.") from None
    try:
        raw = load_yaml(text)
    except LimitExceeded as exc:
        raise ConfigError(source, [Problem("", f"the YAML {exc}; write the config out flat")]) from None
    except yaml.YAMLError as exc:
        raise yaml_syntax_error(source, text, exc) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(source, [Problem("", f"the top level must be a mapping of fields, not {type(raw).__name__}")])
    problems = interpolations(raw)
    for item in overrides:
        if "${" in item.partition("=")[2]:
            problems.append(Problem("", f"override {item!r}: {NO_INTERPOLATION}"))
    if problems:
        raise ConfigError(source, problems)
    raw = apply_overrides(source, raw, overrides)
    raw.update(fields or {})
    return config_from_dict(raw, source=source)


NO_INTERPOLATION = (
    "holds ${...}: interpolation and resolvers (${seed}, ${oc.env:HOME}) are not supported, so that a config "
    "means the same everywhere; write the value itself, or let your shell expand it in an override "
    "(synthocr plan c.yaml font_dir=$HOME/fonts)"
)
_LITERAL_TEXT = ("templates",)  # free text where "${" is text (a receipt's "${price}"), kept as written


def interpolations(raw: dict[str, Any]) -> list[Problem]:
    """A Problem for every string value holding `${`, outside the free text of templates (escaped instead)."""
    problems: list[Problem] = []

    def walk(value: Any, key: str, spec: tuple[str, int] | None) -> Any:
        if isinstance(value, str) and "${" in value:
            if key.split(".")[0] in _LITERAL_TEXT:
                return value.replace("${", "\\${")  # OmegaConf's escape: the text stays "${...}"
            problems.append(Problem(key, NO_INTERPOLATION, *(spec or (None, -1))))
        elif isinstance(value, dict):
            for k in list(value):
                value[k] = walk(value[k], f"{key}.{k}" if key else str(k), spec)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                inner = (str(v.get("name", i)), i) if key == "specifications" and isinstance(v, dict) else spec
                value[i] = walk(v, "" if inner is not spec else f"{key}[{i}]", inner)
        return value

    walk(raw, "", None)
    return problems


def config_from_dict(raw: dict[str, Any], source: str = "<config>") -> BatchConfig:
    """Check a plain mapping against the schema and the rules, then build the BatchConfig.

    Raises:
        ConfigError: listing every problem found (types, unknown keys, values, assets).
    """
    specs = raw.get("specifications")
    if isinstance(specs, list) and len(specs) > MAX_SPECIFICATIONS:  # before the (slow) structured merge
        raise ConfigError(
            source,
            [
                Problem(
                    "specifications",
                    f"{len(specs):,} specifications, over the limit of {MAX_SPECIFICATIONS:,}; split the batch "
                    "into several configs (one plan each)",
                )
            ],
        )
    problems, clean = _check_types(raw)
    built = build_config(clean)
    # None: a `${` to unescape, or values OmegaConf converts: its structured merge then
    config = (
        built if built is not None else OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(BatchConfig), clean))
    )
    assert isinstance(config, BatchConfig)  # merged onto the BatchConfig schema
    # A mapping given in the YAML replaces the default weights instead of merging into them.
    for spec, given in zip(config.specifications, clean.get("specifications", [])):
        for weights in ("background_weights", "ink_color_weights", "background_color_weights"):
            if weights in given:
                setattr(spec, weights, dict(given[weights]))
        # An effect range the config sets itself is applied to every row unless it gives a probability
        # too; the share-of-rows defaults belong to the built-in mild ranges.
        for e in EFFECTS:  # (its strength's range)
            asked = f"{e.name}_min" in given or f"{e.name}_max" in given
            if asked and f"{e.name}_probability" not in given:
                setattr(spec, f"{e.name}_probability", 1.0)
    problems += check_values(config) + check_resources(config)
    if problems:
        raise ConfigError(source, problems)
    return config


def config_to_dict(config: BatchConfig) -> dict[str, Any]:
    """The config as plain data (the form stored in the plan's metadata)."""
    if any("${" in t for s in config.specifications for t in s.templates.values()):  # literal text, escaped
        specs = [
            dataclasses.replace(s, templates={k: t.replace("${", "\\${") for k, t in s.templates.items()})
            for s in config.specifications
        ]
        config = dataclasses.replace(config, specifications=specs)
    data = config_data(config)
    out = data if data is not None else OmegaConf.to_container(OmegaConf.structured(config), resolve=True)
    assert isinstance(out, dict)  # a dataclass becomes a dict
    return {str(k): v for k, v in out.items()}


# --- types -----------------------------------------------------------------


def _number_hint(value: Any, integer: bool) -> str:
    """How to write a value that was meant as a number: YAML 1.1, which PyYAML reads, takes `1e6` and `5e-2`
    as text (an exponent needs a dot: `1.0e+6`), and an integer field takes no `1000.0`."""
    if isinstance(value, str):
        try:
            number = float(value.replace("_", ""))
        except ValueError:
            return ""
        if not math.isfinite(number):
            return ""
        if integer and number.is_integer():
            return f" (YAML reads {value!r} as text: write {int(number)})"
        if not integer:
            return f" (YAML reads {value!r} as text: write {number!r})"
        return ""
    if integer and isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return f" (write {int(value)})"
    return ""


def _type_problem(value: Any, typ: Any, what: str = "") -> tuple[str, str] | None:
    """(sub-key, message) when `value` does not fit the declared type `typ`; sub-key is ".k" for a mapping entry.

    `what` names the values of a mapping of strings ("template text") or marks a list that must not be empty ("glob").
    """
    if typ in (int, "int"):
        if isinstance(value, bool) or not isinstance(value, int):
            return "", f"expected an integer, got {value!r}{_number_hint(value, integer=True)}"
    elif typ in (float, "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "", f"expected a number, got {value!r}{_number_hint(value, integer=False)}"
        if not math.isfinite(value):
            return "", f"expected a finite number, got {value!r}"
    elif typ in (str, "str"):
        if not isinstance(value, str):
            return "", f"expected a string, got {value!r}"
    elif str(typ) == "dict[str, str]":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return "", f"expected a mapping of name: {what or 'directory'}, got {value!r}"
    elif str(typ) == "list[str]":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or (not value and what == "glob"):
            return "", f"expected a glob or a list of globs, got {value!r}"
        for v in value:
            if not isinstance(v, str) or not v:
                return "", f"every glob must be a non-empty string, got {v!r}"
    elif str(typ).startswith("dict"):
        if not isinstance(value, dict):
            return "", f"expected a mapping of name: weight, got {value!r}"
        for k, v in value.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                return f".{k}", f"expected a finite number, got {v!r}"
    return None


def _check_types(raw: dict[str, Any]) -> tuple[list[Problem], dict[str, Any]]:
    """Type and unknown-key problems, and a copy of `raw` without the offending fields.

    The copy lets the value and resource checks run too, so one run reports everything.
    """
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in CONFIG_FIELDS:
            problems.append(Problem(str(key), unknown_field(str(key), list(CONFIG_FIELDS))))
        elif key != "specifications":
            found = _type_problem(value, CONFIG_FIELDS[key])
            if found:
                problems.append(Problem(f"{key}{found[0]}", found[1]))
            else:
                clean[key] = value
    if "specifications" not in raw:
        return problems, clean
    specs = raw["specifications"]
    if not isinstance(specs, list):
        problems.append(Problem("specifications", f"expected a list of specifications, got {specs!r}"))
        return problems, clean
    clean["specifications"] = []
    for i, spec in enumerate(specs):
        if not isinstance(spec, dict):
            problems.append(Problem(f"specifications[{i}]", f"expected a mapping of fields, got {spec!r}"))
            continue
        name = str(spec.get("name", i))
        kept: dict[str, Any] = {}
        if "corpus_mode" in spec:
            spec = dict(spec)
            problems.extend(_migrate_corpus_mode(spec, name, i))
        for key, value in spec.items():
            if key not in SPEC_FIELDS:
                problems.append(Problem(str(key), unknown_field(str(key), list(SPEC_FIELDS)), name, i))
                continue
            found = _type_problem(value, SPEC_FIELDS[key], _WHAT.get(key, ""))
            if found:
                problems.append(Problem(f"{key}{found[0]}", found[1], name, i))
            else:
                kept[key] = [value] if key in _GLOB_LISTS and isinstance(value, str) else value
        clean["specifications"].append(kept)
    return problems, clean


_WHAT = {"templates": "template text", "font_filter": "glob"}
_GLOB_LISTS = ("font_filter", "font_exclude", "font_instances", "fallback_fonts")  # a single glob is a list of one


def _migrate_corpus_mode(spec: dict[str, Any], name: str, index: int) -> list[Problem]:
    """corpus_mode (retired) becomes text_source: running -> window, lines -> lines (whole lines)."""
    mode = spec.pop("corpus_mode")
    if mode not in CORPUS_MODES:
        message = f"must be one of {list(CORPUS_MODES)}, got {mode!r} (use text_source instead)"
        return [Problem("corpus_mode", message, name, index)]
    source = CORPUS_MODES[mode]
    if "text_source" in spec and spec["text_source"] != source:
        message = (
            f"{mode!r} contradicts text_source {spec['text_source']!r}; corpus_mode is replaced by text_source: "
            "remove corpus_mode"
        )
        return [Problem("corpus_mode", message, name, index)]
    spec["text_source"] = source
    whole = " (whole lines: lines outside min_text_length..max_text_length are skipped, not cut)"
    log.warning(
        "specification %r (specifications[%d]).corpus_mode: %s is replaced by text_source: %s%s",
        name,
        index,
        mode,
        source,
        whole if source == "lines" else "",
    )
    return []
