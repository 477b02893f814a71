"""Planning: plan invariants over seeds, determinism, block independence, font coverage and metadata."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import uharfbuzz as hb
import yaml

import synthocr
from helpers import Assets, copy_builtin_assets
from synthocr.assets import BUILTIN_DIRS
from synthocr.color import contrast_ratio, luminance
from synthocr.config import config_from_dict, config_to_dict, load_config
from synthocr.errors import UserError
from synthocr.planner.allocation import allocate_shares
from synthocr.planner.colors import texture_reach, worst_background
from synthocr.planner.plan import BLOCK_ROWS, plan_batch, write_plan
from synthocr.schemas.colors import LIGHT_INKS
from synthocr.schemas.config import BatchConfig
from synthocr.schemas.params import EFFECTS, RANGE_PARAMS
from synthocr.schemas.plan import PLAN_SCHEMA, validate_plan

EFFECT_OF_PARAM = {p.name: e for e in EFFECTS for p in e.params}

REPO = Path(__file__).resolve().parents[1]
META_KEYS = (
    "synthocr.config",
    "synthocr.config_fingerprint",
    "synthocr.version",
    "synthocr.asset_roots",
    "synthocr.seed",
)

MIXED_CORPUS = """\
The quick brown fox jumps over the lazy dog near the river bank.
Όλοι οι άνθρωποι γεννιούνται ελεύθεροι και ίσοι στην αξιοπρέπεια.
כל בני האדם נולדו בני חורין ושווים בערכם ובזכויותיהם
Invoice number 4471 is due on the 15th of March, please pay promptly.
Το πλοίο για τη Σαντορίνη αναχωρεί στις οκτώ το πρωί.
שלום וברוכים הבאים לירושלים הרכבת יוצאת מהתחנה בשעה 8 בבוקר
All human beings are born free and equal in dignity and rights.
Ξεσκεπάζω την ψυχοφθόρα βδελυγμία για να δω το φως.
"""


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Assets:
    """Copies of the built-in fonts and corpus, shared read-only by the tests of this module."""
    return copy_builtin_assets(tmp_path_factory.mktemp("plan_assets"))


def load(
    directory: Path, data: dict[str, Any], overrides: list[str] | None = None, name: str = "batch.yaml"
) -> BatchConfig:
    """Write `data` as a YAML config in `directory` and load it like the CLI does."""
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_config(path, overrides or [])


def tiny_config(assets: Assets, seed: int = 0, total: int = 240) -> dict[str, Any]:
    """Three specifications with disjoint ranges, so every row can be checked against its own spec."""
    return {
        "total_images": total,
        "seed": seed,
        "font_dir": str(assets.fonts),
        "corpus_dir": str(assets.corpus),
        "specifications": [
            {
                "name": "latin",
                "proportion": 0.5,
                "corpus_file": "latin.txt",
                "min_text_length": 8,
                "max_text_length": 30,
                "rotation_angle_min": -10.0,
                "rotation_angle_max": -5.0,
                "font_size_min": 20,
                "font_size_max": 24,
                "jpeg_quality_min": 30,
                "jpeg_quality_max": 80,
                "blur_radius_min": 0.3,
                "blur_radius_max": 0.7,
                # Room for every degradation at its range's top: the budget's guard, which may take a value
                # below its range (tests/test_readability.py), stays out of these range checks.
                "degradation_budget": 3.0,
            },
            {
                "name": "greek",
                "proportion": 0.3,
                "corpus_file": "greek.txt",
                "font_filter": "DejaVuSerif*",
                "min_text_length": 5,
                "max_text_length": 12,
                "rotation_angle_min": 5.0,
                "rotation_angle_max": 10.0,
                "font_size_min": 40,
                "font_size_max": 40,  # a fixed value
                "padding_min": 0,
                "padding_max": 2,
                "ink_color_weights": {"pen_blue": 1.0, "stamp": 1.0},
                "background_color_weights": {"kraft": 1.0},
            },
            {
                "name": "hebrew",
                "proportion": 0.2,
                "text_direction": "rtl",
                "corpus_file": "hebrew.txt",
                "min_text_length": 6,
                "max_text_length": 25,
                "min_contrast": 7.0,
                "noise_sigma_min": 2.0,
                "noise_sigma_max": 2.0,
                "perspective_warp_magnitude_min": 0.01,
                "perspective_warp_magnitude_max": 0.05,
            },
        ],
    }


def font_codepoints(path: Path) -> frozenset[int]:
    return frozenset(hb.Face(hb.Blob.from_file_path(str(path))).unicodes)


def as_frame(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas()
    for col in ("spec", "font", "text_direction", "corpus_file", "background_kind"):
        frame[col] = frame[col].astype(str)
    return frame


# --- invariants over seeds -----------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 17, 2**31 + 5])
def test_plan_invariants(tmp_path: Path, assets: Assets, seed: int) -> None:
    config = load(tmp_path, tiny_config(assets, seed))
    table = plan_batch(config)
    validate_plan(table)
    assert table.schema.remove_metadata().equals(PLAN_SCHEMA.remove_metadata())
    assert table.num_rows == config.total_images
    ids = table.column("image_id").to_numpy()
    assert ids.tolist() == list(range(config.total_images))

    frame = as_frame(table)
    specs = config.specifications
    shares = allocate_shares([s.proportion for s in specs], config.total_images)
    counts = frame.spec.value_counts()
    assert {s.name: int(counts.get(s.name, 0)) for s in specs} == dict(zip([s.name for s in specs], shares.tolist()))

    for spec in specs:
        rows = frame[frame.spec == spec.name]
        assert (rows.text_direction == spec.text_direction).all()
        assert (rows.corpus_file == spec.corpus_file).all()
        for p in RANGE_PARAMS:
            lo, hi = getattr(spec, f"{p.name}_min"), getattr(spec, f"{p.name}_max")
            if not p.is_int:  # float32 columns: the bounds as stored in float32
                lo, hi = np.float32(lo), np.float32(hi)
            effect = EFFECT_OF_PARAM.get(p.name)
            assert effect is None or 0.0 <= getattr(spec, f"{effect.name}_probability") <= 1.0
            for col in p.column_names:
                values = rows[col]
                # A row the effect skips holds neutral values; so does every parameter of an effect whose
                # strength was drawn neutral (its range includes the neutral value).
                off = (rows[effect.name] == effect.neutral) if effect else False
                inside = values.between(lo, hi) | ((values == p.neutral) & off)
                assert inside.all(), f"{spec.name}.{col} in [{values.min()}, {values.max()}], expected [{lo}, {hi}]"
                if lo == hi:
                    assert values.isin([lo, p.neutral] if effect else [lo]).all()
        lengths = rows.text.str.len()  # the lower bound is checked in test_text_lengths_reach_the_minimum
        assert lengths.between(1, spec.max_text_length).all(), (
            spec.name,
            rows.text[~lengths.between(1, spec.max_text_length)].tolist(),
        )
        assert (rows.text == rows.text.str.strip()).all()
        ink_modes = {m for m, w in spec.ink_color_weights.items() if w > 0}
        assert set(rows.ink_color.astype(str)) <= ink_modes
        light = rows.ink_color.astype(str).isin(LIGHT_INKS).to_numpy()
        assert (rows.background_color.astype(str)[light] == "dark").all()
        assert (rows.min_contrast == np.float32(spec.min_contrast)).all()
        # The ink keeps its contrast over the worst part of a procedural background.
        reach, factor = texture_reach(rows.background_kind.astype(str).to_numpy(), rows.background_texture.to_numpy())
        bg = rows[["background_r", "background_g", "background_b"]].to_numpy(np.uint8)
        ink = rows[["ink_r", "ink_g", "ink_b"]].to_numpy(np.uint8)
        ratio = contrast_ratio(luminance(ink), worst_background(bg, light, reach, factor))
        assert (ratio >= spec.min_contrast - 1e-9).all(), (spec.name, ratio.min())
    assert frame.seed.nunique() == len(frame)  # distinct per-row renderer seeds
    assert frame.output_name.is_unique


def test_text_lengths_reach_the_minimum(tmp_path: Path, assets: Assets) -> None:
    too_short = []
    for seed in range(5):
        config = load(tmp_path, tiny_config(assets, seed))
        frame = as_frame(plan_batch(config))
        for spec in config.specifications:
            texts = frame.text[frame.spec == spec.name]
            too_short += [(seed, spec.name, t) for t in texts if len(t) < spec.min_text_length]
    assert not too_short, too_short


def test_spec_order_is_interleaved(tmp_path: Path, assets: Assets) -> None:
    config = load(tmp_path, tiny_config(assets))
    spec = as_frame(plan_batch(config)).spec
    # 0.5 / 0.3 / 0.2 of 240: every prefix of 10 rows already has each specification.
    for start in range(0, 240, 10):
        assert set(spec[start : start + 10]) == {"latin", "greek", "hebrew"}


def test_zero_proportion_spec_gets_no_rows(tmp_path: Path, assets: Assets) -> None:
    data = tiny_config(assets, total=100)
    data["specifications"][2]["proportion"] = 0
    table = plan_batch(load(tmp_path, data))
    validate_plan(table)
    counts = as_frame(table).spec.value_counts().to_dict()
    assert counts == {"latin": 63, "greek": 37}


def test_default_config_plans_with_builtin_assets() -> None:
    config = load_config(REPO / "configs" / "default.yaml", ["total_images=300"])
    table = plan_batch(config)
    validate_plan(table)
    assert table.num_rows == 300
    roots = json.loads(table.schema.metadata[b"synthocr.asset_roots"])
    assert roots["font"] == roots["corpus"] == "builtin"
    covers = {f.name: font_codepoints(f) for f in BUILTIN_DIRS["font"].glob("*.ttf")}
    for text, font in zip(table.column("text").to_pylist(), table.column("font").to_pylist()):
        assert all(ord(ch) in covers[font] for ch in text), (font, text)


def test_seed_changes_the_plan(tmp_path: Path, assets: Assets) -> None:
    a = plan_batch(load(tmp_path, tiny_config(assets, seed=1)))
    b = plan_batch(load(tmp_path, tiny_config(assets, seed=2)))
    assert a.column("spec").equals(b.column("spec"))  # allocation does not depend on the seed
    assert not a.column("seed").equals(b.column("seed"))
    assert not a.column("rotation_angle").equals(b.column("rotation_angle"))


# --- determinism -----------------------------------------------------------------


def test_same_config_and_seed_give_identical_table(tmp_path: Path, assets: Assets) -> None:
    first = plan_batch(load(tmp_path, tiny_config(assets, seed=5)))
    second = plan_batch(load(tmp_path, tiny_config(assets, seed=5), name="again.yaml"))
    assert first.equals(second, check_metadata=True)


def test_write_plan_twice_gives_identical_bytes(tmp_path: Path, assets: Assets) -> None:
    config = load(tmp_path, tiny_config(assets, seed=5))
    a, b = tmp_path / "a" / "plan.parquet", tmp_path / "b" / "plan.parquet"
    assert write_plan(config, a) == config.total_images
    assert write_plan(config, b) == config.total_images
    assert a.read_bytes() == b.read_bytes()
    assert sorted(p.name for p in a.parent.iterdir()) == ["plan.parquet"]  # no temporary file left


def test_parquet_round_trip_equals_in_memory_plan(tmp_path: Path, assets: Assets) -> None:
    config = load(tmp_path, tiny_config(assets, seed=3))
    path = tmp_path / "plan.parquet"
    write_plan(config, path)
    from_file = pq.read_table(path)
    validate_plan(from_file)
    in_memory = plan_batch(config)
    assert from_file.schema.remove_metadata().equals(PLAN_SCHEMA.remove_metadata())
    assert from_file.equals(in_memory)
    assert from_file.schema.metadata == in_memory.schema.metadata


# --- blocks ------------------------------------------------------------------------


def test_first_block_independent_of_total(tmp_path: Path, assets: Assets) -> None:
    data = tiny_config(assets, seed=11)
    data["specifications"] = data["specifications"][:1]  # one spec: the task order is the same for any total
    big = plan_batch(load(tmp_path, data, ["total_images=9000"]))
    small = plan_batch(load(tmp_path, data, ["total_images=5000"]))
    assert big.num_rows == 9000 and small.num_rows == 5000
    assert 9000 > 2 * BLOCK_ROWS
    head_big, head_small = big.slice(0, BLOCK_ROWS), small.slice(0, BLOCK_ROWS)
    for name in PLAN_SCHEMA.names:
        assert head_big.column(name).to_pylist() == head_small.column(name).to_pylist(), name
    assert big.column("image_id").to_numpy().tolist() == list(range(9000))
    # Later blocks draw fresh randomness: rows do not repeat the first block's values.
    assert big.column("seed").to_numpy()[BLOCK_ROWS:].tolist() != big.column("seed").to_numpy()[:BLOCK_ROWS].tolist()
    assert len(np.unique(big.column("seed").to_numpy())) == 9000


# --- font coverage -----------------------------------------------------------------


def _mixed_assets(tmp_path: Path, fonts: list[str], corpus: dict[str, str]) -> tuple[Path, Path]:
    font_dir, corpus_dir = tmp_path / "fonts", tmp_path / "corpus"
    font_dir.mkdir()
    corpus_dir.mkdir()
    for name in fonts:
        shutil.copy(BUILTIN_DIRS["font"] / name, font_dir / name)
    for name, text in corpus.items():
        (corpus_dir / name).write_text(text, encoding="utf-8")
    return font_dir, corpus_dir


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_font_covers_its_text(tmp_path: Path, seed: int) -> None:
    font_dir, corpus_dir = _mixed_assets(tmp_path, ["DejaVuSerif.ttf", "DejaVuSans.ttf"], {"mixed.txt": MIXED_CORPUS})
    data = {
        "total_images": 300,
        "seed": seed,
        "font_dir": str(font_dir),
        "corpus_dir": str(corpus_dir),
        "specifications": [{"name": "mixed", "corpus_file": "mixed.txt", "min_text_length": 3, "max_text_length": 20}],
    }
    table = plan_batch(load(tmp_path, data))
    covers = {name: font_codepoints(font_dir / name) for name in ("DejaVuSerif.ttf", "DejaVuSans.ttf")}
    hebrew = {cp for cp in covers["DejaVuSans.ttf"] if 0x0590 <= cp <= 0x05FF}
    assert hebrew and not hebrew & covers["DejaVuSerif.ttf"], "the fixture relies on DejaVuSerif lacking Hebrew"

    used = {"DejaVuSerif.ttf": 0, "DejaVuSans.ttf": 0}
    n_hebrew = 0
    for text, font in zip(table.column("text").to_pylist(), table.column("font").to_pylist()):
        missing = {ch for ch in text if ord(ch) not in covers[font]}
        assert not missing, f"{font} cannot draw {sorted(missing)} in {text!r}"
        used[font] += 1
        if any(ord(ch) in hebrew for ch in text):
            n_hebrew += 1
            assert font == "DejaVuSans.ttf"
    assert n_hebrew > 20, "the corpus should give plenty of Hebrew texts"
    assert used["DejaVuSerif.ttf"] > 20, "texts DejaVuSerif covers are also drawn with it"


def test_no_font_covering_the_corpus_is_a_clear_error(tmp_path: Path) -> None:
    font_dir, corpus_dir = _mixed_assets(
        tmp_path,
        ["DejaVuSerif.ttf", "DejaVuSans.ttf"],
        {"hebrew.txt": (BUILTIN_DIRS["corpus"] / "hebrew.txt").read_text(encoding="utf-8")},
    )
    data = {
        "total_images": 50,
        "seed": 0,
        "font_dir": str(font_dir),
        "corpus_dir": str(corpus_dir),
        "specifications": [{"name": "serif_hebrew", "corpus_file": "hebrew.txt", "font_filter": "DejaVuSerif*"}],
    }
    config = load(tmp_path, data)  # valid: the filter matches a font, the corpus file exists
    with pytest.raises(UserError) as info:
        plan_batch(config)
    message = str(info.value)
    for part in ("serif_hebrew", "DejaVuSerif*", "hebrew.txt", "covers"):
        assert part in message, f"{part!r} not in {message!r}"
    out = tmp_path / "out" / "plan.parquet"
    with pytest.raises(UserError):
        write_plan(config, out)
    assert not out.exists()
    assert list(out.parent.iterdir()) == []  # no temporary file left behind


def _with_corrupt_font(tmp_path: Path) -> tuple[Path, Path]:
    font_dir, corpus_dir = _mixed_assets(
        tmp_path, ["DejaVuSans.ttf"], {"latin.txt": (BUILTIN_DIRS["corpus"] / "latin.txt").read_text("utf-8")}
    )
    (font_dir / "Broken.ttf").write_bytes(np.random.default_rng(0).bytes(20_000))
    return font_dir, corpus_dir


def test_corrupt_font_is_left_out_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    font_dir, corpus_dir = _with_corrupt_font(tmp_path)
    data = {
        "total_images": 60,
        "seed": 0,
        "font_dir": str(font_dir),
        "corpus_dir": str(corpus_dir),
        "specifications": [{"name": "latin", "corpus_file": "latin.txt"}],
    }
    config = load(tmp_path, data)
    with caplog.at_level(logging.WARNING, logger="synthocr"):
        table = plan_batch(config)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "Broken.ttf" in r.getMessage()]
    assert len(warnings) == 1, [r.getMessage() for r in caplog.records]
    assert "left out" in warnings[0].getMessage()
    assert table.num_rows == 60
    assert set(table.column("font").to_pylist()) == {"DejaVuSans.ttf"}


def test_filter_matching_only_a_corrupt_font_is_a_clear_error(tmp_path: Path) -> None:
    font_dir, corpus_dir = _with_corrupt_font(tmp_path)
    data = {
        "total_images": 10,
        "seed": 0,
        "font_dir": str(font_dir),
        "corpus_dir": str(corpus_dir),
        "specifications": [{"name": "broken", "corpus_file": "latin.txt", "font_filter": "Broken*"}],
    }
    with pytest.raises(UserError, match="broken.*Broken\\*"):
        plan_batch(load(tmp_path, data))


# --- metadata ------------------------------------------------------------------------


def test_parquet_metadata(tmp_path: Path, assets: Assets) -> None:
    config = load(tmp_path, tiny_config(assets, seed=9))
    path = tmp_path / "plan.parquet"
    write_plan(config, path)
    raw = pq.read_schema(path).metadata
    meta = {k.decode(): v.decode() for k, v in raw.items()}
    for key in META_KEYS:
        assert key in meta, f"{key} missing from {sorted(meta)}"
    assert meta["synthocr.seed"] == "9"
    assert meta["synthocr.version"] == synthocr.__version__
    assert meta["synthocr.config_fingerprint"] == hashlib.sha1(meta["synthocr.config"].encode()).hexdigest()
    resolved = json.loads(meta["synthocr.config"])
    assert resolved == config_to_dict(config)
    assert config_from_dict(resolved) == config  # the plan is enough to re-create its config
    roots = json.loads(meta["synthocr.asset_roots"])
    assert Path(roots["font"]) == assets.fonts.resolve()
    assert Path(roots["corpus"]) == assets.corpus.resolve()
    # The in-memory plan carries the same metadata.
    table_meta = {k.decode(): v.decode() for k, v in plan_batch(config).schema.metadata.items()}
    assert {k: table_meta[k] for k in META_KEYS} == {k: meta[k] for k in META_KEYS}


def test_fingerprint_follows_the_config(tmp_path: Path, assets: Assets) -> None:
    def fingerprint(overrides: list[str]) -> str:
        table = plan_batch(load(tmp_path, tiny_config(assets, total=30), overrides))
        return table.schema.metadata[b"synthocr.config_fingerprint"].decode()

    base = fingerprint([])
    assert fingerprint([]) == base
    assert fingerprint(["seed=1"]) != base
    assert fingerprint(["specifications.0.rotation_angle_max=-6"]) != base


@pytest.mark.slow
def test_rows_are_read_back_across_row_groups(tmp_path: Path) -> None:
    from synthocr.planner.plan import ROW_GROUP_ROWS
    from synthocr.renderer.io import open_plan, read_rows

    config = load_config(REPO / "configs" / "default.yaml", [f"total_images={ROW_GROUP_ROWS + 1000}"])
    path = tmp_path / "big.parquet"
    write_plan(config, path)
    pf = open_plan(str(path))
    assert pf.metadata.num_row_groups == 2
    positions = np.array([0, ROW_GROUP_ROWS - 1, ROW_GROUP_ROWS, ROW_GROUP_ROWS + 999])
    rows = read_rows(pf, positions)
    assert [r["image_id"] for r in rows] == positions.tolist()
    whole = pq.read_table(path).take(pa.array(positions)).to_pylist()
    assert rows == whole
