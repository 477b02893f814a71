"""trdg's side of the trdg bench: trdg's own CLI code path on given strings, timed block by block in this process.

Runs under the Python of a trdg 1.8.0 install (`make bench-trdg-venv`; trdg needs Pillow < 10), never imports
synthocr. The arguments after the strings file are trdg's own command line (`-k 5 -rk -bl 1 -rbl -b 0 ...`):
they are parsed by trdg's parse_arguments and turned into the per-image tuple exactly as trdg's main() does,
and each image is made by FakeTextDataGenerator.generate_from_tuple, the function trdg's CLI maps over its
multiprocessing pool (one worker with the default `-t 1`); only the pool is left out. `basic` makes every
font trdg opens use Pillow's basic text layout, as where Pillow finds no libraqm or FriBiDi (`default`: raqm
when Pillow has it, which it reports on the "ready" line). Protocol on stdout: "ready", then for every line
"START STOP" read from stdin, {"cpu": CPU seconds (process_time) this process spent on those images}.
Usage:

    TRDG_PYTHON bench/trdg_child.py STRINGS.json SEED default|basic -- TRDG_ARGS...
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
import time


def main(argv: list[str]) -> int:
    strings_file, seed, layout = argv[0], int(argv[1]), argv[2]
    trdg_args = argv[argv.index("--") + 1 :]
    protocol = sys.stdout
    sys.stdout = io.StringIO()  # trdg's import says "Missing modules for handwritten text generation."
    import cv2
    import numpy as np
    from PIL import ImageFont, features
    from trdg import run as trdg_run
    from trdg.data_generator import FakeTextDataGenerator

    if layout == "basic":  # as trdg runs where Pillow finds no libraqm or FriBiDi: every font it opens lays out basic
        truetype = ImageFont.truetype
        ImageFont.truetype = lambda *a, **k: truetype(*a, **{**k, "layout_engine": ImageFont.Layout.BASIC})
    used = "raqm" if layout == "default" and features.check("raqm") else "basic"

    sys.stdout = sys.stderr  # trdg's prints ("value of mean pixel is too similar ...") must not reach the protocol

    with open(strings_file, encoding="utf-8") as fh:
        strings: list[str] = json.load(fh)
    sys.argv = ["trdg", "-c", str(len(strings)), *trdg_args]
    args = trdg_run.parse_arguments()
    if not args.font:
        raise SystemExit("trdg_child: give trdg's -ft FONT (the same font file synthocr uses)")
    random.seed(seed)  # trdg draws skew, blur and ink from `random`, the noise background from OpenCV's RNG
    np.random.seed(seed)
    cv2.setRNGSeed(seed)
    os.makedirs(args.output_dir, exist_ok=True)

    def task(i: int) -> tuple:
        """trdg main()'s tuple for image i, field by field in its order (font: the one -ft file)."""
        return (
            i, strings[i], args.font, args.output_dir, args.format, args.extension, args.skew_angle,
            args.random_skew, args.blur, args.random_blur, args.background, args.distorsion,
            args.distorsion_orientation, args.handwritten, args.name_format, args.width, args.alignment,
            args.text_color, args.orientation, args.space_width, args.character_spacing, args.margins, args.fit,
            args.output_mask, args.word_split, args.image_dir, args.stroke_width, args.stroke_fill,
            args.image_mode, args.output_bboxes,
        )  # fmt: skip

    print("ready", json.dumps({"layout": used}), file=protocol, flush=True)
    for line in sys.stdin:
        start, stop = map(int, line.split())
        began = time.process_time()
        for i in range(start, stop):
            FakeTextDataGenerator.generate_from_tuple(task(i))
        print(json.dumps({"cpu": time.process_time() - began}), file=protocol, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
