"""Random configs from the schema (hypothesis): `synthocr plan` either plans or exits 2 with a message."""

from __future__ import annotations

import math
from collections import Counter

import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthocr.schemas.config import SPEC_FIELDS
from synthocr.schemas.params import BACKGROUND_KINDS, RANGE_PARAMS, TEXT_CASES, TEXT_DIRECTIONS

EXTREME_INTS = [0, -1, 2**31, 2**63, 10**12, 10**30, -(2**63)]
EXTREME_FLOATS = [math.nan, math.inf, -math.inf, 1e308, -1e308, 5e-324, 0.0, -0.0]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 60),
    st.sampled_from(EXTREME_INTS),
    st.integers(),
    st.floats(-100, 100),
    st.sampled_from(EXTREME_FLOATS),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "ltr",
            "rtl",
            "ttb",
            "*.txt",
            "latin.txt",
            "RGB",
            "L",
            "lines",
            "DejaVu*",
            "../*",
            "/etc/passwd",
            "\x00",
            "名字",
            "🙂" * 40,
        ]
    ),
)
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=6), scalars, max_size=3))


def _plausible_range(p) -> st.SearchStrategy:
    lo, hi = p.bounds
    return st.integers(int(lo), int(hi)) if p.is_int else st.floats(lo, hi)


PLAUSIBLE_SPEC = {
    "proportion": st.floats(0, 5),
    "text_direction": st.sampled_from(TEXT_DIRECTIONS),
    "text_direction_weights": st.dictionaries(st.sampled_from(TEXT_DIRECTIONS), st.floats(0, 3), max_size=3),
    "corpus_file": st.sampled_from(["*.txt", "latin.txt", "arabic.txt", "greek.txt"]),
    "text_source": st.sampled_from(["window", "lines"]),
    "font_filter": st.sampled_from(["*", "DejaVuSans*", "*Mono*"]),
    "fallback_fonts": st.sampled_from([[], "DejaVuSans.ttf", ["*Mono*", "DejaVuSerif*"], "*", "Missing*.ttf"]),
    "text_case_weights": st.dictionaries(st.sampled_from(TEXT_CASES), st.floats(0, 3), max_size=4),
    "min_text_length": st.integers(1, 12),
    "max_text_length": st.integers(1, 60),
    "background_weights": st.dictionaries(st.sampled_from(BACKGROUND_KINDS), st.floats(0, 3), max_size=5),
    **{f"{p.name}_{end}": _plausible_range(p) for p in RANGE_PARAMS for end in ("min", "max")},
}
assert set(PLAUSIBLE_SPEC) | {"name"} <= set(SPEC_FIELDS)
# Each field: mostly a plausible value (so that many configs plan), sometimes a hostile one.


def mostly(good: st.SearchStrategy, bad: st.SearchStrategy = values, one_in: int = 12) -> st.SearchStrategy:
    """`good`, and `bad` once in `one_in` draws (st.one_of would pick each about half the time)."""
    return st.integers(1, one_in).flatmap(lambda k: bad if k == 1 else good)


spec_fields = {k: mostly(v) for k, v in PLAUSIBLE_SPEC.items()}


def _ordered(spec_and_flag: tuple[dict, bool]) -> dict:
    """Most generated specs get min <= max for every range (else nearly every config fails on ordering)."""
    spec, keep = spec_and_flag
    if keep:
        return spec
    spec = dict(spec)
    for p in RANGE_PARAMS:
        lo, hi = spec.get(f"{p.name}_min"), spec.get(f"{p.name}_max")
        if (lo is None) != (hi is None):  # one end given: make it a fixed value, not a clash with the default
            lo = hi = hi if lo is None else lo
            spec[f"{p.name}_min"], spec[f"{p.name}_max"] = lo, hi
        if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and lo > hi:
            spec[f"{p.name}_min"], spec[f"{p.name}_max"] = hi, lo
    return spec


specs = mostly(
    st.tuples(
        st.fixed_dictionaries({"name": st.text(min_size=1, max_size=8)}, optional=spec_fields),
        mostly(st.just(False), st.just(True), 5),
    ).map(_ordered),
    st.fixed_dictionaries({}, optional=spec_fields).flatmap(  # with unknown fields
        lambda d: st.dictionaries(st.text(max_size=10), values, max_size=2).map(lambda extra: {**d, **extra})
    ),
    6,
)
base = st.fixed_dictionaries(
    {},
    optional={
        "total_images": mostly(st.integers(1, 30), st.one_of(st.sampled_from(EXTREME_INTS), values), 6),
        "seed": mostly(st.integers(0, 2**70)),
        "color_mode": mostly(st.sampled_from(["RGB", "L"])),
        "specifications": mostly(
            st.lists(specs, min_size=1, max_size=3, unique_by=lambda d: str(d.get("name"))),
            st.one_of(st.just([]), values),
        ),
    },
)
# Sometimes a hostile value for any top-level field (asset dirs and an unknown field included).
hostile = st.dictionaries(
    st.sampled_from(
        [
            "font_dir",
            "corpus_dir",
            "background_dir",
            "background_dirs",
            "seed",
            "total_images",
            "color_mode",
            "specifications",
            "background_weights",
        ]
    ),
    values,
    min_size=1,
    max_size=2,
)
top = st.tuples(base, mostly(st.just({}), hostile, 4)).map(lambda t: {**t[0], **t[1]})


def plan_or_clean_error(synthocr, root, config: dict, counts: Counter) -> None:
    path, plan = root / "random.yaml", root / "random.parquet"
    plan.unlink(missing_ok=True)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = synthocr("plan", path, "-o", plan, timeout=60)
    if result.code == 0:
        rows = pq.read_metadata(plan).num_rows
        assert rows == int(config.get("total_images", 1000)), (config, result)
        counts["planned"] += 1
    else:
        assert result.clean_error, (config, result)
        assert not plan.exists(), config
        counts["clean_error"] += 1


def _run(synthocr, tmp_path_factory, record_property, max_examples: int) -> None:
    root = tmp_path_factory.mktemp("configs")
    counts: Counter = Counter()

    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(top)
    def check(config):
        config.setdefault("total_images", 4)  # the default (1000) is valid but slow to plan many times
        plan_or_clean_error(synthocr, root, config, counts)

    check()
    record_property("outcomes", dict(counts))
    assert counts["clean_error"] and sum(counts.values()) >= max_examples * 0.8


@pytest.mark.slow
def test_random_configs_plan_or_fail_cleanly(synthocr, tmp_path_factory, record_property):
    _run(synthocr, tmp_path_factory, record_property, 25)


@pytest.mark.reliability
def test_many_random_configs_plan_or_fail_cleanly(synthocr, tmp_path_factory, record_property):
    _run(synthocr, tmp_path_factory, record_property, 300)


@pytest.mark.parametrize("total", [10**12, 2**63 - 1, 10**30])
def test_huge_total_fails_fast_without_allocating(synthocr, tmp_path, outcome, total):
    path = tmp_path / "c.yaml"
    path.write_text(f"total_images: {total}\n")
    result = synthocr("plan", path, "-o", tmp_path / "p.parquet", timeout=20)
    assert result.clean_error and "total_images" in result.err, result
    outcome("clean_error")


def test_huge_text_length_fails_fast(synthocr, tmp_path, outcome):
    path = tmp_path / "c.yaml"
    path.write_text("total_images: 3\nspecifications:\n  - max_text_length: 100000000000\n")
    result = synthocr("plan", path, "-o", tmp_path / "p.parquet", timeout=20)
    assert result.clean_error and "max_text_length" in result.err, result
    outcome("clean_error")


@pytest.mark.parametrize("name", ["名前 ✓", "🙂" * 50, "a\x00b", "\u202eevil", " "])
def test_unicode_spec_names(synthocr, tmp_path, outcome, name):
    path = tmp_path / "c.yaml"
    path.write_text(
        yaml.safe_dump({"total_images": 3, "specifications": [{"name": name}]}, allow_unicode=True), encoding="utf-8"
    )
    result = synthocr("plan", path, "-o", tmp_path / "p.parquet")
    if name.strip():
        assert result.code == 0, result
        outcome("planned")
    else:
        assert result.clean_error and "name" in result.err, result
        outcome("clean_error")


@pytest.mark.parametrize("field", ["corpus_file", "font_filter", "font_exclude", "fallback_fonts"])
@pytest.mark.parametrize("pattern", ["", "."])
def test_an_empty_glob_matches_nothing(synthocr, tmp_path, outcome, field, pattern):
    """pathlib's match raises ValueError('empty pattern') on '' and '.': a corpus_file of '' was a traceback.
    Each is a clean error naming the field and the pattern, but an exclusion of '.', which excludes nothing."""
    value = pattern if field == "corpus_file" else [pattern]
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({"total_images": 3, "specifications": [{"name": "s", field: value}]}))
    result = synthocr("plan", path, "-o", tmp_path / "p.parquet")
    if (field, pattern) == ("font_exclude", "."):
        assert result.code == 0, result
        outcome("planned")
    else:
        assert result.clean_error and field in result.err and repr(pattern) in result.err, result
        outcome("clean_error")
