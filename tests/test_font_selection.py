"""Font selection per specification (glob lists, exclusions, weights) and background sources that cannot serve."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from PIL import Image, ImageDraw, ImageFont

from helpers import copy_builtin_assets
from synthocr.planner.fonts import pick_columns, pick_weighted


def _config(tmp_path: Path, specs: list[dict], total: int = 600, **top) -> Path:
    assets = copy_builtin_assets(tmp_path)
    data = {"total_images": total, "seed": 2, "font_dir": str(assets.fonts), "corpus_dir": str(assets.corpus)}
    data.update(top, specifications=specs)
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _fonts(cli, config: Path) -> pd.Series:
    return _plan_frame(cli, config).font.astype(str)


def _plan_frame(cli, config: Path) -> pd.DataFrame:
    out = config.parent / "p.parquet"
    code, _, err = cli("plan", config, "-o", out)
    assert code == 0, err
    return pd.read_parquet(out)


def _pillow_pixels(font: Path, text: str) -> bytes:
    """`text` drawn whole by Pillow in `font`: a reader we did not write, drawing the font as it is."""
    image = Image.new("L", (200, 40), 255)
    ImageDraw.Draw(image).text((4, 4), text, font=ImageFont.truetype(str(font), 24), fill=0)
    return image.tobytes()


def test_font_filter_list_and_exclude(cli, tmp_path):
    spec = {"name": "a", "corpus_file": "latin.txt", "font_filter": ["DejaVuSerif*", "DejaVuSans*"]}
    spec["font_exclude"] = ["*Bold*", "*Mono*"]
    assert set(_fonts(cli, _config(tmp_path, [spec]))) == {"DejaVuSerif.ttf", "DejaVuSans.ttf"}


def test_a_single_glob_still_works_and_an_emptied_filter_is_an_error(cli, tmp_path):
    spec = {"name": "a", "corpus_file": "latin.txt", "font_filter": "DejaVuSerif*"}
    config = _config(tmp_path, [spec])
    assert set(_fonts(cli, config)) == {"DejaVuSerif.ttf"}
    code, _, err = cli("plan", config, "-o", tmp_path / "q.parquet", "specifications.0.font_exclude=[DejaVu*]")
    assert code == 2 and "font_exclude" in err and "leaves out every font" in err


def test_font_weights(cli, tmp_path):
    spec = {"name": "a", "corpus_file": "latin.txt", "font_weights": {"DejaVuSerif*": 6, "*Mono*": 0}}
    fonts = _fonts(cli, _config(tmp_path, [spec], total=3000))
    share = fonts.value_counts(normalize=True)
    assert "DejaVuSansMono.ttf" not in share.index
    assert abs(share["DejaVuSerif.ttf"] - 6 / 8) < 0.04  # Serif 6, Sans 1, Sans Bold 1
    assert abs(share["DejaVuSans.ttf"] - 1 / 8) < 0.03


def test_files_named_with_brackets_are_matched_as_written(cli, tmp_path):
    """Google Fonts names variable fonts `Roboto[wdth,wght].ttf`: as a glob, `[wght]` is one letter of
    those, so the name as written matched no font; it matches itself now, in every glob setting."""
    config = _config(tmp_path, [])
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    fonts, corpus = Path(data["font_dir"]), Path(data["corpus_dir"])
    (fonts / "DejaVuSans.ttf").rename(fonts / "DejaVuSans[wght].ttf")
    (fonts / "DejaVuSerif.ttf").rename(fonts / "DejaVuSerif[opsz,wght].ttf")
    (corpus / "latin.txt").rename(corpus / "latin[1].txt")
    spec = {
        "name": "a",
        "corpus_file": "latin[1].txt",
        "font_filter": ["DejaVuSans[wght].ttf", "DejaVuSerif[opsz,wght].ttf"],
        "font_weights": {"DejaVuSerif[opsz,wght].ttf": 3},
    }
    data["specifications"] = [spec]
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    share = _fonts(cli, config).value_counts(normalize=True)
    assert set(share.index) == {"DejaVuSans[wght].ttf", "DejaVuSerif[opsz,wght].ttf"}
    assert abs(share["DejaVuSerif[opsz,wght].ttf"] - 3 / 4) < 0.05
    spec.update(font_filter="DejaVuSans*.ttf", font_exclude="DejaVuSans[wght].ttf")  # globs still work
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert set(_fonts(cli, config)) == {"DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf"}


def test_font_weights_all_zero_is_an_error(cli, tmp_path):
    spec = {"name": "a", "corpus_file": "latin.txt", "font_weights": {"*": 0}}
    code, _, err = cli("plan", _config(tmp_path, [spec]), "-o", tmp_path / "p.parquet")
    assert code == 2 and "font_weights" in err and "weight 0 to every font" in err


def test_pick_weighted_matches_the_weights():
    rng = np.random.default_rng(0)
    allowed = np.array([[True, False, True, True]] * 40_000)
    weights = np.array([[1.0, 5.0, 0.0, 3.0]] * 40_000)
    picked = pick_weighted(allowed, weights, rng.random(40_000))
    share = np.bincount(picked, minlength=4) / len(picked)
    assert share[1] == 0 and share[2] == 0 and abs(share[0] - 0.25) < 0.01 and abs(share[3] - 0.75) < 0.01
    equal = pick_weighted(allowed[:5], np.ones((5, 4)), np.linspace(0, 0.99, 5))
    assert (equal == pick_columns(allowed[:5], np.linspace(0, 0.99, 5))).all()


def test_background_source_without_a_decodable_image_is_an_error(cli, tmp_path):
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    Image.new("RGB", (40, 20), (200, 190, 180)).save(good / "paper.png")
    for i in range(5):
        (bad / f"scan{i}.png").write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    spec = {"name": "a", "corpus_file": "latin.txt", "background_weights": {"image": 1, "plain": 1}}
    config = _config(tmp_path, [spec], background_dir=str(good), background_dirs={"scans": str(bad)})
    code, _, err = cli("plan", config, "-o", tmp_path / "p.parquet")
    assert code == 2 and "'scans'" in err and str(bad) in err
    assert "none of its 5 image files decodes" in err and "scan0.png" in err and "(and 2 more)" in err
    # With weight 0 for that source the plan goes ahead.
    code, _, err = cli(
        "plan", config, "-o", tmp_path / "p.parquet", "specifications.0.background_dir_weights={default: 1, scans: 0}"
    )
    assert code == 0, err


def _unjoined_naskh(fonts: Path, name: str, graphite: bool = False) -> Path:
    """Noto Naskh Arabic without its OpenType substitutions (GSUB) and without the presentation forms
    HarfBuzz's fallback would join with: it draws Arabic as isolated letters. With `graphite`, a Graphite
    table too, as Awami Nastaliq 2.200 in Debian has."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables.DefaultTable import DefaultTable

    font = TTFont(fonts / "NotoNaskhArabic-Regular.ttf")
    del font["GSUB"]
    for table in font["cmap"].tables:
        table.cmap = {cp: g for cp, g in table.cmap.items() if not 0xFB50 <= cp <= 0xFEFF}
    if graphite:
        font["Silf"] = DefaultTable("Silf")
        font["Silf"].data = b"\x00\x05\x00\x00"  # a Graphite table's version: what the planner looks for
    font.save(fonts / name)
    return fonts / name


def _glyphs(path: Path, text: str) -> list[int]:
    """HarfBuzz's glyphs for `text` in the font at `path` (the shaping the renderer draws)."""
    import uharfbuzz as hb

    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(hb.Font(hb.Face(hb.Blob.from_file_path(str(path)))), buf, {})
    return [g.codepoint for g in buf.glyph_infos]


def test_a_graphite_only_font_is_left_out_with_its_reason(cli, tmp_path, caplog):
    """Awami Nastaliq 2.200 (Debian) has Graphite tables and no GSUB: HarfBuzz without Graphite, and Pillow,
    draw its Arabic as isolated letters. Such a font is left out, with the reason, and never drawn."""
    config = _config(tmp_path, [{"name": "a", "corpus_file": "arabic.txt", "text_direction": "rtl"}])
    fonts = Path(yaml.safe_load(config.read_text(encoding="utf-8"))["font_dir"])
    graphite = _unjoined_naskh(fonts, "GraphiteNaskh.ttf", graphite=True)
    assert len(set(_glyphs(fonts / "NotoNaskhArabic-Regular.ttf", "ببب"))) == 3  # initial, medial, final
    assert len(set(_glyphs(graphite, "ببب"))) == 1  # the isolated beh three times
    used = set(_fonts(cli, config))
    assert "GraphiteNaskh.ttf" not in used and "NotoNaskhArabic-Regular.ttf" in used
    assert "GraphiteNaskh.ttf left out: it is a Graphite font" in caplog.text


def test_a_font_that_does_not_shape_a_script_is_not_used_for_it(cli, tmp_path, caplog):
    """GNU Unifont (in most Linux desktops) maps every script's letters but shapes none of Devanagari, Bengali,
    Myanmar, Khmer, Syriac ...: it drew क्षत्रिय with visible viramas and its vowel sign after the wrong letter;
    FreeSerif drew प्र as प्‌र. 59 of 150 Devanagari rows planned from /usr/share/fonts were drawn so, under
    labels that named the right letters. A font that draws a script's probe letter by letter is no longer
    counted as drawing that script (planner and renderer alike), and `plan` says so; its other characters
    stay drawn."""
    import uharfbuzz as hb

    from synthocr.glyph_coverage import drawn_codepoints, unshaped

    config = _config(
        tmp_path,
        [{"name": "a", "corpus_file": "arabic.txt", "text_direction": "rtl", "font_filter": "*Naskh*"}],
    )
    fonts = Path(yaml.safe_load(config.read_text(encoding="utf-8"))["font_dir"])
    unjoined = _unjoined_naskh(fonts, "UnjoinedNaskh.ttf")
    assert len(set(_glyphs(unjoined, "ببب"))) == 1  # the independent sign: the isolated beh three times
    face = hb.Face(hb.Blob.from_file_path(str(unjoined)))
    assert set(unshaped(face, frozenset(face.unicodes))) == {"Arab"}
    drawn = drawn_codepoints(face)  # what the renderer's fallback chains go by
    assert 0x0628 not in drawn and 0x0661 not in drawn and ord("،") in drawn and ord("0") in drawn
    noto = hb.Face(hb.Blob.from_file_path(str(fonts / "NotoNaskhArabic-Regular.ttf")))
    assert not unshaped(noto, frozenset(noto.unicodes)) and 0x0628 in drawn_codepoints(noto)
    used = _fonts(cli, config)
    assert set(used) == {"NotoNaskhArabic-Regular.ttf"} and len(used) == 600
    assert "UnjoinedNaskh.ttf: it does not shape Arabic (it draws ببب letter by letter" in caplog.text
    # Given alone, it is named in the error: no font the specification may use draws the text.
    code, _, err = cli("plan", config, "-o", tmp_path / "q.parquet", "specifications.0.font_filter=Unjoined*")
    assert code == 2 and "no font the specification may use draws" in err and "ARABIC LETTER" in err


@pytest.mark.parametrize("declared", [True, False])
def test_a_symbol_font_never_draws_latin_text(cli, tmp_path, declared, caplog):
    """Wine's symbol.ttf declares the Symbol character set, URW's StandardSymbolsPS (installed with
    Ghostscript) does not; both map `a` to their alpha in a Unicode cmap: `hello` was drawn `ηελλο` under the
    label `hello`. Their Latin-1 slots are not counted as drawn; their Greek letters, mapped where Unicode
    puts them, still are."""
    from fontTools.ttLib import TTFont

    config = _config(
        tmp_path,
        [
            {"name": "latin", "corpus_file": "latin.txt", "font_filter": ["Symbolic.ttf", "DejaVuSerif.ttf"]},
            {"name": "greek", "corpus_file": "greek.txt", "font_filter": "Symbolic.ttf"},
        ],
        total=300,
    )
    fonts = Path(yaml.safe_load(config.read_text(encoding="utf-8"))["font_dir"])
    font = TTFont(fonts / "DejaVuSans.ttf")
    if declared:
        font["OS/2"].ulCodePageRange1 |= 1 << 31  # the Symbol character set (else: told by the glyph names)
    greek = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ" + "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ"  # Symbol's letters for a..z, A..Z
    for table in font["cmap"].tables:
        if table.isUnicode():
            for latin, letter in zip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", greek):
                table.cmap[ord(latin)] = table.cmap[ord(letter)]
    font.save(fonts / "Symbolic.ttf")

    # Pillow, a reader we did not write, draws the font as it is
    assert _pillow_pixels(fonts / "Symbolic.ttf", "hello") == _pillow_pixels(fonts / "Symbolic.ttf", "ηελλο")
    frame = _plan_frame(cli, config)
    latin = frame[frame.spec == "latin"]
    assert set(latin.font.astype(str)) == {"DejaVuSerif.ttf"}
    assert set(frame[frame.spec == "greek"].font.astype(str)) == {"Symbolic.ttf"}
    assert "Symbolic.ttf: " in caplog.text and "of its characters of ASCII and Latin-1 are other signs" in caplog.text


def test_a_bitmap_screen_font_with_empty_outlines_is_named_as_such(tmp_path):
    """Wine's fixedsys.ttf and courier.ttf keep their glyphs as bitmaps (EBDT) behind empty outlines: they
    were left out as "cannot be loaded (OSError: invalid pixel size)", or silently, covering nothing."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables import _g_l_y_f
    from fontTools.ttLib.tables.DefaultTable import DefaultTable

    from synthocr.planner.fonts import BITMAP_ONLY, inspect_font

    copy_builtin_assets(tmp_path)
    font = TTFont(next(tmp_path.rglob("DejaVuSans.ttf")))
    for name in font.getGlyphOrder():
        font["glyf"][name] = _g_l_y_f.Glyph()  # no outline
    font["EBDT"] = DefaultTable("EBDT")
    font["EBDT"].data = b"\x00\x02\x00\x00"
    font.save(tmp_path / "Screen.ttf")
    info = inspect_font(tmp_path / "Screen.ttf", "Screen.ttf")
    assert not info.healthy and info.reason == BITMAP_ONLY


def test_a_legacy_8bit_font_never_draws_latin1_letters(cli, tmp_path):
    """Debian's TSCu Tamil fonts put Tamil glyphs in Latin-1's slots (é is ளு, À is ப) under the Latin
    glyph names: a French text was drawn with Tamil letters in place of its accents. Such a font (here
    DejaVu Sans with Hebrew letters in those slots) draws ASCII texts still, never a Latin-1 letter."""
    from fontTools.ttLib import TTFont

    config = _config(
        tmp_path,
        [{"name": "a", "corpus_file": "latin.txt", "font_filter": ["Legacy.ttf", "DejaVuSerif.ttf"]}],
        total=400,
    )
    fonts = Path(yaml.safe_load(config.read_text(encoding="utf-8"))["font_dir"])
    font = TTFont(fonts / "DejaVuSans.ttf")
    hebrew = [chr(c) for c in range(0x5D0, 0x5EB)]
    for table in font["cmap"].tables:
        if table.isUnicode():
            for i, cp in enumerate(range(0xC0, 0x100)):
                table.cmap[cp] = table.cmap[ord(hebrew[i % len(hebrew)])]
    font.save(fonts / "Legacy.ttf")
    out = config.parent / "p.parquet"
    code, _, err = cli("plan", config, "-o", out)
    assert code == 0, err
    frame = pd.read_parquet(out)
    legacy = frame[frame.font.astype(str) == "Legacy.ttf"].text
    assert len(legacy) > 20  # ASCII texts
    assert not legacy.map(lambda t: any(0xA0 <= ord(c) <= 0xFF for c in t)).any()
    assert frame.text.map(lambda t: any(0xC0 <= ord(c) <= 0xFF for c in t)).any()  # drawn by DejaVu Serif


def test_letters_a_font_does_not_join_are_not_drawn_in_it(cli, tmp_path, caplog):
    """A font may join its script's common letters and not others: FreeSerif does not join ھ (in every other
    Urdu word: بھی، تھا), KacstQurn not ی (Persian and Urdu yeh), Unifont not 120 Arabic letters. Such a
    letter stood isolated inside its word, under a label that named it rightly. A letter a font draws in no
    joined form is no longer counted as drawn by it; the font still draws the others."""
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    from synthocr.glyph_coverage import drawn_codepoints, unjoined

    caplog.set_level(logging.INFO, logger="synthocr")
    config = _config(
        tmp_path, [{"name": "fa", "corpus_file": "fa.txt", "text_direction": "rtl", "font_filter": "*Naskh*"}]
    )
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    fonts, corpus = Path(data["font_dir"]), Path(data["corpus_dir"])
    font = TTFont(fonts / "NotoNaskhArabic-Regular.ttf")
    tcheh = font.getBestCmap()[0x0686]  # چ
    for lookup in font["GSUB"].table.LookupList.Lookup:  # its initial, medial and final forms taken out
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            if isinstance(getattr(table, "mapping", None), dict):
                table.mapping.pop(tcheh, None)
    font.save(fonts / "NoTchehNaskh.ttf")
    assert len(set(_glyphs(fonts / "NoTchehNaskh.ttf", "چچچ"))) == 1  # the isolated tcheh three times
    assert len(set(_glyphs(fonts / "NoTchehNaskh.ttf", "ببب"))) == 3
    face = hb.Face(hb.Blob.from_file_path(str(fonts / "NoTchehNaskh.ttf")))
    noto = hb.Face(hb.Blob.from_file_path(str(fonts / "NotoNaskhArabic-Regular.ttf")))
    assert unjoined(noto, frozenset(noto.unicodes)) == {0x08A7, 0x08A9}  # ࢧ ࢩ: rare, and unjoined in Noto too
    assert unjoined(face, frozenset(face.unicodes)) == {0x0686, 0x08A7, 0x08A9}
    assert 0x0686 not in drawn_codepoints(face) and 0x0628 in drawn_codepoints(face)
    (corpus / "fa.txt").write_text("چای و چراغ\nکتاب خوب است\n", encoding="utf-8")
    spec = {"name": "fa", "corpus_file": "fa.txt", "text_direction": "rtl", "font_filter": "*Naskh*",
            "text_source": "lines", "min_text_length": 3}  # fmt: skip
    data["specifications"] = [spec]
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "fa.parquet"
    code, _, err = cli("plan", config, "-o", out)
    assert code == 0, err
    frame = pd.read_parquet(out)
    with_tcheh = frame[frame.text.str.contains("چ")]
    assert len(with_tcheh) and set(with_tcheh.font.astype(str)) == {"NotoNaskhArabic-Regular.ttf"}
    assert "NoTchehNaskh.ttf" in set(frame.font.astype(str))  # still drawing the line without چ
    assert "draw joining letters in no joined form" in caplog.text and "NoTchehNaskh.ttf (چ ࢧ ࢩ)" in caplog.text


@pytest.mark.parametrize("copied", ["capitals", "small letters"])
def test_a_font_that_draws_letters_as_their_other_case_is_not_used_for_them(cli, tmp_path, caplog, copied):
    """Bebas Neue, one of the most used web fonts, and 112 of Debian's 465 Ænigma display fonts draw `hello`
    as HELLO: their small letters are copies of their capitals. The label said `hello`. Such a font is no
    longer used for small letters; it still draws texts in capitals. A font of small letters only, whose
    capitals copy them (its shared glyphs stand at the x-height, under its digits), is not used for capitals."""
    from fontTools.ttLib import TTFont

    spec = {"name": "a", "corpus_file": "latin.txt", "font_filter": ["Cased.ttf", "DejaVuSerif.ttf"],
            "text_case_weights": {"lower": 1, "upper": 1}}  # fmt: skip
    config = _config(tmp_path, [spec], total=400)
    fonts = Path(yaml.safe_load(config.read_text(encoding="utf-8"))["font_dir"])
    font = TTFont(fonts / "DejaVuSans.ttf")
    pairs = [(cp, ord(chr(cp).upper())) for cp in range(0x61, 0x7B)]
    for table in font["cmap"].tables:  # one case drawn with the other's glyphs
        for small, capital in pairs:
            if copied == "capitals":
                table.cmap[small] = table.cmap[capital]
            else:
                table.cmap[capital] = table.cmap[small]
    font.save(fonts / "Cased.ttf")

    # Pillow, as a second reader: both cases give the same pixels
    assert _pillow_pixels(fonts / "Cased.ttf", "hello") == _pillow_pixels(fonts / "Cased.ttf", "HELLO")
    frame = _plan_frame(cli, config)
    in_font = frame[frame.font.astype(str) == "Cased.ttf"]
    drawn_case, other_case = ("[A-Z]", "[a-z]") if copied == "capitals" else ("[a-z]", "[A-Z]")
    assert len(in_font) > 50 and not in_font.text.str.contains(other_case).any()
    assert in_font.text.str.contains(drawn_case).all()
    shown = "a b c d e f" if copied == "capitals" else "A B C D E F"
    assert "1 font(s) draw letters as their other case" in caplog.text and f"Cased.ttf (26: {shown} …)" in caplog.text


@pytest.mark.parametrize("kind", ["stars", "turned"])
def test_a_pictorial_font_is_not_used_for_latin_text(cli, tmp_path, caplog, kind):
    """Debian's Ænigma fonts include pictorial ones with a Unicode cmap and letter glyph names: Linedings draws
    `HELLO` as ornaments, 90 Stars as stars, Binary as ones and zeros, Vertigo its letters turned on their
    side. Their capitals were drawn under Latin labels (their small letters are copies of the capitals). A
    font whose full stop, I and M have ink of one size, or whose I, l and 1 are as wide as tall, is taken as
    a symbol font: it is not used for ASCII and Latin-1."""
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.pens.transformPen import TransformPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont

    spec = {"name": "a", "corpus_file": "latin.txt", "font_filter": ["Odd.ttf", "DejaVuSerif.ttf"],
            "text_case_weights": {"upper": 1}}  # fmt: skip
    config = _config(tmp_path, [spec], total=300)
    fonts = Path(yaml.safe_load(config.read_text(encoding="utf-8"))["font_dir"])
    font = TTFont(fonts / "DejaVuSans.ttf")
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    # stars: every printable ASCII sign drawn as one picture, in one box; turned: I, l and 1 on their side
    drawn = {cp: "asterisk" for cp in range(0x21, 0x7F)} if kind == "stars" else {ord(c): cmap[ord(c)] for c in "Il1"}
    for cp, source in drawn.items():
        recorded = DecomposingRecordingPen(glyphs)
        glyphs[source].draw(recorded)
        pen = TTGlyphPen(glyphs)
        recorded.replay(pen if kind == "stars" else TransformPen(pen, (0, -1, 1, 0, 0, 1200)))
        font["glyf"][cmap[cp]] = pen.glyph()
    font.save(fonts / "Odd.ttf")
    assert set(_fonts(cli, config)) == {"DejaVuSerif.ttf"}
    assert "Odd.ttf: 217 of its characters of ASCII and Latin-1 are other signs (a symbol or pictorial font" in (
        caplog.text
    )
