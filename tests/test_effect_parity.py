"""Parity: every declared effect has config fields, plan columns, a sampler, a renderer of its stage and a golden case."""

from __future__ import annotations

import inspect

import pytest

from golden_cases import BASE, CASES
from synthocr.planner.effect_sampling import EFFECT_SAMPLERS
from synthocr.renderer import effects as registry
from synthocr.schemas.config import SPEC_FIELDS
from synthocr.schemas.params import EFFECTS, PARAMS_BY_NAME, STAGES
from synthocr.schemas.plan import PLAN_SCHEMA

STAGE_REGISTRIES = {
    "layout": registry.LAYOUT,
    "style": registry.STYLE,
    "geometric": registry.GEOMETRIC,
    "frame": registry.FRAME,
    "mask": registry.MASK,
    "page": registry.PAGE,
    "overlay": registry.OVERLAY,
    "image": registry.IMAGE,
}
# Arguments a renderer of each stage takes besides the effect's parameters.
STAGE_EXTRAS = {
    "layout": ["rng"],
    "style": ["rng"],
    "geometric": ["rng", "frame"],
    "frame": ["rng", "frame"],
    "mask": ["mask", "rng"],
    "page": ["pixels", "rng", "page"],
    "overlay": ["pixels", "rng", "page"],
    "image": ["pixels", "rng"],
}


def test_registries_hold_exactly_the_declared_effects_in_order():
    names = [e.name for e in EFFECTS]
    assert len(set(names)) == len(names)
    assert list(registry.RENDERERS) == names
    assert list(EFFECT_SAMPLERS) == names
    assert list(registry.EFFECT_ORDER) == names
    assert [s for s in STAGES if s in {e.stage for e in EFFECTS}] == list(dict.fromkeys(e.stage for e in EFFECTS)), (
        "effects are declared stage by stage, in the order the stages run"
    )
    for stage, fns in STAGE_REGISTRIES.items():
        assert list(fns) == [e.name for e in EFFECTS if e.stage == stage]


@pytest.mark.parametrize("effect", EFFECTS, ids=lambda e: e.name)
def test_declared_effect_has_fields_columns_sampler_renderer_golden(effect):
    assert effect.stage in STAGE_REGISTRIES, f"{effect.name}: stage {effect.stage!r} has no registry"
    assert 0.0 <= effect.probability <= 1.0
    assert f"{effect.name}_probability" in SPEC_FIELDS
    for p in effect.params:
        assert PARAMS_BY_NAME[p.name] is p
        assert p.neutral is not None and p.bounds[0] <= p.neutral <= p.bounds[1], p.name
        assert p.bounds[0] <= p.default[0] <= p.default[1] <= p.bounds[1], p.name
        assert f"{p.name}_min" in SPEC_FIELDS and f"{p.name}_max" in SPEC_FIELDS
        for col in p.column_names:
            assert col in PLAN_SCHEMA.names, col
    assert effect.name in EFFECT_SAMPLERS
    fn = STAGE_REGISTRIES[effect.stage][effect.name]
    # The renderer takes the stage's target (if any), then one argument per parameter, then the rest.
    args = list(inspect.signature(fn).parameters)
    extras = STAGE_EXTRAS[effect.stage]
    target = [a for a in extras if a not in ("rng", "frame", "page")]
    tail = [a for a in extras if a in ("rng", "frame", "page")]
    assert len(args) == len(target) + len(effect.params) + len(tail), (effect.name, args)
    assert args[-len(tail) :] == tail, (effect.name, args)
    assert any(case.get(effect.name, BASE[effect.name]) != effect.neutral for case in CASES.values()), (
        f"no golden case turns {effect.name} on"
    )
