"""Effect sampling: every parameter a column, neutral where the effect is off, independent per effect."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest
import yaml

from synthocr.config import config_from_dict
from synthocr.planner import effect_sampling
from synthocr.planner.plan import plan_batch
from synthocr.schemas.params import EFFECTS, EFFECTS_BY_NAME


def _plan(tiny_dict, **spec_fields):
    tiny_dict["total_images"] = 400
    for spec in tiny_dict["specifications"]:
        spec.update(spec_fields)
    return plan_batch(config_from_dict(tiny_dict)).to_pandas()


def test_other_parameters_are_neutral_exactly_where_the_strength_is(tiny_dict):
    frame = _plan(
        tiny_dict,
        lighting_strength_probability=0.5,
        motion_blur_length_max=4.0,
        motion_blur_length_probability=0.5,
        curvature_sine_max=0.2,
        crop_fraction_max=0.1,
    )
    for e in EFFECTS:
        off = frame[e.name] == e.neutral
        for p in e.params[1:]:
            for col in p.column_names:
                assert (frame.loc[off, col] == p.neutral).all(), col
                lo, hi = p.default
                assert frame.loc[~off, col].between(lo, hi).all(), col
    # Both kinds of rows exist for the effects turned on above.
    for name in ("lighting_strength", "motion_blur_length"):
        assert 0.3 < (frame[name] != EFFECTS_BY_NAME[name].neutral).mean() < 0.7, name


def test_a_ranged_parameter_follows_its_config_range(tiny_dict):
    frame = _plan(
        tiny_dict,
        lighting_strength_min=0.1,
        lighting_strength_max=0.3,
        lighting_kind_min=2,
        lighting_kind_max=2,
        lighting_angle_min=80.0,
        lighting_angle_max=100.0,
    )
    assert (frame.lighting_kind == 2).all()
    assert frame.lighting_angle.between(80, 100).all()
    assert frame.lighting_x.between(0.2, 0.8).all() and frame.lighting_x.nunique() > 100


def test_an_effect_drawing_differently_changes_no_other_column(tiny_dict, monkeypatch):
    """Each effect draws from its own generator: an effect that draws more values (as a new effect or a new
    parameter would) leaves every other effect's columns as they were."""
    config = config_from_dict(tiny_dict)
    full = plan_batch(config).to_pandas()

    def greedy(rng, effect, ranges, layout):
        rng.random(1000)
        return effect_sampling.sample_effect(rng, effect, ranges, layout)

    monkeypatch.setitem(effect_sampling.EFFECT_SAMPLERS, "curvature_arc", greedy)
    other = plan_batch(config).to_pandas()
    for e in EFFECTS:
        for col in e.column_names:
            same = np.array_equal(full[col].to_numpy(), other[col].to_numpy())
            assert same == (e.name != "curvature_arc") or not full[col].ne(e.params[0].neutral).any(), col


def test_a_request_sets_an_effects_parameters(cli, tiny_config_path, tmp_path):
    requests = tmp_path / "req.jsonl"
    rows = [
        {"text": "shaky", "motion_blur_length": 6.0, "motion_blur_angle": 90.0},
        {"text": "lit", "lighting_strength": 0.5, "lighting_kind": 1, "lighting_x": 0.1, "lighting_y": 0.9},
        {"text": "plain", "motion_blur_length": 0.0, "motion_blur_angle": 45.0},
    ]
    requests.write_text("".join(json.dumps(r) + "\n" for r in rows))
    plan = tmp_path / "plan.parquet"
    code, _, err = cli("plan", tiny_config_path, "--requests", requests, "-o", plan)
    assert code == 0, err
    frame = pq.read_table(plan).to_pandas()
    assert (frame.motion_blur_length[0], frame.motion_blur_angle[0]) == (6.0, 90.0)
    assert tuple(frame.loc[1, ["lighting_kind", "lighting_x", "lighting_y"]].astype(float).round(3)) == (1.0, 0.1, 0.9)
    assert frame.motion_blur_angle[2] == 0.0  # the effect is off in that row: its angle is neutral
    code, _, err = cli("render", plan, "-o", tmp_path / "out", "--workers", "1", "--quiet")
    assert code == 0, err


def test_a_plan_of_an_older_schema_is_refused_clearly(cli, tiny_config_path, tmp_path):
    plan = tmp_path / "plan.parquet"
    assert cli("plan", tiny_config_path, "-o", plan)[0] == 0
    table = pq.read_table(plan)
    meta = dict(table.schema.metadata)
    meta[b"plan_schema_version"] = b"1"
    old = tmp_path / "old.parquet"
    pq.write_table(table.replace_schema_metadata(meta), old)
    code, _, err = cli("render", old, "-o", tmp_path / "out", "--workers", "1")
    assert code == 2
    assert "schema version 1" in err and "synthocr plan" in err and "Traceback" not in err


@pytest.mark.parametrize("seed", range(3))
def test_effect_columns_do_not_depend_on_other_specs(tiny_dict, seed):
    """A spec's rows keep their effect values when another spec's ranges change (rows are drawn per block,
    but per row within a spec only from that spec's ranges)."""
    tiny_dict["seed"] = seed
    base = plan_batch(config_from_dict(yaml.safe_load(yaml.safe_dump(tiny_dict)))).to_pandas()
    tiny_dict["specifications"][1]["blur_radius_max"] = 3.0
    changed = plan_batch(config_from_dict(tiny_dict)).to_pandas()
    latin = base.spec == "latin"
    assert np.array_equal(base.loc[latin, "blur_radius"], changed.loc[latin, "blur_radius"])
