"""Config loading: the default config, dotlist overrides, round trips and every validation error."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import Assets, copy_builtin_assets
from synthocr.assets import BUILTIN_DIRS
from synthocr.config import config_from_dict, config_to_dict, load_config
from synthocr.errors import ConfigError, UserError

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CONFIG = REPO / "configs" / "default.yaml"


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Assets:
    """Copies of the built-in fonts and corpus, shared read-only by the tests of this module."""
    return copy_builtin_assets(tmp_path_factory.mktemp("config_assets"), ("DejaVuSans.ttf", "DejaVuSerif.ttf"))


def base_config(assets: Assets, **top: Any) -> dict[str, Any]:
    """A small valid config as plain data; keyword arguments replace top-level fields."""
    data: dict[str, Any] = {
        "total_images": 20,
        "seed": 7,
        "font_dir": str(assets.fonts),
        "corpus_dir": str(assets.corpus),
        "specifications": [
            {"name": "latin", "proportion": 0.6, "corpus_file": "latin.txt"},
            {"name": "greek", "proportion": 0.4, "corpus_file": "greek.txt", "font_filter": "DejaVuSerif*"},
        ],
    }
    data.update(top)
    return data


def write_yaml(directory: Path, data: Any, name: str = "batch.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def problems_of(directory: Path, data: Any, overrides: list[str] | None = None) -> list[str]:
    """The problems load_config reports for `data` written as YAML (it must raise ConfigError)."""
    path = write_yaml(directory, data)
    with pytest.raises(ConfigError) as info:
        load_config(path, overrides or [])
    err = info.value
    assert err.problems, "a ConfigError must list at least one problem"
    assert str(path) in str(err), "the message names the config file"
    for problem in err.problems:
        assert str(problem) in str(err), "every problem appears in the message"
    return [str(p) for p in err.problems]


def only_problem(directory: Path, data: Any, overrides: list[str] | None = None) -> str:
    problems = problems_of(directory, data, overrides)
    assert len(problems) == 1, problems
    return problems[0]


def assert_names(problem: str, *parts: str) -> None:
    """The problem text names every part (field, specification, index, offending value)."""
    for part in parts:
        assert part in problem, f"{part!r} not named in {problem!r}"


# --- loading and overrides ---------------------------------------------------


def test_default_config_loads() -> None:
    config = load_config(DEFAULT_CONFIG)
    assert config.total_images == 1000
    assert config.seed == 1234
    names = [s.name for s in config.specifications]
    assert names == ["latin", "cyrillic", "greek", "arabic", "hebrew", "degraded_latin"]
    assert sum(s.proportion for s in config.specifications) == pytest.approx(1.0)
    latin, cyrillic = config.specifications[0], config.specifications[1]
    assert (latin.rotation_angle_min, latin.rotation_angle_max) == (-4.0, 4.0)
    # Fields a specification leaves out take the schema defaults.
    assert (cyrillic.rotation_angle_min, cyrillic.rotation_angle_max) == (-3.0, 3.0)
    assert cyrillic.text_direction == "ltr"
    assert config.specifications[3].text_direction == "rtl"


def test_dotlist_overrides(tmp_path: Path, assets: Assets) -> None:
    path = write_yaml(tmp_path, base_config(assets))
    config = load_config(path, ["total_images=500", "specifications.0.rotation_angle_max=9"])
    assert config.total_images == 500
    spec = config.specifications[0]
    assert spec.rotation_angle_max == 9.0
    assert isinstance(spec.rotation_angle_max, float)
    assert config.specifications[1].rotation_angle_max == 3.0  # other specs untouched
    # The file itself is not changed by overrides.
    assert load_config(path).total_images == 20


def test_overrides_on_default_config() -> None:
    config = load_config(DEFAULT_CONFIG, ["total_images=500", "specifications.0.rotation_angle_max=9"])
    assert config.total_images == 500
    assert config.specifications[0].rotation_angle_max == 9.0


def test_override_with_typo_is_reported(tmp_path: Path, assets: Assets) -> None:
    problem = only_problem(tmp_path, base_config(assets), ["specifications.0.rotaton_angle_max=9"])
    assert_names(problem, "specifications[0]", "rotaton_angle_max", "did you mean 'rotation_angle_max'")


def test_override_with_wrong_type_is_reported(tmp_path: Path, assets: Assets) -> None:
    problem = only_problem(tmp_path, base_config(assets), ["total_images=many"])
    assert_names(problem, "total_images", "integer", "many")


def test_override_without_equals_is_reported(tmp_path: Path, assets: Assets) -> None:
    problem = only_problem(tmp_path, base_config(assets), ["total_images"])
    assert_names(problem, "total_images", "key=value")


def test_missing_config_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        load_config(tmp_path / "nope.yaml")


def test_invalid_yaml_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("total_images: [1, 2\nseed: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="YAML"):
        load_config(path)


# --- round trips -------------------------------------------------------------


def test_round_trip_dict_and_yaml(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets)
    data["specifications"][0].update(
        rotation_angle_min=-7.5,
        rotation_angle_max=2,
        font_size_min=30,
        font_size_max=30,
        background_weights={"plain": 3, "paper": 0},
    )
    config = load_config(write_yaml(tmp_path, data))
    as_dict = config_to_dict(config)
    assert config_from_dict(as_dict) == config
    again = load_config(write_yaml(tmp_path, as_dict, "again.yaml"))
    assert again == config
    assert config_to_dict(again) == as_dict
    # The resolved dict is complete: every field of every specification is written out.
    assert as_dict["specifications"][1]["rotation_angle_max"] == 3.0
    assert as_dict["specifications"][0]["background_weights"]["plain"] == 3.0


def test_round_trip_default_config(tmp_path: Path) -> None:
    config = load_config(DEFAULT_CONFIG)
    again = load_config(write_yaml(tmp_path, config_to_dict(config)))
    assert again == config


# --- validation: one problem each, naming its field -------------------------


def test_unknown_spec_key_suggests_the_field(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets)
    data["specifications"][1]["rotaton_angle_max"] = 5
    problem = only_problem(tmp_path, data)
    assert_names(problem, "'greek'", "specifications[1]", "rotaton_angle_max", "did you mean 'rotation_angle_max'?")


def test_unknown_top_level_key_suggests_the_field(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets)
    data["totl_images"] = 5
    problem = only_problem(tmp_path, data)
    assert_names(problem, "totl_images", "unknown field", "did you mean 'total_images'?")


@pytest.mark.parametrize(
    ("where", "key", "value", "expected"),
    [
        ("top", "total_images", "many", "integer"),
        ("top", "seed", 1.5, "integer"),
        ("top", "font_dir", 3, "string"),
        ("spec", "rotation_angle_max", "big", "number"),
        ("spec", "proportion", True, "number"),
        ("spec", "font_size_min", 12.5, "integer"),
        ("spec", "name", ["a"], "string"),
        ("spec", "background_weights", "paper", "mapping"),
    ],
)
def test_wrong_type(tmp_path: Path, assets: Assets, where: str, key: str, value: Any, expected: str) -> None:
    data = base_config(assets)
    if where == "top":
        data[key] = value
    else:
        data["specifications"][0][key] = value
    problem = only_problem(tmp_path, data)
    assert_names(problem, key, expected)
    if where == "spec":
        assert_names(problem, "specifications[0]")


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("total_images: 1e6", "expected an integer, got '1e6' (YAML reads '1e6' as text: write 1000000)"),
        ("total_images: 1000.0", "expected an integer, got 1000.0 (write 1000)"),
        ("seed: 2.5", "expected an integer, got 2.5"),
        ("min_contrast: 5e-1", "expected a number, got '5e-1' (YAML reads '5e-1' as text: write 0.5)"),
        ("min_contrast: 1,5", "expected a number, got '1,5'"),
    ],
)
def test_numbers_yaml_reads_as_text_say_how_to_write_them(tmp_path: Path, yaml_text: str, expected: str) -> None:
    """PyYAML reads YAML 1.1, where `1e6` (no dot) is text: the error says what to write instead."""
    spec = "\n    " + yaml_text if yaml_text.startswith("min_contrast") else ""
    top = "" if spec else yaml_text + "\n"
    path = tmp_path / "c.yaml"
    path.write_text(f"{top}specifications:\n  - name: a\n    corpus_file: latin.txt{spec}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert expected in str(err.value)
    if expected.endswith("'1,5'") or expected.endswith("2.5"):
        assert f"{expected} (" not in str(err.value)  # a decimal comma or a fraction: no guess


def test_specifications_not_a_list(tmp_path: Path, assets: Assets) -> None:
    problem = only_problem(tmp_path, base_config(assets, specifications={"name": "x"}))
    assert_names(problem, "specifications", "list")


@pytest.mark.parametrize("total", [0, -5])
def test_total_images_must_be_positive(tmp_path: Path, assets: Assets, total: int) -> None:
    problem = only_problem(tmp_path, base_config(assets, total_images=total))
    assert_names(problem, "total_images", str(total))


def test_empty_specifications(tmp_path: Path, assets: Assets) -> None:
    problem = only_problem(tmp_path, base_config(assets, specifications=[]))
    assert_names(problem, "specifications", "empty")


def test_duplicate_names(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets)
    data["specifications"][1]["name"] = "latin"
    problem = only_problem(tmp_path, data)
    assert_names(problem, "specifications", "'latin'", "more than once")


def test_negative_proportion(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets)
    data["specifications"][1]["proportion"] = -0.5
    problem = only_problem(tmp_path, data)
    assert_names(problem, "'greek'", "specifications[1]", "proportion", "-0.5")


def test_all_zero_proportions(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets)
    for spec in data["specifications"]:
        spec["proportion"] = 0
    problem = only_problem(tmp_path, data)
    assert_names(problem, "proportion", "0")


@pytest.mark.parametrize(
    ("lo_key", "hi_key", "lo", "hi"),
    [
        ("rotation_angle_min", "rotation_angle_max", 5.0, 1.0),
        ("font_size_min", "font_size_max", 40, 30),
        ("blur_radius_min", "blur_radius_max", 0.5, 0.25),
        ("min_text_length", "max_text_length", 30, 10),
    ],
)
def test_min_greater_than_max(tmp_path: Path, assets: Assets, lo_key: str, hi_key: str, lo: float, hi: float) -> None:
    data = base_config(assets)
    data["specifications"][0].update({lo_key: lo, hi_key: hi})
    problem = only_problem(tmp_path, data)
    assert_names(problem, "'latin'", "specifications[0]", lo_key, hi_key, str(lo), str(hi))


def test_problems_are_structured(tmp_path: Path, assets: Assets) -> None:
    """Each problem carries its field, specification and message: callers read the parts, never parse text."""
    data = base_config(assets, total_images=0)
    data["specifications"][0].update({"blur_radius_min": 0.5, "blur_radius_max": 0.25, "background_weights": {"x": 1}})
    with pytest.raises(ConfigError) as info:
        load_config(write_yaml(tmp_path, data))
    by_key = {p.key: p for p in info.value.problems}
    assert set(by_key) == {
        "total_images",
        "specifications[0].blur_radius_min",
        "specifications[0].background_weights.x",
    }
    blur = by_key["specifications[0].blur_radius_min"]
    assert (blur.field, blur.spec, blur.index) == ("blur_radius_min", "latin", 0)
    assert blur.message == "0.5 is greater than blur_radius_max (0.25)"
    assert str(blur) == "specification 'latin' (specifications[0]).blur_radius_min: " + blur.message
    assert by_key["total_images"].spec is None and str(by_key["total_images"]).startswith("total_images: ")


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_effect_probability_outside_0_1(tmp_path: Path, assets: Assets, share: float) -> None:
    data = base_config(assets)
    data["specifications"][0]["blur_radius_probability"] = share
    problem = only_problem(tmp_path, data)
    assert_names(problem, "'latin'", "specifications[0]", "blur_radius_probability", str(share), "0 to 1")


@pytest.mark.parametrize("name", ["font_size", "background_texture", "motion_blur_angle", "perspective_corner"])
def test_layout_params_have_no_probability(tmp_path: Path, assets: Assets, name: str) -> None:
    data = base_config(assets)
    data["specifications"][0][f"{name}_probability"] = 0.5
    assert_names(only_problem(tmp_path, data), f"{name}_probability", "unknown field")


def test_a_range_the_config_sets_applies_to_every_row(tmp_path: Path, assets: Assets) -> None:
    """Built-in mild ranges keep their default share of rows; a range the YAML sets gets probability 1."""
    from synthocr.schemas.params import EFFECTS_BY_NAME

    data = base_config(assets)
    data["specifications"][0].update(
        {"rotation_angle_min": 2.0, "rotation_angle_max": 3.0, "noise_sigma_max": 4.0, "noise_sigma_probability": 0.2}
    )
    config = load_config(write_yaml(tmp_path, data), [])
    latin, greek = config.specifications
    assert latin.rotation_angle_probability == 1.0
    assert latin.noise_sigma_probability == 0.2
    assert greek.rotation_angle_probability == EFFECTS_BY_NAME["rotation_angle"].probability < 1.0
    assert latin.blur_radius_probability == EFFECTS_BY_NAME["blur_radius"].probability < 1.0
    # The stored form keeps the resolved shares, so loading it again changes nothing.
    assert config_to_dict(config_from_dict(config_to_dict(config))) == config_to_dict(config)


def test_negative_padding(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets)
    data["specifications"][0]["padding_min"] = -2
    problem = only_problem(tmp_path, data)
    assert_names(problem, "specifications[0]", "padding_min", "-2")


@pytest.mark.parametrize("size", [0, -3])
def test_non_positive_font_size(tmp_path: Path, assets: Assets, size: int) -> None:
    data = base_config(assets)
    data["specifications"][1]["font_size_min"] = size
    problem = only_problem(tmp_path, data)
    assert_names(problem, "'greek'", "specifications[1]", "font_size_min", str(size))


def test_unknown_text_direction(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets)
    data["specifications"][0]["text_direction"] = "sideways"
    problem = only_problem(tmp_path, data)
    assert_names(problem, "specifications[0]", "text_direction", "sideways", "ltr", "rtl", "ttb")


def test_negative_background_weight(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets)
    data["specifications"][0]["background_weights"] = {"paper": -1.0, "plain": 1.0}
    problem = only_problem(tmp_path, data)
    assert_names(problem, "specifications[0]", "background_weights.paper", "-1")


def test_background_weights_replace_the_defaults(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets)
    data["specifications"][0]["background_weights"] = {"plain": 1.0}
    config = load_config(write_yaml(tmp_path, data))
    assert dict(config.specifications[0].background_weights) == {"plain": 1.0}


def test_missing_font_dir(tmp_path: Path, assets: Assets) -> None:
    missing = tmp_path / "no_fonts_here"
    problem = only_problem(tmp_path, base_config(assets, font_dir=str(missing)))
    assert_names(problem, "font_dir", str(missing), "does not exist")


def test_font_dir_without_fonts(tmp_path: Path, assets: Assets) -> None:
    empty = tmp_path / "fonts"
    empty.mkdir()
    (empty / "README.txt").write_text("no fonts here\n", encoding="utf-8")
    problem = only_problem(tmp_path, base_config(assets, font_dir=str(empty)))
    assert_names(problem, "font_dir", str(empty), "font")


def test_missing_corpus_dir(tmp_path: Path, assets: Assets) -> None:
    missing = tmp_path / "no_corpus_here"
    problem = only_problem(tmp_path, base_config(assets, corpus_dir=str(missing)))
    assert_names(problem, "corpus_dir", str(missing), "does not exist")


def test_no_corpus_file_matches(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets)
    data["specifications"][1]["corpus_file"] = "klingon*.txt"
    problem = only_problem(tmp_path, data)
    assert_names(problem, "'greek'", "specifications[1]", "corpus_file", "klingon*.txt")


def test_no_font_matches_filter(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets)
    data["specifications"][0]["font_filter"] = "Helvetica*"
    problem = only_problem(tmp_path, data)
    assert_names(problem, "'latin'", "specifications[0]", "font_filter", "Helvetica*")


def _corpus_with(tmp_path: Path, name: str, content: bytes) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(BUILTIN_DIRS["corpus"] / "latin.txt", corpus / "latin.txt")
    (corpus / name).write_bytes(content)
    return corpus


@pytest.mark.parametrize("content", [b"", b"\n  \n\t\n"], ids=["empty", "whitespace"])
def test_empty_corpus_file(tmp_path: Path, assets: Assets, content: bytes) -> None:
    corpus = _corpus_with(tmp_path, "empty.txt", content)
    data = base_config(assets, corpus_dir=str(corpus))
    data["specifications"] = [{"name": "blank", "corpus_file": "empty.txt"}]
    problem = only_problem(tmp_path, data)
    assert_names(problem, "'blank'", "corpus_file", "empty.txt", "empty")


def test_non_utf8_corpus_file(tmp_path: Path, assets: Assets) -> None:
    text = "Le café de la gare ferme à minuit, même le dimanche.\n" * 3
    corpus = _corpus_with(tmp_path, "french.txt", text.encode("latin-1"))
    data = base_config(assets, corpus_dir=str(corpus))
    data["specifications"] = [{"name": "french", "corpus_file": "*.txt"}]  # latin.txt is fine
    problem = only_problem(tmp_path, data)
    assert_names(problem, "'french'", "corpus_file", "french.txt", "UTF-8")


def test_non_utf8_byte_at_end_of_small_corpus_file(tmp_path: Path, assets: Assets) -> None:
    corpus = _corpus_with(tmp_path, "tail.txt", b"Une ligne correcte.\nLa fin est cass" + b"\xe9e")
    data = base_config(assets, corpus_dir=str(corpus))
    data["specifications"] = [{"name": "tail", "corpus_file": "tail.txt"}]
    problem = only_problem(tmp_path, data)
    assert_names(problem, "'tail'", "corpus_file", "tail.txt", "UTF-8")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_utf16_or_utf32_corpus_file_passes_the_config_checks(tmp_path: Path, assets: Assets, encoding: str) -> None:
    """Windows' "Unicode" save, with its byte-order mark: read by it when planned (test_corpus_formats.py), so not
    refused as text that is not UTF-8."""
    corpus = _corpus_with(tmp_path, "wide.txt", "Une ligne correcte.\n".encode(encoding))  # with its BOM
    data = base_config(assets, corpus_dir=str(corpus))
    data["specifications"] = [{"name": "wide", "corpus_file": "wide.txt"}]
    config = load_config(write_yaml(tmp_path, data), [])  # no ConfigError
    assert config.specifications[0].corpus_file == "wide.txt"


# --- several problems at once -------------------------------------------------


def test_several_value_and_resource_problems_reported_together(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets, total_images=0, corpus_dir=str(assets.corpus))
    data["specifications"] = [
        {"name": "a", "corpus_file": "latin.txt", "rotation_angle_min": 5, "rotation_angle_max": 1},
        {"name": "a", "corpus_file": "latin.txt", "padding_min": -1, "text_direction": "up"},
        {"name": "c", "corpus_file": "nothing*.txt", "font_filter": "Nope*", "proportion": -1},
    ]
    problems = problems_of(tmp_path, data)
    text = "\n".join(problems)
    for part in [
        "total_images",
        "the name 'a' is used more than once",
        "specifications[0]).rotation_angle_min",
        "specifications[1]).padding_min",
        "specifications[1]).text_direction",
        "specifications[2]).proportion",
        "specifications[2]).corpus_file",
        "specifications[2]).font_filter",
    ]:
        assert part in text, f"{part!r} missing from {problems}"
    assert len(problems) == 8


def test_several_type_problems_reported_together(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets, totl_images=5, seed="abc")
    data["specifications"][0]["rotaton_angle_max"] = 5
    data["specifications"][1]["font_size_max"] = "large"
    problems = problems_of(tmp_path, data)
    text = "\n".join(problems)
    for part in ["totl_images", "seed", "specifications[0]).rotaton_angle_max", "specifications[1]).font_size_max"]:
        assert part in text, f"{part!r} missing from {problems}"
    assert len(problems) == 4


def test_missing_asset_dirs_reported_together(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets, font_dir=str(tmp_path / "f"), corpus_dir=str(tmp_path / "c"), total_images=-1)
    problems = problems_of(tmp_path, data)
    text = "\n".join(problems)
    assert "font_dir" in text and "corpus_dir" in text and "total_images" in text
    assert len(problems) == 3


def test_type_and_value_problems_reported_together(tmp_path: Path, assets: Assets) -> None:
    data = base_config(assets, total_images=0)
    data["specifications"][0]["rotaton_angle_max"] = 5
    data["specifications"][1].update(rotation_angle_min=5, rotation_angle_max=1)
    problems = problems_of(tmp_path, data)
    text = "\n".join(problems)
    assert "rotaton_angle_max" in text
    assert "total_images" in text
    assert "specifications[1]).rotation_angle_min" in text
