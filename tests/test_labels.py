"""Label JSON: coordinates rounded exactly as round(v, 2) does, in bulk, and read back unchanged."""

from __future__ import annotations

import json

import numpy as np

from synthocr.schemas.labels import Label, Region, round2


def test_round2_equals_round_even_at_halves():
    rng = np.random.default_rng(5)
    tricky = [0.125, 0.375, 2.675, 1.005, -0.005, -0.015, 0.0, -0.0, -0.004, 1e4 + 0.125, 599.995, 1234.565,
              0.285, 1.115, 3.0000000000000004, 7.499999999999999]
    halves = (np.arange(-20000, 20000) + 0.5) / 100  # every x.xx5 from -200 to 200: all near a half
    values = tricky + halves.tolist() + rng.uniform(-700, 700, 20000).tolist()
    got = round2(values)
    expected = [round(v, 2) for v in values]
    assert [repr(v) for v in got] == [repr(v) for v in expected]  # the same floats, signs of zero included


def test_label_json_holds_every_coordinate_rounded():
    chars = (Region("a", ((0.123, 1.456), (10.004999, 1.456), (10.004999, 20.115), (0.123, 20.115)),
                    (0.123, 1.456, 10.004999, 20.115)),
             Region("é", ((10.5, -0.004), (20.25, -0.004), (20.25, 20.0), (10.5, 20.0)), (10.5, 0.0, 20.25, 20.0)))
    words = (Region("aé", ((0.123, -0.004), (20.25, -0.004), (20.25, 20.115), (0.123, 20.115)),
                    (0.123, 0.0, 20.25, 20.115)),)
    line = Region("aé", ((0.0, 0.0), (5.555, 0.0), (21.0, 0.0), (21.0, 21.0), (5.555, 21.0), (0.0, 21.0)),
                  (0.0, 0.0, 21.0, 21.0))
    label = Label(image_id=3, image="image_3.png", width=22, height=22, text="aé",
                  params={"seed": 2**62, "blur_radius": 3.2e-05, "spec": "latin"}, chars=chars, words=words, line=line)
    data = json.loads(label.to_json())
    for got, region in zip(data["chars"] + data["words"] + [data["line"]], chars + words + (line,)):
        assert got["text"] == region.text
        assert got["polygon"] == [[round(x, 2), round(y, 2)] for x, y in region.polygon]
        assert got["bbox"] == [round(v, 2) for v in region.bbox]
        assert region.to_dict() == got
    assert data["bboxes"] == [c["bbox"] for c in data["chars"]]
    assert data["params"] == {"seed": 2**62, "blur_radius": 3.2e-05, "spec": "latin"}
    assert "é" in label.to_json()  # UTF-8, not \\u escapes
    assert Label.from_json(label.to_json()).to_json() == label.to_json()
