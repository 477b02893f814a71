"""The cross-field rules of a batch config: positive totals, sane proportions, ordered ranges within bounds."""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection, Mapping

from synthocr.errors import Problem
from synthocr.schemas.colors import BACKGROUND_COLORS, INK_COLOR_NAMES
from synthocr.schemas.config import MAX_IMAGE_PIXELS_CEILING, BatchConfig, BatchSpecification
from synthocr.schemas.params import (
    BACKGROUND_KINDS,
    COMBINE_UPRIGHT_MAX,
    CONFIG_DIRECTIONS,
    EFFECT_NAMES,
    RANGE_PARAMS,
    TEXT_CASES,
    VERTICAL_DIRECTIONS,
)
from synthocr.schemas.text_rules import UNICODE_FORMS, encoding_problem, language_problem

COLOR_MODES = ("RGB", "L")
# The retired corpus_mode field and the text_source each of its values now means.
CORPUS_MODES = {"running": "window", "lines": "lines"}
TEXT_SOURCES = ("window", "lines", "words", "chars", "template")
MAX_WORDS = 100
# Sanity limits, checked before anything is allocated: planning holds 2 bytes per row in memory
# (a billion rows: 2 GB, hours of planning), and a text is one line of an image.
MAX_TOTAL_IMAGES = 10**9
MAX_TEXT_LENGTH = 1000
# Planning costs about 0.1-0.4 s per specification (assets matched, columns drawn) and scans every background
# source: bounded counts keep a config's planning time bounded. Larger batches: several configs, one plan each.
MAX_SPECIFICATIONS = 256
MAX_BACKGROUND_SOURCES = 32


def check_values(config: BatchConfig) -> list[Problem]:
    """Every value problem of a typed config, each naming its field (empty when the config is sound)."""
    problems: list[Problem] = []
    if config.total_images <= 0:
        problems.append(Problem("total_images", f"must be a positive number of images, got {config.total_images}"))
    elif config.total_images > MAX_TOTAL_IMAGES:
        problems.append(
            Problem(
                "total_images",
                f"{config.total_images} is over the limit of {MAX_TOTAL_IMAGES:,} rows per plan; "
                "split the batch into several plans",
            )
        )
    if config.seed < 0:
        problems.append(Problem("seed", f"must be >= 0, got {config.seed}"))
    if config.color_mode not in COLOR_MODES:
        problems.append(Problem("color_mode", f"must be one of {list(COLOR_MODES)}, got {config.color_mode!r}"))
    if not config.specifications:
        problems.append(Problem("specifications", "the list is empty; add at least one specification"))
        return problems
    if len(config.specifications) > MAX_SPECIFICATIONS:
        problems.append(
            Problem(
                "specifications",
                f"{len(config.specifications):,} specifications, over the limit of {MAX_SPECIFICATIONS:,}; "
                "split the batch into several configs (one plan each)",
            )
        )
        return problems
    if len(config.background_dirs) > MAX_BACKGROUND_SOURCES:
        problems.append(
            Problem(
                "background_dirs",
                f"{len(config.background_dirs)} folders, over the limit of {MAX_BACKGROUND_SOURCES}; "
                "gather the images into fewer folders",
            )
        )
        return problems
    names = [s.name for s in config.specifications]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem("specifications", f"the name {name!r} is used more than once; names must be unique"))
    if all(s.proportion == 0 for s in config.specifications):
        problems.append(
            Problem("specifications", "every proportion is 0; give at least one specification a positive share")
        )
    if not 1 <= config.max_image_pixels <= MAX_IMAGE_PIXELS_CEILING:
        problems.append(
            Problem(
                "max_image_pixels",
                f"must be from 1 to {MAX_IMAGE_PIXELS_CEILING:,} (width x height of one image), "
                f"got {config.max_image_pixels}",
            )
        )
    for i, spec in enumerate(config.specifications):
        problems.extend(_check_spec(spec, i))
        if not problems:
            problems.extend(_check_image_size(spec, i, config.max_image_pixels))
    return problems


# Average advance of a character, in ems, for the size estimate (Latin text is about 0.5, CJK 1.0).
MEAN_ADVANCE_EM = 0.5
LINE_HEIGHT_EM = 1.3


def estimated_size(spec: BatchSpecification) -> tuple[int, int]:
    """About the largest image a specification's ranges give: the longest text at the largest font size,
    the largest padding on every side, turned by the largest rotation it allows."""
    along = spec.max_text_length * spec.font_size_max * MEAN_ADVANCE_EM
    across = spec.font_size_max * LINE_HEIGHT_EM
    w, h = (across, along) if spec.text_direction in VERTICAL_DIRECTIONS else (along, across)
    angle = 0.0
    if spec.rotation_angle_probability > 0:
        angle = math.radians(min(max(abs(spec.rotation_angle_min), abs(spec.rotation_angle_max)), 90.0))
    w, h = w * math.cos(angle) + h * math.sin(angle), w * math.sin(angle) + h * math.cos(angle)
    return int(w) + 2 * spec.padding_max, int(h) + 2 * spec.padding_max


def _check_image_size(spec: BatchSpecification, index: int, max_pixels: int) -> list[Problem]:
    """The specification's largest images (estimated from its ranges) fit in max_image_pixels."""
    w, h = estimated_size(spec)
    if w * h <= max_pixels:
        return []
    field = "padding_max" if 4 * spec.padding_max > min(w, h) else "font_size_max"  # the larger share
    return [
        Problem(
            field,
            f"with the other ranges gives images of about {w} x {h} = {w * h:,} pixels (max_text_length "
            f"{spec.max_text_length}, font_size_max {spec.font_size_max}, padding_max {spec.padding_max}, "
            f"rotation up to {max(abs(spec.rotation_angle_min), abs(spec.rotation_angle_max))} degrees), over "
            f"max_image_pixels ({max_pixels:,}); lower those, or raise max_image_pixels (at most "
            f"{MAX_IMAGE_PIXELS_CEILING:,})",
            spec.name,
            index,
        )
    ]


def _check_spec(spec: BatchSpecification, index: int) -> list[Problem]:
    problems: list[Problem] = []

    def problem(field: str, message: str) -> None:
        problems.append(Problem(field, message, spec.name, index))

    if not spec.name.strip():
        problem("name", "must not be empty")
    if spec.proportion < 0:
        problem("proportion", f"must be >= 0, got {spec.proportion}")
    if spec.text_direction not in CONFIG_DIRECTIONS:
        problem("text_direction", f"must be one of {list(CONFIG_DIRECTIONS)}, got {spec.text_direction!r}")
    bad_language = language_problem(spec.language)
    if bad_language:
        problem("language", bad_language)
    if spec.unicode_normalization not in UNICODE_FORMS:
        problem(
            "unicode_normalization",
            f"{spec.unicode_normalization!r} is not one of {list(UNICODE_FORMS[1:])} (or empty: texts as the source "
            "has them)",
        )
    bad_encoding = encoding_problem(spec.corpus_encoding)
    if bad_encoding:
        problem("corpus_encoding", bad_encoding)
    if spec.min_text_length < 1:
        problem("min_text_length", f"must be >= 1, got {spec.min_text_length}")
    if spec.max_text_length > MAX_TEXT_LENGTH:
        problem("max_text_length", f"must be <= {MAX_TEXT_LENGTH} characters, got {spec.max_text_length}")
    if spec.min_text_length > spec.max_text_length:
        problem(
            "min_text_length",
            f"{spec.min_text_length} is greater than max_text_length ({spec.max_text_length})",
        )
    for p in RANGE_PARAMS:
        lo, hi = getattr(spec, f"{p.name}_min"), getattr(spec, f"{p.name}_max")
        if lo > hi:
            problem(f"{p.name}_min", f"{lo} is greater than {p.name}_max ({hi})")
        for suffix, v in (("min", lo), ("max", hi)):
            if not p.bounds[0] <= v <= p.bounds[1]:
                problem(
                    f"{p.name}_{suffix}", f"{v} is outside the allowed range [{p.bounds[0]}, {p.bounds[1]}] ({p.unit})"
                )
        if p.name in EFFECT_NAMES:
            share = getattr(spec, f"{p.name}_probability")
            if not 0.0 <= share <= 1.0:
                problem(f"{p.name}_probability", f"must be a share of rows from 0 to 1, got {share}")
    for field, message in _check_text_source(spec):
        problem(field, message)
    for key in ("font_weights", "charset_weights"):
        for name, w in getattr(spec, key).items():
            if w < 0:
                problem(f"{key}.{name}", f"weight must be >= 0, got {w}")
    for field, message in check_weights(spec.text_direction_weights, CONFIG_DIRECTIONS, "text direction"):
        problem(f"text_direction_weights{field}", message)
    for field, message in check_weights(spec.text_case_weights, TEXT_CASES, "text case"):
        problem(f"text_case_weights{field}", message)
    for field, message in _check_combine_upright(spec):
        problem(field, message)
    for field, message in check_weights(spec.background_weights, BACKGROUND_KINDS, "background kind"):
        problem(f"background_weights{field}", message)
    for field, message in check_weights(spec.ink_color_weights, INK_COLOR_NAMES, "ink colour mode"):
        problem(f"ink_color_weights{field}", message)
    palettes = [b.name for b in BACKGROUND_COLORS]
    for field, message in check_weights(spec.background_color_weights, palettes, "background palette"):
        problem(f"background_color_weights{field}", message)
    if not 0.0 <= spec.min_char_height <= 1.0:
        problem(
            "min_char_height", f"must be a fraction of a character's height from 0 to 1, got {spec.min_char_height}"
        )
    if not 0.0 < spec.degradation_budget <= 100.0:
        problem(
            "degradation_budget", f"must be above 0 (1 = one unreadable line's worth), got {spec.degradation_budget}"
        )
    if not 1.0 <= spec.min_contrast <= 21.0:
        problem(
            "min_contrast",
            f"must be a WCAG contrast ratio from 1 (no contrast asked) to 21 (black on white), got {spec.min_contrast}",
        )
    return problems


def _check_text_source(spec: BatchSpecification) -> list[tuple[str, str]]:
    """(field, message) for text_source and the fields of the chosen source."""
    if spec.text_source not in TEXT_SOURCES:
        close = difflib.get_close_matches(spec.text_source, TEXT_SOURCES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return [("text_source", f"must be one of {list(TEXT_SOURCES)}, got {spec.text_source!r}{hint}")]
    problems = []
    if spec.text_source == "words" and not 1 <= spec.min_words <= spec.max_words <= MAX_WORDS:
        problems.append(
            (
                "min_words",
                f"need 1 <= min_words <= max_words <= {MAX_WORDS}, got {spec.min_words} and {spec.max_words}",
            )
        )
    if spec.charset_weights and spec.text_source != "chars":
        problems.append(("charset_weights", "only used with text_source: chars"))
    if spec.templates and spec.text_source != "template":
        problems.append(("templates", "only used with text_source: template"))
    if spec.text_source == "template":
        from synthocr.planner.templates import check_templates  # imports Faker: only for template specs

        problems.extend(check_templates(spec))
    return problems


def _check_combine_upright(spec: BatchSpecification) -> list[tuple[str, str]]:
    """(field, message) for combine_upright_digits and its probability."""
    problems = []
    if not 0 <= spec.combine_upright_digits <= COMBINE_UPRIGHT_MAX:
        problems.append(
            (
                "combine_upright_digits",
                f"must be from 0 (off) to {COMBINE_UPRIGHT_MAX} digits set upright in one em, got "
                f"{spec.combine_upright_digits}",
            )
        )
    elif spec.combine_upright_digits:
        weights = spec.text_direction_weights
        directions = [d for d, w in weights.items() if w > 0] if weights else [spec.text_direction]
        if not VERTICAL_DIRECTIONS.intersection(directions):
            problems.append(
                (
                    "combine_upright_digits",
                    "only used in vertical lines: give text_direction (or text_direction_weights) ttb or ttb-mixed",
                )
            )
    if not 0.0 <= spec.combine_upright_digits_probability <= 1.0:
        problems.append(
            (
                "combine_upright_digits_probability",
                f"must be a share of rows from 0 to 1, got {spec.combine_upright_digits_probability}",
            )
        )
    return problems


def check_weights(weights: Mapping[str, float], known: Collection[str], what: str) -> list[tuple[str, str]]:
    """(sub-key, message) for weights keyed by unknown names, negative, or all zero (an empty mapping is "unset").

    The sub-key is ".name" for a problem with one entry and "" for one with the whole mapping.
    """
    problems = []
    for key, w in weights.items():
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {list(known)}"
            problems.append((f".{key}", f"unknown {what}{hint}"))
        elif w < 0:
            problems.append((f".{key}", f"weight must be >= 0, got {w}"))
    if weights and all(w <= 0 for w in weights.values()):
        problems.append(("", f"every weight is 0; give one {what} a positive weight"))
    return problems
