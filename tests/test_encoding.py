"""Same pixels, same bytes: PNG encoding is a pure function of the image, whatever the process did before."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap

import pytest

N_IMAGES = 48

# Makes N_IMAGES images (noise, gradients, flat, text-like strokes; L, RGB, RGBA; Up and None filters),
# then encodes them in the order and groups given, with other compression work and heap churn in
# between, as a long-running render worker does. Prints {index: sha256} as JSON.
SCRIPT = textwrap.dedent(
    """
    import hashlib, json, sys, zlib
    import numpy as np
    from PIL import Image
    from synthocr.renderer.imaging import PNG_FILTER_KEY, encode_png

    def image(i):
        rng = np.random.default_rng(i)
        h, w = 20 + 7 * i % 90, 60 + 37 * i % 900
        mode = ("L", "RGB", "RGBA")[i % 3]
        shape = (h, w) if mode == "L" else (h, w, len(mode))
        kind = i % 4
        if kind == 0:
            px = rng.integers(0, 256, shape, dtype=np.uint8)
        elif kind == 1:
            ramp = np.linspace(0, 255, w).astype(np.uint8)
            px = np.broadcast_to(ramp.reshape(1, w, *(() if mode == "L" else (1,))), shape)
        elif kind == 2:
            px = np.full(shape, 200, np.uint8) - (rng.random(shape) < 0.1).astype(np.uint8) * 150
        else:
            px = np.full(shape, 230, np.uint8)
            for _ in range(20):
                x, y = rng.integers(0, w - 3), rng.integers(0, h - 3)
                px[y : y + 3, x : x + int(rng.integers(3, 40))] = 20
        im = Image.fromarray(np.ascontiguousarray(px), mode)
        if i % 2:
            im.info[PNG_FILTER_KEY] = "none"
        return im

    order, group, seed = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    rng = np.random.default_rng(seed)
    keep = []
    out = {}
    for start in range(0, len(order), group):
        junk = rng.integers(0, 256, int(rng.integers(1, 400_000)), dtype=np.uint8)
        zlib.compress(junk.tobytes(), 1)
        keep.append(bytearray(int(rng.integers(1, 300_000))))
        if len(keep) > 8:
            keep.pop(int(rng.integers(0, len(keep))))
        for i in order[start : start + group]:
            out[i] = hashlib.sha256(encode_png(image(i))).hexdigest()
    print(json.dumps(out))
    """
)


def _encode_in_fresh_process(order: list[int], group: int, seed: int) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(order), str(group), str(seed)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.slow
def test_png_bytes_do_not_depend_on_process_order_or_grouping():
    import numpy as np

    runs = []
    for seed, group in ((0, 1), (1, 5), (2, 48)):
        order = list(range(N_IMAGES)) if seed == 0 else np.random.default_rng(seed).permutation(N_IMAGES).tolist()
        runs.append(_encode_in_fresh_process(order, group, seed))
    assert len(runs[0]) == N_IMAGES
    for other in runs[1:]:
        assert other == runs[0]
    # and in this process, after everything the test session did before
    namespace: dict[str, object] = {}
    exec(SCRIPT.split("order, group, seed")[0], namespace)  # the image() maker only
    from synthocr.renderer.imaging import encode_png

    here = {str(i): hashlib.sha256(encode_png(namespace["image"](i))).hexdigest() for i in range(N_IMAGES)}  # type: ignore[operator]
    assert here == runs[0]
