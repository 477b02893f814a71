"""`synthocr export` to tesstrain, paddleocr-det, doctr(-det) and mmocr-text*: each read back as its consumer's
loader reads it, and --split, --where, --max-length and --level on every format.

tesstrain, PaddleOCR, docTR and MMOCR need Tesseract's training tools, PaddlePaddle, PyTorch or
TensorFlow, and mmengine + PyTorch: none installs from the registry without heavy dependencies, so
each file is read by a small parser that follows the consumer's loader code (named in each test).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import tarfile

import numpy as np
import pytest
from PIL import Image

from analysis_helpers import plan_and_render
from synthocr.analysis.export import EXPORTERS
from synthocr.analysis.export.splits import hash_unit, parse_splits, split_of
from synthocr.analysis.outputs import list_outputs, read_label
from synthocr.errors import UserError


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return plan_and_render(tmp_path_factory.mktemp("export-formats"))


@pytest.fixture(scope="module")
def labels(rendered):
    """Every finished output's label and pixels, by image file name relative to the output dir."""
    found = {}
    for o in list_outputs(rendered.out):
        with Image.open(o.image_path) as im:
            found[o.image_rel] = (read_label(o), np.asarray(im.convert("RGB")))
    return found


def pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def by_id(labels) -> dict:
    return {label.image_id: (label, image) for label, image in labels.values()}


def test_tesstrain_line_pairs(cli, rendered, labels, tmp_path):
    """Read as tesstrain's Makefile and generate_line_box.py do: every `*.gt.txt` under the dir (find -L),
    the `.png` of the same stem, and exactly one line of text per file."""
    dest = tmp_path / "gt"
    assert cli("export", rendered.out, "--to", "tesstrain", "-o", dest)[0] == 0
    gts = sorted(glob.glob(str(dest / "**" / "*.gt.txt"), recursive=True))
    assert len(gts) == len(labels)
    for gt in gts:
        with open(gt, encoding="utf-8") as f:
            lines = f.read().strip().split("\n")
        assert len(lines) == 1
        image = gt[: -len(".gt.txt")] + ".png"
        rel = os.path.relpath(image, dest)
        label, expected = labels[rel]
        assert lines[0] == label.text
        assert np.array_equal(pixels(image), expected)


def test_tesstrain_writes_png_for_jpeg_renders(cli, tmp_path):
    rendered = plan_and_render(tmp_path, total_images=3, render=False)
    assert cli("render", rendered.plan, "-o", rendered.out, "--workers", "1", "--quiet", "--format", "jpg")[0] == 0
    dest = tmp_path / "gt"
    assert cli("export", rendered.out, "--to", "tesstrain", "-o", dest)[0] == 0
    for o in list_outputs(rendered.out):
        png = dest / o.image_rel.replace(".jpg", ".png")
        assert np.array_equal(pixels(png), pixels(o.image_path))  # the decoded JPEG, stored losslessly


@pytest.mark.parametrize("level", ["char", "word", "line"])
def test_paddleocr_det_label_file(cli, rendered, labels, tmp_path, level):
    """Read as PaddleOCR's SimpleDataSet + DetLabelEncode do: `path<TAB>json` per line, json.loads, each
    box's `points` and `transcription` ("*" and "###" mean ignore), boxes padded to one point count."""
    dest = tmp_path / "det"
    assert cli("export", rendered.out, "--to", "paddleocr-det", "-o", dest, "--level", level)[0] == 0
    lines = (dest / "det_gt.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(labels)
    for line in lines:
        path, raw = line.split("\t")
        boxes = json.loads(raw)
        label, expected = labels[path.removeprefix("images/")]
        assert np.array_equal(pixels(dest / path), expected)
        regions = {"char": label.chars, "word": label.words, "line": (label.line,)}[level]
        assert [b["transcription"] for b in boxes] == [r.text for r in regions]
        assert [b["points"] for b in boxes] == [[list(p) for p in r.polygon] for r in regions]
        assert not any(b["transcription"] in ("*", "###") for b in boxes)
        most = max(len(b["points"]) for b in boxes)
        padded = np.array([b["points"] + [b["points"][-1]] * (most - len(b["points"])) for b in boxes], np.float32)
        assert padded.shape == (len(boxes), most, 2) and most >= 4
        assert padded[..., 0].max() <= label.width + 1 and padded[..., 1].max() <= label.height + 1


def test_doctr_recognition_layout(cli, rendered, labels, tmp_path):
    """Read as docTR's RecognitionDataset does: labels.json maps an image file name in img_folder to its text."""
    dest = tmp_path / "doctr"
    assert cli("export", rendered.out, "--to", "doctr", "-o", dest)[0] == 0
    mapping = json.loads((dest / "labels.json").read_text(encoding="utf-8"))
    assert len(mapping) == len(labels)
    ids = by_id(labels)
    for name, text in mapping.items():
        assert os.path.exists(dest / "images" / name)
        label, expected = ids[int(name.rsplit("_", 1)[1].split(".")[0])]
        assert text == label.text and np.array_equal(pixels(dest / "images" / name), expected)


def test_doctr_detection_layout(cli, rendered, labels, tmp_path):
    """Read as docTR's DetectionDataset does: per image name `polygons` as np.asarray(..., float32) of shape
    (N, 4, 2) in absolute pixels; img_hash is the file's SHA-256."""
    dest = tmp_path / "doctr-det"
    assert cli("export", rendered.out, "--to", "doctr-det", "-o", dest)[0] == 0
    data = json.loads((dest / "labels.json").read_text(encoding="utf-8"))
    ids = by_id(labels)
    assert len(data) == len(labels)
    for name, entry in data.items():
        label, expected = ids[int(name.rsplit("_", 1)[1].split(".")[0])]
        polygons = np.asarray(entry["polygons"], dtype=np.float32)
        assert polygons.shape == (len(label.words), 4, 2)
        assert entry["img_hash"] == hashlib.sha256((dest / "images" / name).read_bytes()).hexdigest()
        assert entry["img_dimensions"] == [label.height, label.width] == list(expected.shape[:2])
        for quad, word in zip(polygons, label.words):  # each rectangle holds its word's outline
            x0, y0, x1, y1 = word.bbox
            assert quad[:, 0].min() <= x0 + 1 and quad[:, 0].max() >= x1 - 1
            assert quad[:, 1].min() <= y0 + 1 and quad[:, 1].max() >= y1 - 1


def test_mmocr_annotations(cli, rendered, labels, tmp_path):
    """Read as MMOCR 1.x does: mmengine's BaseDataset.load_data_list wants a dict with `metainfo` and
    `data_list`; parse_data_info joins img_path to data_root; TextDet instances hold a flat polygon,
    a bbox, bbox_label and ignore; TextRecog instances hold the text."""
    recog, det = tmp_path / "recog", tmp_path / "det"
    assert cli("export", rendered.out, "--to", "mmocr-textrecog", "-o", recog)[0] == 0
    assert cli("export", rendered.out, "--to", "mmocr-textdet", "-o", det, "--level", "line")[0] == 0
    ann = json.loads((recog / "textrecog_annotation.json").read_text(encoding="utf-8"))
    assert ann["metainfo"]["task_name"] == "textrecog" and len(ann["data_list"]) == len(labels)
    for info in ann["data_list"]:
        label, expected = labels[info["img_path"].removeprefix("images/")]
        assert [i["text"] for i in info["instances"]] == [label.text]
        assert np.array_equal(pixels(os.path.join(recog, info["img_path"])), expected)
    ann = json.loads((det / "textdet_annotation.json").read_text(encoding="utf-8"))
    assert ann["metainfo"]["task_name"] == "textdet" and ann["metainfo"]["category"] == [{"id": 0, "name": "text"}]
    for info in ann["data_list"]:
        label, _ = labels[info["img_path"].removeprefix("images/")]
        assert (info["height"], info["width"]) == (label.height, label.width)
        (instance,) = info["instances"]
        polygon = np.asarray(instance["polygon"], np.float32).reshape(-1, 2)
        assert len(instance["polygon"]) % 2 == 0 and len(polygon) >= 3
        assert instance["bbox_label"] == 0 and instance["ignore"] is False and instance["text"] == label.text
        x0, y0, x1, y1 = instance["bbox"]
        assert x0 <= polygon[:, 0].min() + 0.01 and x1 >= polygon[:, 0].max() - 0.01
        assert y0 <= polygon[:, 1].min() + 0.01 and y1 >= polygon[:, 1].max() - 0.01


def test_split_is_fixed_by_image_id():
    splits = parse_splits("train=0.9,val=0.05,test=0.05")
    assert splits == [("train", 0.9), ("val", 0.05), ("test", 0.05)]
    names = [split_of(i, splits) for i in range(20000)]
    assert abs(names.count("train") / 20000 - 0.9) < 0.01 and abs(names.count("test") / 20000 - 0.05) < 0.01
    assert [split_of(i, splits) for i in range(100)] == names[:100]
    assert 0 <= hash_unit(7) < 1 and hash_unit(7) == hash_unit(7)
    for bad in ["train=0.9,val=0.2", "train=0.5,train=0.5", "train=x", "a b", "train=0,val=1"]:
        with pytest.raises(UserError, match="--split"):
            parse_splits(bad)


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_every_format_takes_split_where_and_max_length(cli, rendered, labels, tmp_path, fmt):
    if fmt == "lmdb":
        pytest.importorskip("lmdb")
    dest = tmp_path / "x"
    limit = sorted(len(label.text) for label, _ in labels.values())[len(labels) // 2]
    code, out, err = cli(
        "export", rendered.out, "--to", fmt, "-o", dest, "--split", "train=0.5,val=0.5",
        "--where", "`spec` != 'hebrew'", "--max-length", limit,
    )  # fmt: skip
    assert code == 0, err
    wanted = {
        label.image_id for label, _ in labels.values() if label.params["spec"] != "hebrew" and len(label.text) <= limit
    }
    splits = {
        name: {i for i in wanted if split_of(i, parse_splits("train=0.5,val=0.5")) == name} for name in ("train", "val")
    }
    assert f"exported {len(wanted)} samples" in out
    for name, ids in splits.items():
        if ids:
            folder = dest / "images" / name if fmt == "yolo" else dest / name  # YOLO: images/<split>, labels/<split>
            assert folder.is_dir()
            written = _ids_in(folder)
            assert written == ids or (fmt == "lmdb" and len(written) == len(ids)), (name, fmt)


def _ids_in(folder) -> set[int]:
    """The image ids a split folder holds, from the file names or tar members it lists (every format names
    them image_<id:08d>, but icdar2015 img_<id>, as the RRC's scripts match them), or from lmdb's sample count
    (its keys are 1..n)."""
    if (folder / "data.mdb").exists():
        import lmdb

        env = lmdb.open(str(folder), readonly=True, lock=False)
        with env.begin() as txn:
            n = int(txn.get(b"num-samples"))
        env.close()
        return set(range(-n, 0))  # n distinct placeholders: compared by count
    names = []
    for path in folder.rglob("*"):
        if path.suffix == ".tar":
            with tarfile.open(path) as tar:
                names += tar.getnames()
        elif path.is_file():
            names.append(path.name)
    listed = " ".join(names)
    return {int(m) for m in re.findall(r"image_(\d{8})", listed) + re.findall(r"\bimg_(\d+)\.", listed)}


def test_splits_stay_put_when_more_rows_are_rendered(cli, tmp_path):
    rendered = plan_and_render(tmp_path, total_images=12, render=False)
    render = ("render", rendered.plan, "-o", rendered.out, "--workers", "1", "--quiet")
    assert cli(*render, "--rows", "0-5")[0] == 0
    split = ("--to", "doctr", "--split", "train=0.6,val=0.2,test=0.2")
    assert cli("export", rendered.out, *split, "-o", tmp_path / "first")[0] == 0
    assert cli(*render)[0] == 0
    assert cli("export", rendered.out, *split, "-o", tmp_path / "second")[0] == 0

    def members(root):
        return {(s.name, name) for s in root.iterdir() for name in json.loads((s / "labels.json").read_text())}

    first, second = members(tmp_path / "first"), members(tmp_path / "second")
    assert first < second and len({name for _, name in second}) == 12


def test_selection_errors_name_the_option(cli, rendered, tmp_path):
    code, _, err = cli("export", rendered.out, "--to", "doctr", "-o", tmp_path / "a", "--where", "nope > 1")
    assert code == 2 and "--where" in err and "'nope' is not one of the plan and label columns" in err
    assert "Label columns: width, height, length, n_words, image." in err and "font_size" in err
    # A label column is allowed: the message never calls it "not a plan column".
    code, _, err = cli("export", rendered.out, "--to", "doctr", "-o", tmp_path / "a2", "--where", "n_words > 0")
    assert code == 0, err
    code, _, err = cli("export", rendered.out, "--to", "doctr", "-o", tmp_path / "a3", "--where", "`width` > 1e9")
    assert code == 2 and "no output matches" in err
    code, _, err = cli("export", rendered.out, "--to", "doctr", "-o", tmp_path / "a4", "--where", "`nope` > 1")
    assert code == 2 and "`nope` is not a column" in err and "Label columns:" in err
    code, _, err = cli("export", rendered.out, "--to", "doctr", "-o", tmp_path / "b", "--max-length", "0")
    assert code == 2 and "--max-length" in err
    code, _, err = cli("export", rendered.out, "--to", "doctr", "-o", tmp_path / "c", "--where", "length > 10000")
    assert code == 2 and "no output matches" in err
    code, _, err = cli("export", rendered.out, "--to", "doctr", "-o", tmp_path / "d", "--split", "train=0.5")
    assert code == 2 and "sum to 0.5" in err


def test_paddleocr_dict_covers_every_split(cli, rendered, labels, tmp_path):
    dest = tmp_path / "paddle"
    assert cli("export", rendered.out, "--to", "paddleocr", "-o", dest, "--split", "train=0.5,val=0.5")[0] == 0
    merged = (dest / "dict.txt").read_text(encoding="utf-8").splitlines()
    assert set(merged) == {c for label, _ in labels.values() for c in label.text if not c.isspace()}
    for split in ("train", "val"):
        if (dest / split).exists():
            assert set((dest / split / "dict.txt").read_text(encoding="utf-8").splitlines()) <= set(merged)
