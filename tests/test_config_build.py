"""The direct dataclass build of a config gives exactly what OmegaConf's structured merge gives."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from omegaconf import OmegaConf

from synthocr.config.build import REPLACED_MAPPINGS, build_config, config_data
from synthocr.config.load import _check_types, config_from_dict, config_to_dict
from synthocr.schemas.config import BatchConfig

CONFIGS = sorted((Path(__file__).resolve().parents[1] / "configs").glob("*.yaml"))
EXTRA = {
    "ints where floats go": {
        "total_images": 5,
        "seed": 3,
        "background_dirs": {"paper": "bg"},
        "specifications": [
            {"name": "a", "proportion": 1, "rotation_angle_min": -2, "font_weights": {"x": 2}},
            {"name": "b", "proportion": 1, "background_weights": {"plain": 1, "noise": 2}, "font_filter": ["D*"]},
        ],
    },
    "no specifications": {"total_images": 2},
    "templates": {"specifications": [{"name": "t", "templates": {"a": "n {num}"}, "template_weights": {"a": 3}}]},
}


def _cases():
    cases = {p.name: yaml.safe_load(p.read_text()) for p in CONFIGS}
    return {**cases, **EXTRA}


@pytest.mark.parametrize("name", _cases())
def test_build_matches_omegaconf(name):
    _, clean = _check_types(_cases()[name])
    built = build_config(clean)
    assert built is not None
    merged = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(BatchConfig), clean))
    for spec, given in zip(merged.specifications, clean.get("specifications", [])):
        for key in REPLACED_MAPPINGS:  # merged into the defaults by OmegaConf; config_from_dict replaces them
            if key in given:
                setattr(spec, key, dict(given[key]))
    assert dataclasses.asdict(built) == dataclasses.asdict(merged)
    for a, b in zip(built.specifications, merged.specifications):  # same types too (3 and 3.0 are ==)
        assert [type(v) for v in dataclasses.asdict(a).values()] == [type(v) for v in dataclasses.asdict(b).values()]
    assert config_data(built) == OmegaConf.to_container(OmegaConf.structured(built), resolve=True)


def test_dollar_brace_takes_omegaconf_path():
    raw = {"specifications": [{"name": "t", "text_source": "template", "templates": {"a": "\\${amount}"}}]}
    _, clean = _check_types(raw)
    assert build_config(clean) is None
    config = config_from_dict(raw)
    assert config.specifications[0].templates == {"a": "${amount}"}
    assert config_to_dict(config)["specifications"][0]["templates"] == {"a": "${amount}"}
