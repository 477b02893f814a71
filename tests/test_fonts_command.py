"""`synthocr fonts` (what each font can draw) and `synthocr inspect --charset` (character counts of a plan)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pandas as pd
import yaml

from helpers import copy_builtin_assets

DEJAVU = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf", "DejaVuSerif.ttf"]


def test_fonts_against_corpus_files(cli, tmp_path):
    assets = copy_builtin_assets(tmp_path, ["DejaVuSans.ttf", "DejaVuSerif.ttf"])
    (assets.fonts / "broken.ttf").write_bytes(b"not a font")
    code, out, _ = cli("fonts", assets.fonts, "--corpus", assets.corpus, "--json")
    assert code == 0
    table = json.loads(out)
    fonts = {f["font"]: f for f in table["fonts"]}
    assert [c["name"] for c in table["columns"]] == [
        "arabic.txt",
        "cyrillic.txt",
        "greek.txt",
        "hebrew.txt",
        "latin.txt",
    ]
    assert fonts["DejaVuSans.ttf"]["share"]["arabic.txt"] == 1.0
    assert fonts["DejaVuSerif.ttf"]["share"]["arabic.txt"] == 0.0  # DejaVu Serif has no Arabic letters
    assert fonts["DejaVuSerif.ttf"]["share"]["latin.txt"] == 1.0
    assert {"LATIN", "GREEK", "CYRILLIC"} <= set(fonts["DejaVuSerif.ttf"]["scripts"])
    assert not fonts["broken.ttf"]["healthy"] and fonts["broken.ttf"]["share"]["latin.txt"] is None
    code, text, _ = cli("fonts", assets.fonts, "--corpus", assets.corpus)
    assert code == 0 and "unusable: broken.ttf" in text and "DejaVuSerif.ttf" in text


def test_fonts_reads_a_corpus_in_a_legacy_encoding(cli, tmp_path):
    """`fonts --corpus` is step one of bringing a corpus: a Windows-1251 one was "not UTF-8 text" there too."""
    assets = copy_builtin_assets(tmp_path, ["DejaVuSans.ttf", "NotoNaskhArabic-Regular.ttf"])
    corpus = tmp_path / "cp1251"
    corpus.mkdir()
    (corpus / "ru.txt").write_bytes("Съешь же ещё этих булок\nВ чащах юга жил бы цитрус\n".encode("cp1251"))
    code, _, err = cli("fonts", assets.fonts, "--corpus", corpus)
    assert code == 2 and "ru.txt is not UTF-8 text" in err
    code, out, err = cli("fonts", assets.fonts, "--corpus", corpus, "--corpus-encoding", "cp1251", "--json")
    assert code == 0, err
    fonts = {f["font"]: f for f in json.loads(out)["fonts"]}
    assert (
        fonts["DejaVuSans.ttf"]["share"]["ru.txt"] == 1.0
        and fonts["NotoNaskhArabic-Regular.ttf"]["share"]["ru.txt"] == 0.0
    )
    code, _, err = cli("fonts", assets.fonts, "--corpus", corpus, "--corpus-encoding", "klingon")
    assert code == 2 and "--corpus-encoding: 'klingon' is not an encoding Python knows" in err
    config = tmp_path / "c.yaml"
    config.write_text(f"corpus_dir: {corpus}\nspecifications:\n  - name: ru\n    corpus_file: ru.txt\n")
    code, _, err = cli("fonts", assets.fonts, "--config", config, "--corpus-encoding", "cp1251")
    assert code == 2 and "--corpus-encoding is for --corpus alone" in err  # not silently ignored


def test_fonts_pool_a_corpus_of_many_files_by_folder(cli, tmp_path):
    """A corpus of one file per document made a column per file: 5000 files, a table 70,000 characters wide.
    Over 12 files, the columns are the top-level folders; a flat folder is one column."""
    assets = copy_builtin_assets(tmp_path, ["DejaVuSerif.ttf", "NotoNaskhArabic-Regular.ttf"])
    corpus = tmp_path / "many"
    for folder, line in (("en", "plain English words"), ("ar", "كلمات عربية بسيطة")):
        (corpus / folder).mkdir(parents=True)
        for i in range(20):
            (corpus / folder / f"{i}.txt").write_text(f"{line} {i}\n", encoding="utf-8")
    code, out, _ = cli("fonts", assets.fonts, "--corpus", corpus, "--json")
    table = json.loads(out)
    shares = {f["font"]: f["share"] for f in table["fonts"]}
    assert code == 0 and [c["name"] for c in table["columns"]] == ["ar/", "en/"]
    assert shares["DejaVuSerif.ttf"] == {"ar/": 0.0, "en/": 1.0}
    assert shares["NotoNaskhArabic-Regular.ttf"]["ar/"] == 1.0
    code, out, _ = cli("fonts", assets.fonts, "--corpus", corpus / "en", "--json")
    table = json.loads(out)
    assert [(c["name"], c["texts"]) for c in table["columns"]] == [("20 files", 20)]


def test_fonts_against_a_config_names_fonts_no_spec_can_use(cli, tmp_path):
    assets = copy_builtin_assets(tmp_path, DEJAVU)  # the Noto fonts would be unused too
    config = tmp_path / "c.yaml"
    specs = [
        {"name": "de", "corpus_file": "latin.txt", "font_filter": ["DejaVuSerif*", "DejaVuSans.ttf"]},
        {"name": "ar", "corpus_file": "arabic.txt", "font_filter": "DejaVuSans*", "font_exclude": ["*Mono*"]},
    ]
    config.write_text(yaml.safe_dump({"corpus_dir": str(assets.corpus), "specifications": specs}))
    code, out, _ = cli("fonts", assets.fonts, "--config", config, "--json", "--sample", "200")
    assert code == 0
    table = json.loads(out)
    fonts = {f["font"]: f for f in table["fonts"]}
    assert fonts["DejaVuSansMono.ttf"]["allowed"] == {"de": False, "ar": False}
    assert fonts["DejaVuSerif.ttf"]["share"]["ar"] < 0.05 and not fonts["DejaVuSerif.ttf"]["allowed"]["ar"]
    assert table["unused"] == ["DejaVuSansMono.ttf"]
    code, text, _ = cli("fonts", assets.fonts, "--config", config, "--sample", "200")
    assert "fonts no column can use: DejaVuSansMono.ttf" in text and "(100%)" in text


def test_fonts_count_what_fallback_fonts_help_draw(cli, tmp_path):
    """Noto Sans Hebrew has no digits: with DejaVu Sans as fallback it draws every Hebrew line, numbers too,
    from --fallback (corpus columns) and from a spec's fallback_fonts (config columns) alike."""
    assets = copy_builtin_assets(tmp_path, ["NotoSansHebrew-Regular.ttf", "DejaVuSans.ttf"])
    code, out, _ = cli("fonts", assets.fonts, "--corpus", assets.corpus, "--json")
    alone = {f["font"]: f for f in json.loads(out)["fonts"]}["NotoSansHebrew-Regular.ttf"]["share"]["hebrew.txt"]
    code, out, _ = cli("fonts", assets.fonts, "--corpus", assets.corpus, "--json", "--fallback", "DejaVuSans.ttf")
    assert code == 0
    table = json.loads(out)
    helped = {f["font"]: f for f in table["fonts"]}["NotoSansHebrew-Regular.ttf"]["share"]
    assert alone == 0.8 and helped["hebrew.txt"] == 1.0
    assert helped["latin.txt"] == 0.0  # a font for the line's script, not one drawing only its spaces
    assert table["columns"][0]["fallback_fonts"] == ["DejaVuSans.ttf"]
    config = tmp_path / "c.yaml"
    spec = {"name": "he", "corpus_file": "hebrew.txt", "fallback_fonts": "DejaVuSans.ttf"}
    config.write_text(yaml.safe_dump({"corpus_dir": str(assets.corpus), "specifications": [spec]}))
    code, text, _ = cli("fonts", assets.fonts, "--config", config, "--sample", "200")
    assert code == 0 and "he: with fallback_fonts DejaVuSans.ttf" in text
    code, _, err = cli("fonts", assets.fonts, "--corpus", assets.corpus, "--fallback", "Nope*.ttf")
    assert code == 2 and "--fallback 'Nope*.ttf' matches no font" in err


def test_fonts_on_a_missing_dir_is_a_clean_error(cli, tmp_path):
    code, _, err = cli("fonts", tmp_path / "nope")
    assert code == 2 and "does not exist" in err


def _plan(cli, tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    config = tmp_path / "c.yaml"
    spec = {"name": "c", "text_source": "chars", "charset": "0123456789", "charset_weights": {"9": 0.01}}
    config.write_text(yaml.safe_dump({"total_images": 300, "specifications": [spec]}))
    plan = tmp_path / "p.parquet"
    assert cli("plan", config, "-o", plan)[0] == 0
    return plan, pd.read_parquet(plan)


def test_inspect_charset_counts_and_gaps(cli, tmp_path):
    plan, frame = _plan(cli, tmp_path)
    expected = Counter("".join(frame.text))
    (tmp_path / "dict.txt").write_text("0\n1\n2\n3\n4\n5\n6\n7\n8\n9\nA\n \n", encoding="utf-8")
    code, out, _ = cli("inspect", plan, "--charset", tmp_path / "dict.txt", "--min-count", "50", "--json")
    assert code == 0
    report = json.loads(out)
    assert {c["char"]: c["count"] for c in report["counts"]} == dict(expected)
    assert report["charset"]["missing"] == ["A", " "]
    assert report["charset"]["rare"] == {"9": expected["9"]} and 0 < expected["9"] < 50
    code, text, _ = cli("inspect", plan, "--charset")
    assert code == 0 and f"{sum(expected.values()):,} characters, 10 distinct, in 300 texts" in text


def test_inspect_charset_file_saved_with_a_byte_order_mark(cli, tmp_path):
    """A dict.txt saved "with BOM": U+FEFF is the file's signature, not a character the set lacks."""
    plan, _ = _plan(cli, tmp_path)
    (tmp_path / "dict.txt").write_text("\ufeff0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n", encoding="utf-8")
    code, out, _ = cli("inspect", plan, "--charset", tmp_path / "dict.txt", "--json")
    assert code == 0
    charset = json.loads(out)["charset"]
    assert charset["missing"] == [] and "\ufeff" not in json.dumps(charset, ensure_ascii=False)
