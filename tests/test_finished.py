"""The finished-output rule's cheap image check: header sizes equal Pillow's, and any cut or garbage is refused."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from synthocr.renderer.finished import HEAD_BYTES, NotFinished, image_size, parse_label
from synthocr.renderer.io import encode_image


def _image(width: int, height: int, mode: str, seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    shape = (height, width) if mode == "L" else (height, width, len(mode))
    return Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode)


def _encodings(image: Image.Image) -> dict[str, bytes]:
    """Every way the renderer writes an image, and a few it does not (progressive JPEG, lossy and alpha WebP)."""
    out = {f"png{level}": encode_image(image, "png", level) for level in (0, 1, 6)}
    out["jpg"] = encode_image(image, "jpg")
    out["webp"] = encode_image(image, "webp")
    buf = io.BytesIO()
    image.save(buf, "JPEG", progressive=True)
    out["jpg-progressive"] = buf.getvalue()
    buf = io.BytesIO()
    image.save(buf, "WEBP", quality=50)
    out["webp-lossy"] = buf.getvalue()
    buf = io.BytesIO()
    image.convert("RGBA").save(buf, "WEBP", lossless=True)
    out["webp-alpha"] = buf.getvalue()
    return out


def _size(data: bytes, kind: str) -> tuple[int, int]:
    return image_size(data[:HEAD_BYTES], data[-16:], len(data), kind[:4].rstrip("0123456789-"))


@pytest.mark.parametrize(("width", "height", "mode"), [(1, 1, "L"), (37, 5, "RGB"), (640, 93, "RGB"), (300, 2000, "L")])
def test_header_size_is_pillows(width, height, mode):
    for kind, data in _encodings(_image(width, height, mode, width)).items():
        with Image.open(io.BytesIO(data)) as im:
            assert _size(data, kind) == im.size == (width, height), kind


def test_cut_or_garbled_images_are_refused():
    rng = np.random.default_rng(0)
    for kind, data in _encodings(_image(120, 40, "RGB", 1)).items():
        for cut in sorted({0, 1, 8, 20, 31, len(data) // 2, len(data) - 2, len(data) - 1}):
            with pytest.raises(NotFinished):
                _size(data[:cut], kind)
        garbage = rng.integers(0, 256, len(data), dtype=np.uint8).tobytes()
        with pytest.raises(NotFinished):
            _size(garbage, kind)


def _label(**changes: object) -> dict[str, object]:
    label = {
        "label_schema_version": 3,
        "image_id": 7,
        "plan_fingerprint": "f" * 40,
        "image": "image_00000007.png",
        "width": 10,
        "height": 4,
        "params": {"image_id": 7, "output_name": "00000/image_00000007"},
    }
    return {**label, **changes}


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        (b"", "missing or empty"),
        (b'{"label_schema_version": 2', "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (_label(label_schema_version=1), "schema version 1"),
        (_label(image_id=8), "params name another row"),
        (_label(params={"image_id": 7, "output_name": "00000/image_00000008"}), "params name another row"),
        (
            _label(image_id=8, params={"image_id": 8, "output_name": "00000/image_00000007"}),
            "image_id 8, the plan row 7",
        ),
        (_label(plan_fingerprint="0" * 40), "of another plan"),
        (_label(width=0), "no positive width"),
        (_label(image="image_00000008.png"), "names image"),
        (_label(image="image_00000007.gif"), "names image"),
    ],
)
def test_labels_that_do_not_name_their_row_are_refused(label, reason):
    import json

    data = label if isinstance(label, bytes) else json.dumps(label).encode()
    with pytest.raises(NotFinished, match=reason):
        parse_label(data, "00000/image_00000007", 7, "f" * 40)


def test_a_label_that_names_its_row_is_accepted_with_or_without_a_plan():
    import json

    data = json.dumps(_label()).encode()
    assert parse_label(data, "00000/image_00000007", 7, "f" * 40)["width"] == 10
    assert parse_label(data, "00000/image_00000007", None, None)["height"] == 4
