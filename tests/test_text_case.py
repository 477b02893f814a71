"""Text case (`text_case_weights` -> the plan's `text_case` column): lines in capitals, small letters or with each
word capitalised, cased before the font is chosen, drawn and labelled as cased."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers import one_spec_config, plan_and_render_labels, plan_requests
from synthocr.assets import BUILTIN_DIRS
from synthocr.planner.text_case import apply_case

CASES = [
    # Unicode's full mappings: ß is SS in capitals, a final sigma is ς, ǆ capitalised is ǅ.
    ("Straße in Köln", "", "STRASSE IN KÖLN", "straße in köln", "Straße In Köln"),
    ("ΟΔΟΣ", "", "ΟΔΟΣ", "οδος", "Οδος"),
    ("ǆungla (don't) iPhone", "", "ǄUNGLA (DON'T) IPHONE", "ǆungla (don't) iphone", "ǅungla (Don't) Iphone"),
    # Greek capitals drop their accents; an accent that kept two vowels apart becomes a dialytika on the second.
    (
        "οδός Ερμού, άυλος, Κάιρο, ταΐζω",
        "el",
        "ΟΔΟΣ ΕΡΜΟΥ, ΑΫΛΟΣ, ΚΑΪΡΟ, ΤΑΪΖΩ",
        None,
        "Οδός Ερμού, Άυλος, Κάιρο, Ταΐζω",
    ),
    # Turkish keeps the dot of i either way.
    ("istanbul Irmak İzmir", "tr", "İSTANBUL IRMAK İZMİR", "istanbul ırmak izmir", "İstanbul Irmak İzmir"),
    ("istanbul Irmak", "", "ISTANBUL IRMAK", "istanbul irmak", "Istanbul Irmak"),
    # Scripts without case are left as they are.
    ("שלום עולם 2024", "he", "שלום עולם 2024", "שלום עולם 2024", "שלום עולם 2024"),
]


@pytest.mark.parametrize(("text", "language", "upper", "lower", "title"), CASES)
def test_each_case_follows_unicode_and_the_languages_print_rules(text, language, upper, lower, title):
    assert apply_case(text, "upper", language) == upper
    assert apply_case(text, "lower", language) == (lower if lower is not None else text.lower())
    assert apply_case(text, "title", language) == title
    assert apply_case(text, "as_is", language) == text


LINES = ("Sphinx of black quartz", "the straße of Köln", "Wax jog, judge my vow")


def _setup(root: Path, spec: dict, total: int = 400) -> Path:
    fonts = [BUILTIN_DIRS["font"] / name for name in ("DejaVuSans.ttf", "DejaVuSerif.ttf")]
    return one_spec_config(root, fonts, "en.txt", LINES, spec, total, seed=5)


def test_rows_are_cased_by_the_weights_and_the_rest_of_the_plan_is_unchanged(cli, tmp_path):
    config = _setup(tmp_path, {"text_case_weights": {"as_is": 2, "upper": 1, "lower": 1, "title": 0}})
    assert cli("plan", config, "-o", tmp_path / "p.parquet")[0] == 0
    frame = pd.read_parquet(tmp_path / "p.parquet")
    shares = frame.text_case.value_counts(normalize=True)
    assert set(shares[shares > 0].index) == {"as_is", "upper", "lower"}
    assert 0.4 < shares["as_is"] < 0.6 and 0.17 < shares["upper"] < 0.33 and 0.17 < shares["lower"] < 0.33
    for case, text in zip(frame.text_case, frame.text):
        assert text in {apply_case(line, case) for line in LINES}
    assert "THE STRASSE OF KÖLN" in set(frame.text)

    assert cli("plan", config, "-o", tmp_path / "plain.parquet", "specifications.0.text_case_weights={}")[0] == 0
    plain = pd.read_parquet(tmp_path / "plain.parquet")
    assert (plain.text_case == "as_is").all() and set(plain.text) == set(LINES)
    same = ["font_size", "seed", "background_kind", "ink_r"]
    pd.testing.assert_frame_equal(frame[same], plain[same])  # the cases have a random stream of their own


def test_a_font_is_chosen_for_the_cased_text(cli, tmp_path, monkeypatch):
    """Capitals of a text can need characters its small letters do not: the font must have those."""
    import synthocr.planner.fonts as fonts

    config = _setup(tmp_path, {"text_case_weights": {"upper": 1}}, total=60)
    real = fonts.FontCoverage.coverage

    def serif_without_capital_k(self, texts):  # DejaVu Serif made to lack "K"
        out = real(self, texts)
        serif = [i for i, f in enumerate(self.healthy) if f.rel == "DejaVuSerif.ttf"][0]
        out[[("K" in t) for t in texts], serif] = False
        return out

    monkeypatch.setattr(fonts.FontCoverage, "coverage", serif_without_capital_k)
    assert cli("plan", config, "-o", tmp_path / "p.parquet")[0] == 0
    frame = pd.read_parquet(tmp_path / "p.parquet")
    with_k = frame.text.str.contains("K")
    assert with_k.sum() > 5 and (frame.font[with_k] == "DejaVuSans.ttf").all()
    assert (frame.font[~with_k] == "DejaVuSerif.ttf").any()


def test_cased_rows_render_and_their_labels_hold_the_cased_text(cli, tmp_path):
    config = _setup(tmp_path, {"text_case_weights": {"upper": 1, "title": 1}}, total=8)
    plan, labels = plan_and_render_labels(cli, config)
    frame = pd.read_parquet(plan)
    assert [label["text"] for label in labels] == frame.text.tolist()
    assert {label["params"]["text_case"] for label in labels} == {"upper", "title"}
    code, stdout, _ = cli("inspect", plan)
    assert code == 0 and "text case" in stdout and "upper" in stdout
    code, stdout, _ = cli("plan", config, "--dry-run", "--json")
    assert code == 0 and set(json.loads(stdout)["text_cases"]) == {"upper", "title"}
    assert "".join(c["text"] for c in labels[0]["chars"]) == frame.text[0].replace(" ", "")


def test_a_request_may_give_the_case_and_a_requested_text_is_kept_otherwise(cli, tmp_path):
    config = _setup(tmp_path, {"text_case_weights": {"upper": 1}})
    content = "text,text_case,language\nistanbul,upper,tr\nKeep Me,,\n,lower,\nx,shouting,\n"
    plan, requests = plan_requests(cli, config, tmp_path, content)
    frame = pd.read_parquet(plan)
    assert frame.text.tolist()[:2] == ["İSTANBUL", "Keep Me"] and frame.text_case.tolist()[:2] == ["upper", "as_is"]
    assert frame.text_case[2] == "lower" and frame.text[2] in {line.lower() for line in LINES}
    rejected = pd.read_csv(str(requests) + ".rejected.csv")
    assert "text_case: 'shouting' is not known" in rejected.error_message[0]


def test_unknown_cases_are_a_config_error(cli, tmp_path):
    code, _, err = cli("plan", _setup(tmp_path, {"text_case_weights": {"UPPER": 1}}), "-o", tmp_path / "p.parquet")
    assert code == 2 and "Traceback" not in err and "text_case_weights" in err and "UPPER" in err
