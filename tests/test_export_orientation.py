"""`export --rotate-vertical`: the columns of a render (text_direction ttb, ttb-mixed) handed to recognizers
turned 90 degrees counter-clockwise, as PaddleOCR's pipeline turns tall crops (np.rot90), labels turned with
them; horizontal lines and the output dir untouched; detection formats refuse the option."""

from __future__ import annotations

import hashlib
import io
import json
import math
import tarfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from helpers import one_spec_config
from synthocr.analysis.outputs import list_outputs, read_label
from synthocr.cli import main

CJK = Path(__file__).parent / "fonts" / "NotoSansCJKjp-subset.otf"
LINES = ("日本語のiPhone 15です。", "東京タワーはTokyo Towerと呼ばれる")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Twelve rows of Japanese, a third horizontal, a third upright columns, a third mixed columns."""
    root = tmp_path_factory.mktemp("orientation")
    spec = {"language": "ja", "text_direction_weights": {"ltr": 1, "ttb": 1, "ttb-mixed": 1}}
    config = one_spec_config(root, (CJK,), "ja.txt", LINES, spec, 12, seed=4)
    assert main(["plan", str(config), "-o", str(root / "p.parquet")]) == 0
    assert main(["render", str(root / "p.parquet"), "-o", str(root / "out"), "--workers", "1", "--quiet"]) == 0
    return root / "out"


def _originals(out: Path) -> dict[int, tuple[object, np.ndarray, bytes]]:
    found = {}
    for o in list_outputs(out):
        data = o.image_bytes()
        with Image.open(io.BytesIO(data)) as im:
            found[read_label(o).image_id] = (read_label(o), np.asarray(im), data)
    return found


def _crop(pixels: np.ndarray, bbox: list[float]) -> np.ndarray:
    x0, y0, x1, y1 = bbox
    return pixels[math.floor(y0) : math.ceil(y1), math.floor(x0) : math.ceil(x1)]


def test_columns_are_turned_for_recognizers_with_their_labels(cli, rendered, tmp_path):
    originals = _originals(rendered)
    directions = {label.params["text_direction"] for label, _, _ in originals.values()}
    assert directions == {"ltr", "ttb", "ttb-mixed"}
    dest = tmp_path / "hf"
    assert cli("export", rendered, "--to", "hf-imagefolder", "-o", dest, "--rotate-vertical")[0] == 0
    records = [json.loads(line) for line in (dest / "train" / "metadata.jsonl").read_text("utf-8").splitlines()]
    assert len(records) == len(originals)
    for record in records:
        label, before, data = originals[record["image_id"]]
        path = dest / "train" / record["file_name"]
        with Image.open(path) as im:
            after = np.asarray(im)
        if label.params["text_direction"] == "ltr":  # a horizontal line: the rendered file itself
            assert path.read_bytes() == data and record["width"] == label.width
            continue
        # numpy's rot90 (counter-clockwise), as PaddleOCR turns a tall crop: the same pixels, now wider than tall
        assert np.array_equal(after, np.rot90(before)) and after.shape[1] > after.shape[0]
        assert (record["width"], record["height"]) == (label.height, label.width)
        assert record["text"] == label.text and [c["text"] for c in record["chars"]] == [c.text for c in label.chars]
        # Each character's box holds the same pixels as its box in the column, turned; the column's top is at
        # the left, so the characters follow each other left to right.
        for char, turned in zip(label.chars, record["chars"]):
            assert np.array_equal(_crop(after, turned["bbox"]), np.rot90(_crop(before, list(char.bbox))))
        lefts = [c["bbox"][0] for c in record["chars"]]
        assert lefts == sorted(lefts)
        # The column's centre line, top to bottom, becomes a line from left to right.
        (x0, y0), (x1, y1) = record["baseline"][0], record["baseline"][-1]
        assert x1 - x0 > 4 * abs(y1 - y0), record["baseline"]  # these rows are turned by a few degrees at most


def test_webdataset_and_paddleocr_carry_the_turned_images_and_labels(cli, rendered, tmp_path):
    originals = _originals(rendered)
    assert cli("export", rendered, "--to", "webdataset", "-o", tmp_path / "wds", "--rotate-vertical")[0] == 0
    with tarfile.open(tmp_path / "wds" / "shard-000000.tar") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    for name, raw in members.items():
        if not name.endswith(".json"):
            continue
        label = json.loads(raw)
        image = members[name[:-5] + ".png"]
        original = originals[label["image_id"]][0]
        assert label["image_sha256"] == hashlib.sha256(image).hexdigest()  # the label of the bytes beside it
        with Image.open(io.BytesIO(image)) as im:
            assert im.size == (label["width"], label["height"])
        vertical = original.params["text_direction"] != "ltr"
        assert (label["width"], label["height"]) == (
            (original.height, original.width) if vertical else (original.width, original.height)
        )

    dest = tmp_path / "paddle"
    assert cli("export", rendered, "--to", "paddleocr", "-o", dest, "--rotate-vertical")[0] == 0
    for line in (dest / "rec_gt.txt").read_text("utf-8").splitlines():
        rel, text = line.split("\t")
        with Image.open(dest / rel) as im:
            assert im.width >= im.height or len(text) <= 2  # every line lies down, as the recognizer reads it
    # The output dir is left as rendered.
    assert {k: v[2] for k, v in _originals(rendered).items()} == {k: v[2] for k, v in originals.items()}


def test_detection_formats_refuse_the_option(cli, rendered, tmp_path):
    code, _, err = cli("export", rendered, "--to", "paddleocr-det", "-o", tmp_path / "det", "--rotate-vertical")
    assert code == 2 and "detection format" in err and "Traceback" not in err
    assert not (tmp_path / "det").exists()
