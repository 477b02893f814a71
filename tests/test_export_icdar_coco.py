"""`synthocr export --to icdar2015 | coco`: ICDAR 2015 files read as the Robust Reading Competition's evaluation
functions read them (rrc_evaluation_funcs 1.1: eight whole numbers and the transcription, quoted when it begins
and ends with `"`, clockwise corners inside the image, files matched by `gt_img_([0-9]+).txt`), and COCO files
read by pycocotools; both equal to the labels. Also the quadrilaterals the four-corner formats get."""

from __future__ import annotations

import contextlib
import io
import json
import re

import cv2
import numpy as np
import pytest

from analysis_helpers import plan_and_render
from synthocr.analysis.export.icdar2015 import transcription
from synthocr.analysis.export.regions import quad, regions_of
from synthocr.analysis.outputs import list_outputs, read_label

# rrc_evaluation_funcs 1.1, get_tl_line_values with LTRB False and a transcription
RRC_LINE = re.compile(r"^" + r"\s*,".join([r"\s*(-?[0-9]+)"] * 8) + r"\s*,(.*)$")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The tiny config (Latin, Arabic and Hebrew) with warps on, so that outlines bend and reach the edges."""
    return plan_and_render(tmp_path_factory.mktemp("icdar-coco"), total_images=12)


@pytest.fixture(scope="module")
def labels(rendered) -> dict:
    return {label.image_id: label for label in map(read_label, list_outputs(rendered.out))}


def _rrc_read(line: str, width: int, height: int) -> tuple[np.ndarray, str]:
    """One line as the RRC's functions read it, with their checks: format, clockwise corners, inside the image."""
    m = RRC_LINE.match(line)
    assert m is not None, line
    points = np.array([int(m.group(i)) for i in range(1, 9)], float).reshape(4, 2)
    turn = sum((b[0] - a[0]) * (b[1] + a[1]) for a, b in zip(points, np.roll(points, -1, axis=0)))
    assert turn <= 0, f"not clockwise: {line}"
    assert (points >= 0).all() and (points[:, 0] <= width).all() and (points[:, 1] <= height).all(), line
    text = m.group(9)
    quoted = re.match(r'^\s*"(.*)"\s*$', text)
    if quoted:
        text = quoted.group(1).replace("\\\\", "\\").replace('\\"', '"')
    return points, text


def _outside(points: np.ndarray, polygon, label) -> float:
    """How far (px) the label's outline, moved onto the image, reaches out of the quadrilateral at most."""
    clipped = [(min(max(x, 0), label.width), min(max(y, 0), label.height)) for x, y in polygon]
    contour = points.astype(np.float32).reshape(-1, 1, 2)
    return max(0.0, *(-cv2.pointPolygonTest(contour, (float(x), float(y)), True) for x, y in clipped))


@pytest.mark.parametrize("level", ["word", "char", "line"])
def test_icdar2015_reads_back_as_the_rrc_reads_it(cli, rendered, labels, tmp_path, level):
    dest = tmp_path / "ic15"
    code, out, err = cli("export", rendered.out, "--to", "icdar2015", "--level", level, "-o", dest)
    assert code == 0 and "exported 12 samples" in out, err
    gts = sorted((dest / "gts").iterdir())
    assert [re.fullmatch(r"gt_img_([0-9]+)\.txt", p.name) is not None for p in gts] == [True] * len(labels)
    for gt in gts:
        image_id = int(gt.name[7:-4])
        label = labels[image_id]
        image = dest / "images" / f"img_{image_id}.png"
        assert cv2.imread(str(image)).shape[:2] == (label.height, label.width)
        raw = gt.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
        regions = [r for r in regions_of(label, level) if r.text.strip()]
        lines = raw.decode("utf-8").splitlines()
        assert len(lines) == len(regions)
        for line, region in zip(lines, regions):
            points, text = _rrc_read(line, label.width, label.height)
            assert text == region.text
            assert _outside(points, region.polygon, label) <= 0.75  # whole pixels: half a pixel each way
            first = np.asarray(region.polygon[0])
            assert np.argmin(((points - first) ** 2).sum(axis=1)) == 0, "starts at the text's top-left"


def test_a_transcription_in_quotes_survives_the_rrc_unquoting():
    for text in ('"Hi"', '"a\\b"', '" "', 'say "no"', '"open'):
        line = f"0,0,1,0,1,1,0,1,{transcription(text)}"
        assert _rrc_read(line, 1, 1)[1] == text


@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")
def test_coco_reads_back_with_pycocotools(cli, rendered, labels, tmp_path):
    coco_api = pytest.importorskip("pycocotools.coco")
    dest = tmp_path / "coco"
    code, _, err = cli("export", rendered.out, "--to", "coco", "-o", dest)
    assert code == 0, err
    with contextlib.redirect_stdout(io.StringIO()):
        coco = coco_api.COCO(str(dest / "annotations.json"))
    assert sorted(coco.getImgIds()) == sorted(labels)
    assert [c["name"] for c in coco.loadCats(coco.getCatIds())] == ["text"]
    for image_id, label in labels.items():
        info = coco.loadImgs(image_id)[0]
        assert cv2.imread(str(dest / "images" / info["file_name"])).shape[:2] == (info["height"], info["width"])
        anns = coco.loadAnns(coco.getAnnIds(imgIds=image_id))
        words = [w for w in label.words if w.text.strip()]
        assert [a["text"] for a in anns] == [w.text for w in words]
        for ann, word in zip(anns, words):
            expected = [
                min(max(v, 0), side) for x, y in word.polygon for v, side in ((x, label.width), (y, label.height))
            ]
            assert np.allclose(ann["segmentation"][0], expected, atol=0.006)
            mask = coco.annToMask(ann)
            assert abs(int(mask.sum()) - ann["area"]) <= max(2.0, 0.15 * ann["area"])  # the rasterised polygon
            x, y, w, h = ann["bbox"]
            ys, xs = np.nonzero(mask)
            assert x - 1 <= xs.min() and xs.max() <= x + w and y - 1 <= ys.min() and ys.max() <= y + h


def test_coco_level_char_writes_a_polygon_per_character(cli, rendered, labels, tmp_path):
    dest = tmp_path / "coco-char"
    assert cli("export", rendered.out, "--to", "coco", "--level", "char", "-o", dest)[0] == 0
    document = json.loads((dest / "annotations.json").read_text(encoding="utf-8"))
    expected = sum(1 for label in labels.values() for c in label.chars if c.text.strip())
    assert len(document["annotations"]) == expected
    assert len({a["id"] for a in document["annotations"]}) == expected


@pytest.mark.parametrize("fmt", ["icdar2015", "coco"])
def test_detection_exports_refuse_rotate_vertical(cli, rendered, tmp_path, fmt):
    code, _, err = cli("export", rendered.out, "--to", fmt, "-o", tmp_path / fmt, "--rotate-vertical")
    assert code == 2 and "a detection format" in err


def _outline(top: np.ndarray, bottom: np.ndarray) -> list[tuple[float, float]]:
    """A label's outline: the top edge left to right, then the bottom edge back."""
    return [tuple(p) for p in top] + [tuple(p) for p in bottom[::-1]]


def test_quad_keeps_the_slant_of_a_slanted_outline():
    """A word slanted by 45 degrees (20 points, as a line's outline has): its own parallelogram, not the larger
    rotated rectangle that minAreaRect gives."""
    xs = np.linspace(0, 100, 10)
    top = np.stack([xs + 30, np.full(10, 0.0)], axis=1)
    bottom = np.stack([xs, np.full(10, 30.0)], axis=1)
    corners = quad(_outline(top, bottom))
    assert np.allclose(corners, [[30, 0], [130, 0], [100, 30], [0, 30]], atol=1e-6)


def test_quad_of_an_arc_holds_every_point_and_starts_at_the_text_top_left():
    angles = np.linspace(np.pi * 0.8, np.pi * 0.2, 12)
    top = np.stack([200 + 120 * np.cos(angles), 200 - 120 * np.sin(angles)], axis=1)
    bottom = np.stack([200 + 90 * np.cos(angles), 200 - 90 * np.sin(angles)], axis=1)
    outline = _outline(top, bottom)
    corners = np.array(quad(outline), np.float32)
    assert max(-cv2.pointPolygonTest(corners.reshape(-1, 1, 2), p, True) for p in outline) <= 0.01
    assert np.argmin(((corners - top[0]) ** 2).sum(axis=1)) == 0
    assert cv2.contourArea(corners) <= cv2.contourArea(cv2.boxPoints(cv2.minAreaRect(np.float32(outline)))) + 1e-3


def test_quad_inside_the_image_does_not_cut_text_at_its_edge():
    """A slanted line filling its image: the side quadrilateral's corners fall outside the image; clamping them
    would cut the text by several pixels, so the image's edges stand in for sides instead."""
    xs = np.linspace(0, 400, 20)
    top = np.stack([xs, 2 + xs * 0.05], axis=1)  # rises 20 px across
    bottom = np.stack([xs, 40 + xs * 0.05], axis=1)
    outline = [(min(max(x, 0), 400), min(max(y, 0), 50)) for x, y in _outline(top, bottom)]
    free = np.array(quad(outline))
    assert (free[:, 1] > 50).any(), "the case: a corner below the image"
    corners = np.array(quad(outline, (400, 50)), np.float32)
    assert (corners >= -0.5).all() and (corners[:, 0] <= 400.5).all() and (corners[:, 1] <= 50.5).all()
    assert max(-cv2.pointPolygonTest(corners.reshape(-1, 1, 2), p, True) for p in outline) <= 0.01
    clamped = np.clip(free, 0, [400, 50]).astype(np.float32)
    assert max(-cv2.pointPolygonTest(clamped.reshape(-1, 1, 2), p, True) for p in outline) > 1.0, "what clamping does"


def test_icdar2015_keeps_images_apart_by_image_id(cli, rendered, tmp_path):
    dest = tmp_path / "ic15-split"
    code, _, err = cli("export", rendered.out, "--to", "icdar2015", "--split", "train=0.5,val=0.5", "-o", dest)
    assert code == 0, err
    names = {p.name for p in dest.rglob("images/*")}
    assert len(names) == 12 and all(re.fullmatch(r"img_[0-9]+\.png", n) for n in names)
    assert {p.parent.parent.name for p in dest.rglob("gts/*")} == {"train", "val"}
