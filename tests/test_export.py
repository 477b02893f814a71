"""`synthocr export`: each format read back with its usual reader (datasets, lmdb, webdataset) or a minimal one."""

from __future__ import annotations

import glob
import io
import json
import math

import numpy as np
import pytest
from PIL import Image

from analysis_helpers import plan_and_render
from synthocr.analysis.export import EXPORTERS
from synthocr.analysis.outputs import list_outputs, read_label
from synthocr.cli.export import FORMATS


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return plan_and_render(tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="module")
def expected(rendered):
    """Every output as (text, pixels, label JSON), in export order."""
    samples = []
    for o in list_outputs(rendered.out):
        with Image.open(o.image_path) as im:
            samples.append((read_label(o).text, np.asarray(im.convert("RGB")), json.loads(o.label_bytes())))
    return samples


def pixels(data: bytes | Image.Image) -> np.ndarray:
    image = Image.open(io.BytesIO(data)) if isinstance(data, bytes) else data
    return np.asarray(image.convert("RGB"))


def test_formats_agree_with_the_cli():
    assert tuple(EXPORTERS) == FORMATS


@pytest.mark.slow
def test_hf_imagefolder_loads_with_datasets(cli, rendered, expected, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    dest = tmp_path / "hf-export"
    code, out, _ = cli("export", rendered.out, "--to", "hf-imagefolder", "-o", dest, "--split", "validation")
    assert code == 0 and "exported 12 samples" in out
    import datasets

    ds = datasets.load_dataset("imagefolder", data_dir=str(dest), cache_dir=str(tmp_path / "cache"))
    assert list(ds) == ["validation"] and ds["validation"].num_rows == len(expected)
    for row, (text, image, label) in zip(ds["validation"], expected):
        assert row["text"] == text and row["image_id"] == label["image_id"] and row["spec"] == label["params"]["spec"]
        assert row["language"] == label["params"]["language"] == ""
        assert row["font_instance"] == label["params"]["font_instance"] == ""
        assert np.array_equal(pixels(row["image"]), image)
        assert (row["width"], row["height"]) == (label["width"], label["height"])
        line = {k: v for k, v in label["line"].items() if k != "baseline"}  # the shared fixture stays as read
        assert row["words"] == label["words"] and row["chars"] == label["chars"] and row["line"] == line
        assert row["baseline"] == label["line"]["baseline"]


def test_paddleocr_label_file(cli, rendered, expected, tmp_path):
    dest = tmp_path / "paddle"
    assert cli("export", rendered.out, "--to", "paddleocr", "-o", dest)[0] == 0
    # Read as PaddleOCR's SimpleDataSet does: `path<TAB>label` per line, the path relative to data_dir.
    lines = (dest / "rec_gt.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(expected)
    for line, (text, image, _) in zip(lines, expected):
        path, label = line.split("\t")
        assert label == text
        with Image.open(dest / path) as im:
            assert np.array_equal(pixels(im), image)
    characters = (dest / "dict.txt").read_text(encoding="utf-8").splitlines()
    assert len(characters) == len(set(characters)) and all(len(c) == 1 for c in characters)
    assert set(characters) == {c for text, _, _ in expected for c in text if not c.isspace()}


def test_lmdb_benchmark_layout(cli, rendered, expected, tmp_path):
    import lmdb

    dest = tmp_path / "lmdb"
    assert cli("export", rendered.out, "--to", "lmdb", "-o", dest)[0] == 0
    # Read as the deep-text-recognition-benchmark's LmdbDataset does.
    env = lmdb.open(str(dest), readonly=True, lock=False, readahead=False, meminit=False)
    with env.begin(write=False) as txn:
        n = int(txn.get(b"num-samples"))
        assert n == len(expected)
        for index, (text, image, _) in enumerate(expected, start=1):
            assert txn.get(b"label-%09d" % index).decode("utf-8") == text
            assert np.array_equal(pixels(txn.get(b"image-%09d" % index)), image)
        assert txn.get(b"label-%09d" % (n + 1)) is None
    env.close()


def test_webdataset_shards(cli, rendered, expected, tmp_path):
    import webdataset as wds

    dest, again = tmp_path / "wds", tmp_path / "wds-again"
    assert cli("export", rendered.out, "--to", "webdataset", "-o", dest, "--shard-size", 5)[0] == 0
    shards = sorted(glob.glob(str(dest / "*.tar")))
    assert len(shards) == math.ceil(len(expected) / 5)
    samples = list(wds.WebDataset(shards, shardshuffle=False))
    assert len(samples) == len(expected)
    for sample, (text, image, label) in zip(samples, expected):
        assert sample["__key__"] == f"image_{label['image_id']:08d}"
        assert sample["txt"].decode("utf-8") == text
        assert json.loads(sample["json"]) == label
        assert np.array_equal(pixels(sample["png"]), image)
    # The same outputs give the same tar bytes.
    assert cli("export", rendered.out, "--to", "webdataset", "-o", again, "--shard-size", 5)[0] == 0
    assert [p.read_bytes() for p in sorted(dest.iterdir())] == [p.read_bytes() for p in sorted(again.iterdir())]


def test_non_empty_destination_is_refused(cli, rendered, tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    code, _, err = cli("export", rendered.out, "--to", "paddleocr", "-o", tmp_path)
    assert code == 2 and "not empty" in err
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_bad_shard_size_and_missing_outputs(cli, rendered, tmp_path):
    code, _, err = cli("export", rendered.out, "--to", "webdataset", "-o", tmp_path / "a", "--shard-size", 0)
    assert code == 2 and "--shard-size" in err
    code, _, err = cli("export", tmp_path / "nothing", "--to", "lmdb", "-o", tmp_path / "b")
    assert code == 2 and "does not exist" in err


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_image_damaged_since_it_was_rendered_is_never_exported(cli, tmp_path, fmt):
    """Bits flipped inside an image's pixel data, its header and end intact: the cheap finished rule (first and
    last bytes) cannot see it, so it was exported to the training data as it was. Export checks every image
    it reads against the SHA-256 its label records: the damaged one is left out and named, the others go, and
    the exit status (1) says the export is short; render --verify makes it again, and then it goes too."""
    (tmp_path / "job").mkdir()
    job = plan_and_render(tmp_path / "job", total_images=6)
    outputs = list_outputs(job.out)
    victim = outputs[2].image_path
    data = bytearray(open(victim, "rb").read())
    data[len(data) // 2 : len(data) // 2 + 16] = bytes(16)
    with open(victim, "wb") as fh:
        fh.write(data)
    assert len(list_outputs(job.out)) == 6  # still finished by the cheap rule
    code, out, err = cli("export", job.out, "--to", fmt, "-o", tmp_path / "x")
    assert code == 1 and "Traceback" not in err
    assert "exported 5 samples" in out and "left out 1 damaged outputs" in err and victim in err
    exported = [p for p in (tmp_path / "x").rglob("*") if p.is_file()]
    assert not any(p.name == victim.rpartition("/")[2] for p in exported)
    assert cli("render", job.plan, "-o", job.out, "--verify", "--quiet")[0] == 0
    code, out, err = cli("export", job.out, "--to", fmt, "-o", tmp_path / "y")
    assert code == 0 and "exported 6 samples" in out, err
