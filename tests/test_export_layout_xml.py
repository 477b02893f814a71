"""`synthocr export --to page-xml | alto`: every file valid against the published schema (PAGE 2019-07-15,
ALTO 4.4; tests/schemas), and read back as kraken's PAGE and ALTO readers read them (kraken/lib/xml:
the line's text, baseline and outline; needs PyTorch, so its reading is followed here), equal to the labels."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from analysis_helpers import plan_and_render
from helpers import one_spec_config
from synthocr.analysis.outputs import list_outputs, read_label

etree = pytest.importorskip("lxml.etree")

SCHEMAS = Path(__file__).parent / "schemas"
BUILTIN_FONTS = Path(__file__).parents[1] / "src" / "synthocr" / "assets" / "fonts"
PAGE_NS = "{http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15}"
ALTO_NS = "{http://www.loc.gov/standards/alto/ns-v4#}"
# A stand-in for the Library of Congress's xlink.xsd, which alto-4-4.xsd imports from the web (see README.md).
XLINK = b"""<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/1999/xlink">
  <xsd:attributeGroup name="simpleLink">
    <xsd:attribute name="type" type="xsd:string" form="qualified"/>
    <xsd:attribute name="href" type="xsd:anyURI" form="qualified"/>
  </xsd:attributeGroup>
</xsd:schema>"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The tiny config (Latin, Arabic and Hebrew) with warps on, so that outlines and baselines bend."""
    return plan_and_render(tmp_path_factory.mktemp("layout-xml"), total_images=12)


@pytest.fixture(scope="module")
def labels(rendered) -> dict:
    return {o.image_rel: read_label(o) for o in list_outputs(rendered.out)}


def _schema(name: str, tmp_path: Path):
    text = (SCHEMAS / name).read_bytes()
    if name.startswith("alto"):
        (tmp_path / "xlink.xsd").write_bytes(XLINK)
        text = text.replace(b"http://www.loc.gov/standards/xlink/xlink.xsd", b"xlink.xsd")
    (tmp_path / name).write_bytes(text)
    return etree.XMLSchema(etree.parse(str(tmp_path / name)))


def _points(text: str) -> np.ndarray:
    """kraken's parse_alto_pointstype / parse_page_coords: numbers in pairs."""
    return np.array([float(v) for v in re.findall(r"[-+]?\d+(?:\.\d*)?", text)]).reshape(-1, 2)


def _export(cli, rendered, fmt: str, dest: Path, *extra: str) -> list[Path]:
    code, out, err = cli("export", rendered.out, "--to", fmt, "-o", dest, *extra)
    assert code == 0, err
    return sorted(dest.rglob("*.xml"))


def _documents(cli, rendered, labels, fmt: str, schema_name: str, tmp_path: Path):
    """Each exported file, parsed and valid against its schema, with the label of its image."""
    schema = _schema(schema_name, tmp_path)
    files = _export(cli, rendered, fmt, tmp_path / fmt)
    assert len(files) == len(labels)
    for path in files:
        doc = etree.parse(str(path))
        assert schema.validate(doc), schema.error_log
        rel = path.relative_to(tmp_path / fmt).with_suffix("").as_posix()
        yield path, doc, next(v for k, v in labels.items() if k.rsplit(".", 1)[0] == rel)


def test_page_xml_is_valid_and_holds_the_labels(cli, rendered, labels, tmp_path):
    for path, doc, label in _documents(cli, rendered, labels, "page-xml", "pagecontent-2019-07-15.xsd", tmp_path):
        page = doc.find(f"{PAGE_NS}Page")
        image = path.parent / page.get("imageFilename")  # kraken: relative to the XML file's folder
        assert image.is_file() and (int(page.get("imageWidth")), int(page.get("imageHeight"))) == (
            label.width,
            label.height,
        )
        lines = doc.findall(f".//{PAGE_NS}TextLine")
        assert len(lines) == 1
        line = lines[0]
        # kraken reads the line's own TextEquiv (its direct child), else every Unicode below the line.
        assert "".join(line.find(f"{PAGE_NS}TextEquiv").itertext()).strip() == label.text
        direction = {"ltr": "left-to-right", "rtl": "right-to-left"}[label.params["text_direction"]]
        assert line.get("readingDirection") == direction
        baseline = _points(line.find(f"{PAGE_NS}Baseline").get("points"))
        assert np.abs(baseline - np.clip(label.regions.baseline, 0, (label.width, label.height))).max() <= 0.5
        assert baseline[0][0] < baseline[-1][0]  # left to right: these rows are turned by a few degrees at most
        outline = _points(line.find(f"{PAGE_NS}Coords").get("points"))
        assert len(outline) == len(label.line.polygon)
        words = line.findall(f"{PAGE_NS}Word")
        assert [w.find(f"{PAGE_NS}TextEquiv/{PAGE_NS}Unicode").text for w in words] == [w.text for w in label.words]
        glyphs = [g.find(f"{PAGE_NS}TextEquiv/{PAGE_NS}Unicode").text for g in line.iter(f"{PAGE_NS}Glyph")]
        assert glyphs == [c.text for c in label.chars]
        for word, region in zip(words, label.words):
            quad = _points(word.find(f"{PAGE_NS}Coords").get("points"))
            assert np.abs(quad - np.clip(region.polygon, 0, (label.width, label.height))).max() <= 0.5


def test_alto_is_valid_and_holds_the_labels(cli, rendered, labels, tmp_path):
    for path, doc, label in _documents(cli, rendered, labels, "alto", "alto-4-4.xsd", tmp_path):
        name = doc.find(f"{ALTO_NS}Description/{ALTO_NS}sourceImageInformation/{ALTO_NS}fileName").text
        assert (path.parent / name).is_file()
        line = doc.find(f".//{ALTO_NS}TextLine")
        # kraken's ALTO reader: each String's CONTENT, a space for each SP.
        text = "".join(el.get("CONTENT") or " " for el in line if el.tag in (f"{ALTO_NS}String", f"{ALTO_NS}SP"))
        assert text == " ".join(label.text.split())
        baseline = _points(line.get("BASELINE"))
        assert np.abs(baseline - np.clip(label.regions.baseline, 0, (label.width, label.height))).max() <= 0.006
        assert line.get("BASEDIRECTION") == label.params["text_direction"]
        for string, word in zip(line.iter(f"{ALTO_NS}String"), label.words):
            glyphs = [g.get("CONTENT") for g in string.iter(f"{ALTO_NS}Glyph")]
            assert "".join(glyphs) == unicodedata.normalize("NFC", word.text)
            box = [float(string.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT")]
            x0, y0, x1, y1 = word.bbox
            assert np.allclose(box, [x0, y0, x1 - x0, y1 - y0], atol=0.011)


def test_words_of_several_code_points_keep_their_glyphs_in_page_and_only_their_string_in_alto(cli, tmp_path):
    """ALTO's Glyph holds one precomposed character: `é` spelt e + U+0301 (NFD) is one, a Devanagari
    conjunct is not."""
    fonts = [BUILTIN_FONTS / "DejaVuSans.ttf", Path(__file__).parent / "fonts" / "Lohit-Devanagari-subset.ttf"]
    lines = ["Café noël", "हिन्दी भाषा"]
    config = one_spec_config(tmp_path, fonts, "mixed.txt", lines, {"unicode_normalization": "NFD"}, 8, 3)
    plan, out = tmp_path / "plan.parquet", tmp_path / "out"
    assert cli("plan", config, "-o", plan)[0] == 0
    assert cli("render", plan, "-o", out, "--workers", "1", "--quiet")[0] == 0
    schema = _schema("alto-4-4.xsd", tmp_path)
    assert cli("export", out, "--to", "alto", "-o", tmp_path / "alto")[0] == 0
    assert cli("export", out, "--to", "page-xml", "-o", tmp_path / "page")[0] == 0
    seen = set()
    for path in (tmp_path / "alto").rglob("*.xml"):
        doc = etree.parse(str(path))
        assert schema.validate(doc), schema.error_log
        for string in doc.iter(f"{ALTO_NS}String"):
            glyphs = [g.get("CONTENT") for g in string.iter(f"{ALTO_NS}Glyph")]
            word = string.get("CONTENT")
            seen.add(word)
            if word == "Cafe\u0301":
                assert glyphs == ["C", "a", "f", "\u00e9"]
            elif word in ("हिन्दी", "भाषा"):  # the conjunct न्द, the vowel sign ा: clusters of several code points
                assert glyphs == []
    assert {"Cafe\u0301", "हिन्दी"} <= seen
    for path in (tmp_path / "page").rglob("*.xml"):
        line = etree.parse(str(path)).find(f".//{PAGE_NS}TextLine")
        glyphs = [g.findtext(f"{PAGE_NS}TextEquiv/{PAGE_NS}Unicode") for g in line.iter(f"{PAGE_NS}Glyph")]
        assert "".join(glyphs) == line.findtext(f"{PAGE_NS}TextEquiv/{PAGE_NS}Unicode").replace(" ", "")
        if "e\u0301" in "".join(glyphs):
            assert "e\u0301" in glyphs  # PAGE's Glyph holds the whole cluster, as the label does


def test_source_date_epoch_makes_the_export_byte_for_byte_again(cli, rendered, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for fmt in ("page-xml", "alto"):
        first = _export(cli, rendered, fmt, tmp_path / f"{fmt}-1")
        second = _export(cli, rendered, fmt, tmp_path / f"{fmt}-2")
        assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
        assert b"2023-11-14T22:13:20" in first[0].read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    code, _, err = cli("export", rendered.out, "--to", "alto", "-o", tmp_path / "bad")
    assert code == 2 and "SOURCE_DATE_EPOCH='yesterday'" in err and "Traceback" not in err


def test_layout_formats_refuse_rotate_vertical(cli, rendered, tmp_path):
    for fmt in ("page-xml", "alto"):
        code, _, err = cli("export", rendered.out, "--to", fmt, "-o", tmp_path / fmt, "--rotate-vertical")
        assert code == 2 and "page layout format" in err and not (tmp_path / fmt).exists()


def test_labels_older_than_version_4_export_without_a_baseline_and_say_so(cli, tmp_path, caplog):
    """Outputs rendered before labels had baselines are still finished: their lines go without one, with a
    warning that kraken's baseline training passes over them."""
    import json
    import shutil

    rendered = plan_and_render(tmp_path, total_images=2)
    old = tmp_path / "old"
    shutil.copytree(rendered.out, old)
    for path in old.rglob("image_*.json"):
        label = json.loads(path.read_text(encoding="utf-8"))
        label["label_schema_version"] = 3
        del label["line"]["baseline"]
        path.write_text(json.dumps(label, ensure_ascii=False), encoding="utf-8")
    code, out, err = cli("export", old, "--to", "page-xml", "-o", tmp_path / "page")
    assert code == 0 and "2 labels are older than label schema 4" in caplog.text, (out, err)
    for path in (tmp_path / "page").rglob("*.xml"):
        assert etree.parse(str(path)).find(f".//{PAGE_NS}Baseline") is None
    assert _schema("pagecontent-2019-07-15.xsd", tmp_path).validate(etree.parse(str(path)))
