"""`synthocr export --to yolo`: read back as Ultralytics reads a dataset (ultralytics/data/utils.py, followed
here as it needs PyTorch): `data.yaml` with `train`, `val` and `names` (paths relative to the file), each
image's label at the path `img2label_paths` gives (the last `/images/` made `/labels/`, the suffix `.txt`),
and each line of more than five numbers a polygon, class first, coordinates in [0, 1]; equal to the labels.
Ultralytics 8.4 itself reads 360 test rows so, and trains its segment and obb models on them."""

from __future__ import annotations

import logging
import os

import numpy as np
import pytest
import yaml

from analysis_helpers import plan_and_render
from synthocr.analysis.export.regions import regions_of
from synthocr.analysis.outputs import list_outputs, read_label


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return plan_and_render(tmp_path_factory.mktemp("yolo"), total_images=12)


@pytest.fixture(scope="module")
def labels(rendered) -> dict:
    return {o.name.replace("/", "_"): read_label(o) for o in list_outputs(rendered.out)}


def _label_path(image: str) -> str:
    """Ultralytics' img2label_paths."""
    sa, sb = f"{os.sep}images{os.sep}", f"{os.sep}labels{os.sep}"
    return sb.join(image.rsplit(sa, 1)).rsplit(".", 1)[0] + ".txt"


def _read(dest) -> dict[str, tuple[str, int, int, list[np.ndarray]]]:
    """Per image stem: its split, size and polygons in pixels, as Ultralytics' verify_image_label reads them."""
    from PIL import Image

    data = yaml.safe_load((dest / "data.yaml").read_text(encoding="utf-8"))
    assert data["names"] == {0: "text"} and "path" not in data
    found = {}
    for split in ("train", "val"):
        for image in sorted((dest / data[split]).iterdir()):
            with Image.open(image) as im:
                w, h = im.size
            rows = [line.split() for line in open(_label_path(str(image)), encoding="utf-8-sig").read().splitlines()]
            assert all(len(row) > 6 and len(row) % 2 == 1 and row[0] == "0" for row in rows)
            polygons = [np.array(row[1:], np.float32).reshape(-1, 2) for row in rows]
            assert all((p >= 0).all() and (p <= 1.01).all() for p in polygons)
            found[image.stem] = (split, w, h, [p * [w, h] for p in polygons])
    return found


@pytest.mark.parametrize("level", ["word", "char", "line"])
def test_yolo_reads_back_as_ultralytics_reads_it(cli, rendered, labels, tmp_path, level):
    dest = tmp_path / "yolo"
    code, out, err = cli(
        "export", rendered.out, "--to", "yolo", "--level", level, "--split", "train=0.6,val=0.4", "-o", dest
    )
    assert code == 0 and "exported 12 samples" in out, err
    found = _read(dest)
    assert sorted(found) == sorted(labels)
    assert {split for split, *_ in found.values()} == {"train", "val"}
    for stem, (_, w, h, polygons) in found.items():
        label = labels[stem]
        assert (w, h) == (label.width, label.height)
        regions = [r for r in regions_of(label, level) if r.text.strip()]
        assert len(polygons) == len(regions)
        for got, region in zip(polygons, regions):
            expected = np.clip(np.asarray(region.polygon), 0, [w, h])
            assert np.abs(got - expected).max() <= 0.002 * max(w, h)  # six decimals of the image's size


def test_one_split_validates_on_its_own_images_and_says_so(cli, rendered, labels, tmp_path, caplog):
    dest = tmp_path / "one"
    with caplog.at_level(logging.WARNING):
        code, _, err = cli("export", rendered.out, "--to", "yolo", "-o", dest)
    assert code == 0, err
    assert "no split is named val" in caplog.text + err
    data = yaml.safe_load((dest / "data.yaml").read_text(encoding="utf-8"))
    assert data["train"] == data["val"] == "images/train"
    assert len(_read(dest)) == len(labels)


def test_yolo_refuses_rotate_vertical(cli, rendered, tmp_path):
    code, _, err = cli("export", rendered.out, "--to", "yolo", "-o", tmp_path / "y", "--rotate-vertical")
    assert code == 2 and "a detection format" in err
