"""Label JSON: coordinates rounded exactly as round(v, 2) does, in bulk, and read back unchanged."""

from __future__ import annotations

import json

import numpy as np
import pytest

from synthocr.schemas.labels import Label, Region, Regions, round2, round2_array


def test_round2_equals_round_even_at_halves():
    rng = np.random.default_rng(5)
    tricky = [
        0.125,
        0.375,
        2.675,
        1.005,
        -0.005,
        -0.015,
        0.0,
        -0.0,
        -0.004,
        1e4 + 0.125,
        599.995,
        1234.565,
        0.285,
        1.115,
        3.0000000000000004,
        7.499999999999999,
    ]
    halves = (np.arange(-20000, 20000) + 0.5) / 100  # every x.xx5 from -200 to 200: all near a half
    values = tricky + halves.tolist() + rng.uniform(-700, 700, 20000).tolist()
    got = round2(values)
    expected = [round(v, 2) for v in values]
    assert [repr(v) for v in got] == [repr(v) for v in expected]  # the same floats, signs of zero included
    as_array = round2_array(np.array(values).reshape(-1, 2)).ravel().tolist()  # shape kept, values the same
    assert [repr(v) for v in as_array] == [repr(v) for v in expected]


def test_label_json_holds_every_coordinate_rounded():
    chars = (
        Region(
            "a",
            ((0.123, 1.456), (10.004999, 1.456), (10.004999, 20.115), (0.123, 20.115)),
            (0.123, 1.456, 10.004999, 20.115),
        ),
        Region("é", ((10.5, -0.004), (20.25, -0.004), (20.25, 20.0), (10.5, 20.0)), (10.5, 0.0, 20.25, 20.0)),
    )
    words = (
        Region("aé", ((0.123, -0.004), (20.25, -0.004), (20.25, 20.115), (0.123, 20.115)), (0.123, 0.0, 20.25, 20.115)),
    )
    line = Region(
        "aé", ((0.0, 0.0), (5.555, 0.0), (21.0, 0.0), (21.0, 21.0), (5.555, 21.0), (0.0, 21.0)), (0.0, 0.0, 21.0, 21.0)
    )
    label = Label(
        image_id=3,
        image="image_3.png",
        width=22,
        height=22,
        text="aé",
        params={"seed": 2**62, "blur_radius": 3.2e-05, "spec": "latin"},
        regions=Regions.from_regions(chars, words, line),
    )
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


def test_regions_from_arrays_equal_the_region_tuples_and_their_json():
    """Regions made from arrays give the same Region tuples, dicts and JSON as Regions made from tuples."""
    rng = np.random.default_rng(2)
    quads = rng.uniform(-5, 60, (3, 4, 2)).round(3)
    line = rng.uniform(-5, 60, (7, 2))
    boxes = rng.uniform(0, 50, (4, 4))
    texts = ["a", "b", "ab", "ab cd"]
    regions = Regions(texts, 2, 1, np.concatenate((quads.reshape(-1, 2), line)), boxes)
    tuples = [Region(t, tuple(map(tuple, q.tolist())), tuple(b)) for t, q, b in zip(texts, quads, boxes.tolist())]
    line_region = Region("ab cd", tuple(map(tuple, line.tolist())), tuple(boxes[3].tolist()))
    assert regions.chars == tuple(tuples[:2]) and regions.words == (tuples[2],) and regions.line == line_region
    from_tuples = Regions.from_regions(tuples[:2], tuples[2:], line_region)
    assert from_tuples == regions
    dicts = regions.to_dicts()
    assert dicts == ([r.to_dict() for r in tuples[:2]], [tuples[2].to_dict()], line_region.to_dict())
    label = Label(image_id=1, image="image_1.png", width=60, height=60, text="ab cd", params={}, regions=regions)
    assert Label.from_json(label.to_json()).to_json() == label.to_json()
    with pytest.raises(ValueError):  # read only: the tuples made from the arrays stay true
        regions.points[0, 0] = 1.0


def test_regions_refuse_a_character_polygon_without_four_points():
    square = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))
    bad = Region("a", square[:3], (0.0, 0.0, 1.0, 1.0))
    with pytest.raises(ValueError, match="3 points, not 4"):
        Regions.from_regions([bad], [], Region("a", square, (0.0, 0.0, 1.0, 1.0)))
