"""Realism report of the presets: contrast under the line, share of rows per effect, and what tesseract reads.

For each preset in configs/ it plans and renders a sample (through the CLI, as a
user would), then reports from the labels and the plan:

- the histogram of the contrast the renderer measured between the ink and the
  background under the line (the label's `appearance.contrast`, WCAG ratio),
  its minimum, and the rows below their `min_contrast` (there must be none);
- the share of rows each effect is applied to (from the plan columns);
- with tesseract installed, the share of Latin rows (corpus latin.txt) it reads
  within a character error rate of 0.1, one line per image (`--psm 7`, with the
  models of the corpus's languages that are installed: LATIN_LANGUAGES), with
  diacritics folded on both sides (NFKD, marks dropped, ß as ss) and whitespace
  runs as one space: tesseract's combined model confuses the accents of Czech,
  Polish and Portuguese words whatever the image (ę read as e, ů as ü), which
  says nothing of the image's readability. The rate without folding is
  reported too.

    .venv/bin/python bench/realism.py [--rows 300] [--out build/realism.md]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from synthocr.analysis.cer import cer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import write_report
from run import PRESETS, REPO

CONTRAST_BINS = (1.0, 3.0, 4.5, 7.0, 10.0, 15.0, 21.01)
CER_LIMIT = 0.1
TARGETS = {"documents": 0.95, "receipts": 0.95}  # share of Latin rows tesseract reads within CER_LIMIT


def fold(text: str) -> str:
    """Diacritics dropped (NFKD, combining marks removed), ß as ss, whitespace runs as one space."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


# The languages of the Latin corpus that tesseract has models for, where installed (Debian:
# tesseract-ocr-eng, -deu, -fra, -spa, -por, -pol, -ces).
LATIN_LANGUAGES = ("eng", "deu", "fra", "spa", "por", "pol", "ces")


def tesseract_languages() -> str:
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False).stdout.split()
    return "+".join(lang for lang in LATIN_LANGUAGES if lang in listed) or "eng"


def tesseract(image: Path, languages: str = "eng") -> str:
    done = subprocess.run(
        ["tesseract", str(image), "-", "--psm", "7", "-l", languages],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()


def run_preset(name: str, rows: int, workers: int, tmp: Path) -> dict[str, Any]:
    """Plan and render `rows` of a preset through the CLI; the plan as a frame and the labels by image id."""
    config = REPO / "configs" / f"{name}.yaml"
    plan, out = tmp / f"{name}.parquet", tmp / name
    cli = [sys.executable, "-m", "synthocr"]
    subprocess.run([*cli, "plan", str(config), f"total_images={rows}", "-o", str(plan)], check=True, cwd=REPO)
    started = time.perf_counter()
    subprocess.run(
        [*cli, "render", str(plan), "-o", str(out), "--workers", str(workers), "--quiet"], check=True, cwd=REPO
    )
    seconds = time.perf_counter() - started
    labels = {}
    for path in out.rglob("image_*.json"):
        label = orjson.loads(path.read_bytes())
        labels[label["image_id"]] = (label, path.with_suffix(".png"))
    return {"frame": pd.read_parquet(plan), "labels": labels, "seconds": seconds}


def report(name: str, run: dict[str, Any], read: bool, workers: int) -> list[str]:
    from synthocr.schemas.params import EFFECTS

    frame, labels = run["frame"], run["labels"]
    contrast = np.array([labels[i][0]["appearance"]["contrast"] for i in frame.image_id])
    floor = frame.min_contrast.to_numpy()
    below = int((contrast < floor - 1e-9).sum())
    counts, _ = np.histogram(contrast, bins=CONTRAST_BINS)
    lines = [f"## {name}.yaml", "", f"{len(frame)} rows rendered in {run['seconds']:.1f} s ({workers} workers).", ""]
    lines += [
        "| contrast (WCAG) | "
        + " | ".join(f"{a:g}–{min(b, 21):g}" for a, b in zip(CONTRAST_BINS, CONTRAST_BINS[1:]))
        + " |",
        "|---|" + "---|" * len(counts),
        "| rows | " + " | ".join(str(c) for c in counts) + " |",
        "",
        f"Least contrast measured: {contrast.min():.2f} (min_contrast {floor.min():g}); rows below their "
        f"min_contrast: **{below}**. Backgrounds faded to reach it: {sum(lab['appearance']['background_fade'] > 0 for lab, _ in labels.values())}.",
        "",
    ]
    shares = [(e.name, float((frame[e.name] != e.neutral).mean())) for e in EFFECTS]
    shares = [(n, s) for n, s in shares if s > 0]
    lines += ["| effect | rows |", "|---|---|", *[f"| {n} | {s:.0%} |" for n, s in shares], ""]
    if read:
        latin = frame[frame.corpus_file.astype(str) == "latin.txt"]
        paths = [labels[i][1] for i in latin.image_id]
        languages = tesseract_languages()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            texts = list(pool.map(lambda p: tesseract(p, languages), paths))
        truths = latin.text.astype(str).tolist()
        folded = [cer(fold(t), fold(r)) for t, r in zip(truths, texts)]
        raw = [cer(" ".join(t.split()), " ".join(r.split())) for t, r in zip(truths, texts)]
        share = float(np.mean(np.array(folded) <= CER_LIMIT)) if folded else float("nan")
        target = TARGETS.get(name)
        verdict = (
            "" if target is None else (f" (target ≥ {target:.0%}: " + ("met" if share >= target else "NOT met") + ")")
        )
        lines += [
            f"Tesseract ({languages}) on {len(latin)} Latin rows: **{share:.1%}** read within CER {CER_LIMIT}, "
            f"diacritics folded{verdict}; {np.mean(np.array(raw) <= CER_LIMIT):.1%} without folding; median CER "
            f"{np.median(folded):.3f}.",
            "",
        ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300, help="rows per preset (default %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="render and tesseract workers (default %(default)s)")
    parser.add_argument("--out", default="build/realism.md", help="Markdown file to write (default %(default)s)")
    parser.add_argument("--presets", nargs="*", default=list(PRESETS), help="presets of configs/ to report")
    args = parser.parse_args(argv)
    read = shutil.which("tesseract") is not None
    lines = [
        "# synthocr realism report",
        "",
        f"{args.rows} rows per preset. Contrast is the label's `appearance.contrast`: the WCAG ratio of the ink over "
        "the 5th percentile of the background's luminance under the line (95th for light ink), before the image "
        "effects. " + ("" if read else "Tesseract is not installed: no reading rates."),
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="synthocr-realism-") as tmp:
        for name in args.presets:
            print(f"[realism] {name}", file=sys.stderr)
            lines += report(name, run_preset(name, args.rows, args.workers, Path(tmp)), read, args.workers)
    return write_report("\n".join(lines), args.out)


if __name__ == "__main__":
    sys.exit(main())
