"""`synthocr preview`: a contact sheet of samples with their polygons, from a config, a plan or an output dir."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys

from synthocr.cli.parsing import add_command

log = logging.getLogger(__name__)

# Programs that show a file in the desktop's default viewer, tried in order.
VIEWERS = ("xdg-open", "open", "gio")


def register(sub: argparse._SubParsersAction) -> None:
    p = add_command(
        sub,
        "preview",
        summary="contact sheet of samples with char/word/line polygons and baselines, from a CONFIG, a PLAN or an output dir",
        description=(
            "Contact sheet of samples with their char/word/line polygons. SOURCE is recognised by its content:\n"
            "  a batch config (YAML): n rows are planned (total_images=n) and rendered in memory, in seconds;\n"
            "  a plan (Parquet): n of its rows, chosen with --seed, rendered in memory;\n"
            "  an output dir of `synthocr render`: n of its finished images, chosen with --seed.\n"
            "Nothing but the sheet is written."
        ),
        examples=(
            "synthocr preview configs/default.yaml --open",
            "synthocr preview my.yaml specifications.0.rotation_angle_max=10 -n 12 -o rot.png",
            "synthocr preview build/out -n 24",
        ),
    )
    p.add_argument("source", metavar="SOURCE", help="batch config, plan file, or output dir of `synthocr render`")
    p.add_argument(
        "overrides",
        nargs="*",
        metavar="KEY=VALUE",
        help="with a config: overrides, as for `synthocr plan` (total_images is set to -n)",
    )
    p.add_argument("-n", type=int, default=48, metavar="N", help="number of samples")
    p.add_argument("-o", "--output", default="sheet.png", help="image to write")
    p.add_argument(
        "--seed", type=int, default=0, help="seed of the sample choice in a plan or output dir (a config: all n rows)"
    )
    p.add_argument("--columns", type=int, default=6, metavar="N", help="samples per row of the sheet")
    p.add_argument("--no-boxes", action="store_true", help="images and text only, no polygons")
    p.add_argument("--open", action="store_true", help="show the sheet in the desktop's image viewer when one exists")
    p.set_defaults(func=run, accepts_overrides=True)


def run(args: argparse.Namespace) -> int:
    from synthocr.analysis.preview import write_preview

    count = write_preview(
        args.source,
        args.output,
        n=args.n,
        seed=args.seed,
        columns=args.columns,
        boxes=not args.no_boxes,
        overrides=args.overrides,
    )
    print(f"wrote a sheet of {count} samples -> {args.output}")
    if args.open:
        open_in_viewer(args.output)
    return 0


def open_in_viewer(path: str) -> bool:
    """Hand `path` to the first viewer program found, without waiting for it; False (with a note) when none."""
    if sys.platform == "win32":  # pragma: no cover - no Windows runner
        os.startfile(path)  # type: ignore[attr-defined]
        return True
    for viewer in VIEWERS:
        program = shutil.which(viewer)
        if program:
            command = [program, "open", path] if viewer == "gio" else [program, path]
            subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            return True
    print(f"--open: no image viewer found ({', '.join(VIEWERS)}); open {path} yourself.", file=sys.stderr)
    return False
