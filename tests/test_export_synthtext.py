"""`synthocr export --to synthtext`: `gt.mat` read back as CRAFT's trainers read SynthText (EasyOCR's
trainer/craft `SynthTextDataSet`: scipy's loadmat, `charBB[0][i].transpose(2, 1, 0)`, the texts split at
spaces and line breaks, one character box per code point of the words), equal to the labels."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from analysis_helpers import plan_and_render
from helpers import one_spec_config
from synthocr.analysis.outputs import list_outputs, read_label

sio = pytest.importorskip("scipy.io")

BUILTIN_FONTS = Path(__file__).parents[1] / "src" / "synthocr" / "assets" / "fonts"


def _read(dest: Path) -> list[tuple[str, np.ndarray, np.ndarray, list[str]]]:
    """(image path, character boxes n x 4 x 2, word boxes m x 4 x 2, words) per image, as the loader has them."""
    gt = sio.loadmat(str(dest / "gt.mat"))
    out = []
    for i in range(gt["imnames"].shape[1]):
        name = gt["imnames"][0][i][0]
        chars = gt["charBB"][0][i].transpose(2, 1, 0)
        wordbb = gt["wordBB"][0][i]
        words_bb = wordbb.transpose(2, 1, 0) if wordbb.ndim == 3 else wordbb.transpose(1, 0)[np.newaxis, :]
        words = [re.split(" \n|\n |\n| ", t.strip()) for t in gt["txt"][0][i]]
        out.append((name, chars, words_bb, [w for w in itertools.chain(*words) if len(w) > 0]))
    return out


def _check(out: Path, dest: Path) -> list[tuple]:
    labels = {o.image_rel: read_label(o) for o in list_outputs(out)}
    read = _read(dest)
    assert sorted(name for name, *_ in read) == sorted(labels)
    for name, chars, words_bb, words in read:
        label = labels[name]
        assert (dest / name).read_bytes() == (out / name).read_bytes()
        assert sum(len(w) for w in words) == len(chars), "the loader's character count"
        assert len(words_bb) == len(words) == len(label.words)
        expected = [c.polygon for c in label.chars for _ in c.text]  # a cluster's box once per code point
        assert np.allclose(chars, expected, atol=1e-9)
        assert "".join(words) == "".join(c.text for c in label.chars)
    return read


def test_gt_mat_holds_every_character_box_as_craft_reads_it(cli, tmp_path):
    rendered = plan_and_render(tmp_path)
    dest = tmp_path / "st"
    code, out, err = cli("export", rendered.out, "--to", "synthtext", "-o", dest)
    assert code == 0 and "exported 12 samples" in out, err
    _check(rendered.out, dest)


def test_clusters_of_several_code_points_give_a_box_per_code_point(cli, tmp_path):
    """`e` + U+0301 (NFD) and Devanagari clusters (न्दी, षा) hold several code points: the loader counts each."""
    fonts = [BUILTIN_FONTS / "DejaVuSans.ttf", Path(__file__).parent / "fonts" / "Lohit-Devanagari-subset.ttf"]
    config = one_spec_config(
        tmp_path, fonts, "mixed.txt", ["Café noël", "हिन्दी भाषा"], {"unicode_normalization": "NFD"}, 8, 3
    )
    plan, out = tmp_path / "plan.parquet", tmp_path / "out"
    assert cli("plan", config, "-o", plan)[0] == 0
    assert cli("render", plan, "-o", out, "--workers", "1", "--quiet")[0] == 0
    assert cli("export", out, "--to", "synthtext", "-o", tmp_path / "st")[0] == 0
    read = _check(out, tmp_path / "st")
    words = {w for *_, ws in read for w in ws}
    assert {"Cafe\u0301", "हिन्दी"} <= words


def test_synthtext_refuses_rotate_vertical(cli, tmp_path):
    rendered = plan_and_render(tmp_path, total_images=2)
    code, _, err = cli("export", rendered.out, "--to", "synthtext", "-o", tmp_path / "st", "--rotate-vertical")
    assert code == 2 and "a detection format" in err


def test_an_image_without_a_character_box_is_refused_not_dropped(cli, tmp_path):
    """An export that left such an image out would still count it; like the XML formats, it is an error."""
    import json

    rendered = plan_and_render(tmp_path, total_images=2)
    label_path = sorted(rendered.out.rglob("image_*.json"))[0]
    label = json.loads(label_path.read_text(encoding="utf-8"))
    label["chars"], label["bboxes"] = [], []
    label_path.write_text(json.dumps(label, ensure_ascii=False), encoding="utf-8")
    code, _, err = cli("export", rendered.out, "--to", "synthtext", "-o", tmp_path / "st")
    assert code == 2 and "has a box of its own" in err and label_path.name in err
