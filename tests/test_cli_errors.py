"""Errors that say exactly what to change: the characters no font covers and the fonts that do, paths shown
resolved, overrides in the config's own words, YAML syntax errors with file, line, column and a caret."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from synthocr.assets import BUILTIN_DIRS


def write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def assets(tmp_path):
    """A font dir with DejaVu Serif (no Arabic) and Noto Naskh Arabic, and an empty corpus dir."""
    fonts, corpus = tmp_path / "fonts", tmp_path / "corpus"
    fonts.mkdir()
    corpus.mkdir()
    for name in ("DejaVuSerif.ttf", "NotoNaskhArabic-Regular.ttf"):
        shutil.copy(BUILTIN_DIRS["font"] / name, fonts / name)
    return fonts, corpus


def config(fonts: Path, corpus: Path, **spec) -> dict:
    return {
        "total_images": 6,
        "font_dir": str(fonts),
        "corpus_dir": str(corpus),
        "specifications": [{"name": "s", "proportion": 1, "corpus_file": "c.txt", "text_source": "lines", **spec}],
    }


def test_coverage_error_names_the_characters_and_fonts_that_draw_them(cli, assets, tmp_path):
    fonts, corpus = assets
    (corpus / "c.txt").write_text("مرحبا بالعالم\nسلام عليكم\n", encoding="utf-8")
    path = write(tmp_path / "c.yaml", config(fonts, corpus, font_filter="DejaVu*"))
    code, _, err = cli("plan", path, "-o", tmp_path / "p.parquet")
    assert code == 2 and "Traceback" not in err
    # An Arabic letter DejaVu Serif lacks, with its code point and name; the font of the dir that draws it.
    assert "'ع' U+0639 ARABIC LETTER AIN" in err
    assert (
        "that do (none of them matched by font_filter/font_exclude): NotoNaskhArabic-Regular.ttf (all of them)" in err
    )
    assert "font_filter" in err


def test_coverage_error_when_no_font_of_the_dir_draws_them(cli, assets, tmp_path):
    fonts, corpus = assets
    (corpus / "c.txt").write_text("漢字かな混じり\n", encoding="utf-8")
    path = write(tmp_path / "c.yaml", config(fonts, corpus))
    code, _, err = cli("plan", path, "-o", tmp_path / "p.parquet")
    assert code == 2
    assert "'漢' U+6F22 CJK UNIFIED IDEOGRAPH-6F22" in err and "'か' U+304B HIRAGANA LETTER KA" in err
    assert f"no font in {fonts} does" in err and "synthocr fonts" in err


def test_charset_error_suggests_fonts(cli, assets, tmp_path):
    fonts, corpus = assets
    data = config(fonts, corpus, text_source="chars", charset="abcب", font_filter="DejaVu*")
    del data["specifications"][0]["corpus_file"]
    code, _, err = cli("plan", write(tmp_path / "c.yaml", data), "-o", tmp_path / "p.parquet")
    assert code == 2 and "U+0628 ARABIC LETTER BEH" in err and "NotoNaskhArabic-Regular.ttf" in err


def test_relative_paths_are_shown_resolved(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = {"font_dir": "font", "corpus_dir": "texts", "specifications": [{"name": "s", "corpus_file": "*.txt"}]}
    code, _, err = cli("plan", write(tmp_path / "c.yaml", data))
    assert code == 2
    assert (
        f"font_dir: directory font does not exist (resolved to {tmp_path / 'font'}, relative to the current directory)"
        in err
    )
    assert f"corpus_dir: directory texts does not exist (resolved to {tmp_path / 'texts'}" in err
    code, _, err = cli("plan", "missing.yaml")
    assert code == 2 and f"resolved to {tmp_path / 'missing.yaml'}" in err


def test_a_file_named_where_its_folder_belongs_is_named_as_a_file(cli, tmp_path, monkeypatch):
    """font_dir: DejaVuSans.ttf (a font, not its folder) was "directory DejaVuSans.ttf does not exist"."""
    from synthocr.assets import BUILTIN_DIRS

    monkeypatch.chdir(tmp_path)
    shutil.copy(BUILTIN_DIRS["font"] / "DejaVuSans.ttf", tmp_path)
    (tmp_path / "texts.txt").write_text("hello world here\n", encoding="utf-8")
    data = {"font_dir": "DejaVuSans.ttf", "corpus_dir": "texts.txt", "specifications": [{"name": "s"}]}
    code, _, err = cli("plan", write(tmp_path / "c.yaml", data))
    assert code == 2 and "does not exist" not in err
    assert "font_dir: DejaVuSans.ttf is a file, not a folder" in err and "font_filter: DejaVuSans.ttf" in err
    assert "corpus_dir: texts.txt is a file, not a folder" in err and "corpus_file: texts.txt" in err


def test_a_font_dir_of_type1_fonts_says_so(cli, tmp_path, monkeypatch):
    """Debian's URW fonts (Times, Helvetica and Courier look-alikes) are also shipped as Type 1 files
    (`/usr/share/fonts/type1/urw-base35/*.t1`, `X11/Type1/*.pfb`): such a folder "held no font", with no
    word of the 35 fonts in it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t1").mkdir()
    for name in ("NimbusSans-Regular.t1", "NimbusSans-Bold.pfb"):
        (tmp_path / "t1" / name).write_bytes(b"%!PS-AdobeFont-1.0: NimbusSans-Regular\n")
    data = {"font_dir": "t1", "specifications": [{"name": "s"}]}
    code, _, err = cli("plan", write(tmp_path / "c.yaml", data))
    assert code == 2 and "Traceback" not in err
    assert "font_dir: directory t1 holds no .ttf/.otf/.ttc/.otc/.woff/.woff2 font" in err
    assert "its 2 .pfb/.t1 file(s) are PostScript Type 1 or bitmap fonts" in err and "OpenType versions" in err


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("specifications.5.name=x", "specifications.5: the config has 3 specifications (0-2)"),
        ("specifications[7].name=x", "specifications.7: the config has 3 specifications (0-2)"),
        ("specifications.first.name=x", "specifications.first: specifications is a list: use a number 0-2"),
        ("total_images.x=3", "total_images.x: total_images is 24, a single value with no fields inside"),
        ("specs.0.name=x", "specs: unknown field; did you mean 'specifications'?"),
        ("total_image=3", "total_image: unknown field; did you mean 'total_images'?"),
        ("specifications.0.rotation_max=3", "rotation_max: unknown field; did you mean"),
        ("total_images=[1", "total_images: the value is not valid YAML"),
        ("just_a_word", "is not of the form key=value"),
    ],
)
def test_override_errors_speak_our_language(cli, tiny_config_path, tmp_path, override, message):
    code, _, err = cli("plan", tiny_config_path, "-o", tmp_path / "p.parquet", override)
    assert code == 2 and message in err, err
    assert "full_key" not in err and "object_type" not in err  # nothing of the config library's wording


def test_override_replaces_and_creates(tiny_config_path):
    from synthocr.config import load_config

    config = load_config(
        tiny_config_path,
        ["specifications[0].font_size_max=30", "specifications.1.background_weights={paper: 1}", "seed=5"],
    )
    assert config.specifications[0].font_size_max == 30 and config.seed == 5
    assert config.specifications[1].background_weights == {"paper": 1}


def test_yaml_syntax_error_shows_file_line_column_and_a_caret(cli, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("total_images: 10\nspecifications:\n  - name: a\n    proportion: [1\n", encoding="utf-8")
    code, _, err = cli("plan", path)
    assert code == 2 and "Traceback" not in err
    assert f"{path}, line 5, column 1: YAML syntax error: expected ',' or ']'" in err
    assert "while parsing a flow sequence at line 4, column 17" in err
    lines = err.splitlines()
    at = lines.index("    4 |     proportion: [1")
    assert lines[at + 1] == "      |                 ^"  # under the `[`


def test_yaml_tab_indent_error_gets_a_hint(cli, tmp_path):
    path = tmp_path / "tabs.yaml"
    path.write_text("total_images: 10\nspecifications:\n\t- name: a\n", encoding="utf-8")
    code, _, err = cli("plan", path)
    assert code == 2 and "line 3, column 1" in err and "not tabs" in err


def test_a_hand_edited_row_that_would_draw_a_missing_glyph_box_fails_alone(cli, tiny_config_path, tmp_path):
    """The plan is made to be opened in pandas, and edited. A row whose font lacks a character (HarfBuzz's
    .notdef, a missing-glyph box) or whose text holds a line break fails with the character named; no image
    of it is written, the other rows render."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    plan, edited, out = tmp_path / "plan.parquet", tmp_path / "edited.parquet", tmp_path / "out"
    assert cli("plan", tiny_config_path, "-o", plan, "total_images=6")[0] == 0
    table = pq.read_table(plan)
    texts = table.column("text").to_pylist()
    fonts = table.column("font").to_pylist()
    latin = next(i for i, f in enumerate(fonts) if f.startswith("DejaVu"))
    bad = {latin: "漢字 text", (latin + 1) % 6: "two\nlines", (latin + 2) % 6: "para\u2028sep"}
    for i, text in bad.items():
        texts[i] = text
    i = table.schema.get_field_index("text")
    pq.write_table(table.set_column(i, table.schema.field(i), pa.array(texts, table.schema.field(i).type)), edited)
    code, stdout, _ = cli("render", edited, "-o", out, "--workers", "1", "--quiet")
    assert code == 1 and "failed 3" in stdout
    state = [json.loads(line) for line in (out / "_render_state.jsonl").read_text().splitlines()]
    failed = {r["image_id"]: r["error_message"] for r in state if r.get("status") == "failed"}
    ids = table.column("image_id").to_pylist()
    assert set(failed) == {ids[i] for i in bad}
    assert f"font {fonts[latin]} has no glyph for '漢' U+6F22 CJK UNIFIED IDEOGRAPH-6F22" in failed[ids[latin]]
    assert "'\\n' U+000A" in failed[ids[(latin + 1) % 6]] and "U+2028 LINE SEPARATOR" in failed[ids[(latin + 2) % 6]]
    assert len(list(out.rglob("*.png"))) == 3


def test_a_corpus_file_beside_the_user_is_named_when_the_shipped_corpus_is_searched(cli, tmp_path, monkeypatch):
    # corpus_file is a glob in corpus_dir; with corpus_dir empty that is the shipped corpus, not the current
    # directory a new user keeps their texts in. The error says which corpus was searched and how to name theirs.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.txt").write_text("a line of my own\n", encoding="utf-8")
    data = {"total_images": 4, "specifications": [{"name": "s", "corpus_file": "mine.txt"}]}
    code, _, err = cli("plan", write(tmp_path / "c.yaml", data), "-o", tmp_path / "p.parquet")
    assert code == 2 and "Traceback" not in err
    assert "the corpus shipped with synthocr, as corpus_dir is empty; it holds arabic.txt" in err
    assert f"give its absolute path (corpus_file: {tmp_path / 'mine.txt'})" in err and "set corpus_dir" in err


def test_texts_drawn_again_are_explained_by_the_characters_no_font_draws(cli, assets, tmp_path):
    # Some lines of the corpus have characters no font of the spec has: the plan is made from the others, and
    # the note names those characters and where to find a font for them, not just a count of draws.
    fonts, corpus = assets
    (corpus / "c.txt").write_text("plain words here\nwave 🌊 here\nmore plain words\n", encoding="utf-8")
    path = write(tmp_path / "c.yaml", config(fonts, corpus, font_filter="DejaVu*"))
    code, out, err = cli("plan", path, "-o", tmp_path / "p.parquet")
    assert code == 0, err
    assert "texts were drawn again" in out
    assert "specification 's': no font the specification may use draws '🌊' U+1F30A WATER WAVE" in out
    assert f"no font in {fonts} does" in out


def test_texts_whose_main_script_only_a_fallback_font_draws_are_explained(cli, assets, tmp_path):
    # Every character has a font (the row's or a fallback), but a row's font must draw its line's main script
    # itself: a mostly Latin line with an Arabic word is not drawn in Noto Naskh with DejaVu as fallback.
    fonts, corpus = assets
    (corpus / "c.txt").write_text("مرحبا بالعالم\nmostly latin words here مرحبا\n", encoding="utf-8")
    data = config(fonts, corpus, font_filter="NotoNaskh*", fallback_fonts="DejaVuSerif.ttf", text_direction="rtl")
    code, out, err = cli("plan", write(tmp_path / "c.yaml", data), "-o", tmp_path / "p.parquet")
    assert code == 0, err
    assert "'mostly latin words here مرحبا' is drawn by its fonts or its fallback fonts" in out
    assert "main script (Latn, ISO 15924)" in out
