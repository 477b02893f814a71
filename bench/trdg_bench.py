"""trdg 1.8.0 and synthocr on the same work, interleaved in one run: CPU time per image and their ratio.

The work is trdg's `trdg -c N -k 5 -rk -bl 1 -rbl -b 0 -ft DejaVuSans.ttf` (32 px tall images, a random
skew up to 5 degrees, a random blur up to 1 px, a gaussian-noise background, JPEG written to disk), one
word per image as trdg's default and five with `-w 5`. synthocr does it with bench/trdg_same_work.yaml,
planned here on the same word list; trdg gets the plan's texts, so both make an image of every same
string. Each contender runs in its own child process, timed by its own process_time around each block
of images; the parent alternates which of the two goes first in every block (as bench/compare.py
does), and the first block, which warms caches up, is dropped.

- trdg: bench/trdg_child.py under a Python with trdg 1.8.0 and Pillow < 10 (`make bench-trdg-venv`
  makes build/trdg-venv), running trdg's own CLI code path image by image (parse_arguments, main()'s
  tuple, FakeTextDataGenerator.generate_from_tuple).
- synthocr: this file with `--child`, the render section's in-process path: render_row, JPEG encoding
  (encode_image, as `render --format jpg`), the image and its label JSON written as two files.

Without trdg, only synthocr is measured and the ratio uses issue #21's quoted trdg figure. Usage:

    python bench/trdg_bench.py [--trdg-python build/trdg-venv/bin/python] [--words 1]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
CONFIG = BENCH / "trdg_same_work.yaml"
FALLBACK_WORDS = BENCH / "trdg_corpus" / "words.txt"  # the word list when trdg (and its dictionary) is absent
DEFAULT_TRDG_PYTHON = REPO / "build" / "trdg-venv" / "bin" / "python"
TRDG_VERSION = "1.8.0"
TRDG_QUOTED_MS = 23.2  # issue #21: trdg 1.8.0, 32 px, rotate, blur, noise, JPEG, CPU per image of the process tree
TRDG_ARGS = ["-k", "5", "-rk", "-bl", "1", "-rbl", "-b", "0", "-f", "32", "-e", "jpg"]
FONT = "DejaVuSans.ttf"  # the built-in font file the config's font_filter names
BLOCK = 50  # images per block
BLOCKS = 9  # the first warms up and is dropped
WORDLIST_SIZE = 20_000  # words drawn from trdg's dictionary: texts hardly repeat, as with trdg's 466k words
SEED = 21


@dataclass(frozen=True)
class Contender:
    """One side's measurement: CPU seconds per timed block (and of them, in creating and writing files,
    where the child reports it), and the sizes of the images it wrote."""

    cpu: list[float]
    files: list[float]
    sizes: list[tuple[int, int]]


@dataclass(frozen=True)
class SameWork:
    """All sides on the same texts, `block` images a timed block: ours; trdg as installed (None when it is
    not), whose Pillow lays text out with `trdg_layout` (raqm where Pillow finds libraqm and FriBiDi, else
    basic); and trdg with Pillow's basic layout forced (None unless the installed one uses raqm)."""

    words: int
    block: int
    ours: Contender
    trdg: Contender | None
    trdg_layout: str = ""
    trdg_basic: Contender | None = None

    @staticmethod
    def ms(c: Contender, block: int) -> float:
        """CPU ms per image: the median block's."""
        return statistics.median(c.cpu) / block * 1e3

    def ratio(self, trdg: Contender | None = None) -> float:
        """trdg CPU / ours CPU (trdg as installed unless another side is given): the median of the blocks'
        ratios, each pair taken close in time."""
        side = trdg or self.trdg
        assert side is not None
        return statistics.median(t / o for t, o in zip(side.cpu, self.ours.cpu))

    def files_share(self) -> float:
        """The share of ours' CPU spent creating and writing the image and label files."""
        return sum(self.ours.files) / sum(self.ours.cpu)

    @staticmethod
    def mean_size(c: Contender) -> str:
        n = len(c.sizes)
        w, h, px = (sum(s) / n for s in zip(*((w, h, w * h) for w, h in c.sizes)))
        return f"{w:.0f} x {h:.1f} = {px:,.0f} px"


@dataclass(frozen=True)
class Trdg:
    """A Python that imports trdg: its path, and where its trdg package lies (the dictionary)."""

    python: Path
    package: str
    about: str


def probe_trdg(python: str | Path | None) -> Trdg | str:
    """The trdg Python to use: `python` if given (an error if it has no trdg 1.8.0), else build/trdg-venv's
    if present; else why there is none."""
    explicit = python is not None
    path = Path(python) if explicit else DEFAULT_TRDG_PYTHON
    if not path.exists():
        if explicit:
            raise SystemExit(f"--trdg-python {path}: no such file")
        return f"trdg not installed ({_shown(DEFAULT_TRDG_PYTHON)} absent: make bench-trdg-venv, or --trdg-python)"
    code = (
        "import json, os, importlib.metadata as m, trdg, PIL; "
        "print(json.dumps({'trdg': m.version('trdg'), 'pillow': PIL.__version__, "
        "'package': os.path.dirname(trdg.__file__)}))"
    )
    proc = subprocess.run([str(path), "-c", code], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        why = f"{path}: cannot import trdg ({proc.stderr.strip().splitlines()[-1:]})"
        if explicit:
            raise SystemExit(f"--trdg-python {why}")
        return why
    info = json.loads(proc.stdout)
    if info["trdg"] != TRDG_VERSION and explicit:
        raise SystemExit(f"--trdg-python {path}: trdg {info['trdg']}, the bench compares trdg {TRDG_VERSION}")
    return Trdg(path, info["package"], f"trdg {info['trdg']}, Pillow {info['pillow']}")


def _shown(path: Path) -> str:
    """`path` relative to the repository when inside it (bench reports name no machine's folders)."""
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return path.name


def word_list(folder: Path, trdg_package: str | None) -> Path:
    """The words both contenders draw from: WORDLIST_SIZE words of trdg's own English dictionary (what
    trdg's default draws from), or the bench's small list when trdg is absent."""
    if trdg_package is None:
        return FALLBACK_WORDS
    words = Path(trdg_package, "dicts", "en.txt").read_text(encoding="utf-8", errors="ignore").splitlines()
    words = [w for w in words if w.strip() == w and w]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "words.txt"
    path.write_text("\n".join(random.Random(SEED).sample(words, WORDLIST_SIZE)) + "\n", encoding="utf-8")
    return path


def plan_same_work(tmp: Path, words: int, word_file: Path, rows: int) -> Path:
    """bench/trdg_same_work.yaml with `words` words per text from `word_file`, `rows` rows, written as a plan."""
    from synthocr.config import load_config
    from synthocr.planner.plan import write_plan

    overrides = [
        f"total_images={rows}",
        f"corpus_dir={word_file.parent}",
        f"specifications.0.corpus_file={word_file.name}",
        f"specifications.0.min_words={words}",
        f"specifications.0.max_words={words}",
    ]
    plan = tmp / f"trdg_same_work_w{words}.parquet"
    write_plan(load_config(CONFIG, overrides), plan)
    return plan


def ours_child(plan: str, out: str) -> None:
    """synthocr's side: render the plan's rows of every block asked for on stdin (render_row, JPEG, the
    image and its label JSON written), answering the block's CPU seconds."""
    import pyarrow.parquet as pq

    from synthocr.renderer.assets import RenderAssets
    from synthocr.renderer.compose import render_row
    from synthocr.renderer.io import encode_image
    from synthocr.schemas.plan import asset_roots, plan_metadata

    table = pq.read_table(plan)
    rows = table.to_pylist()
    assets = RenderAssets(asset_roots(plan_metadata(table)))
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    print("ready", flush=True)
    for line in sys.stdin:
        start, stop = map(int, line.split())
        began = time.process_time()
        writing = 0.0
        for row in rows[start:stop]:
            image, label = render_row(row, assets)
            data = encode_image(image, "jpg")
            text = label.to_json()
            stem = folder / f"image_{row['image_id']:08d}"
            opened = time.process_time()
            with open(f"{stem}.jpg", "wb") as fh:
                fh.write(data)
            with open(f"{stem}.json", "w", encoding="utf-8") as fh:
                fh.write(text)
            writing += time.process_time() - opened
        print(json.dumps({"cpu": time.process_time() - began, "files": writing}), flush=True)


def _start(cmd: list[str]) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """A child started and ready, and what its "ready" line told (JSON after the word, if any)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert proc.stdout is not None
    word, _, about = proc.stdout.readline().strip().partition(" ")
    if word != "ready":
        proc.kill()
        raise RuntimeError(f"bench child did not start: {' '.join(cmd)}")
    return proc, json.loads(about) if about else {}


def _image_sizes(folder: Path) -> list[tuple[int, int]]:
    from PIL import Image

    sizes = []
    for path in sorted(folder.glob("*.jpg")):
        with Image.open(path) as image:
            sizes.append(image.size)
    return sizes


def measure(tmp: Path, words: int, trdg: Trdg | None, block: int = BLOCK, blocks: int = BLOCKS) -> SameWork:
    """Both contenders on the same `block * blocks` texts of `words` words, blocks alternating which goes
    first; the first block dropped. trdg is left out when `trdg` is None."""
    rows = block * blocks
    plan = plan_same_work(tmp, words, word_list(tmp / "trdg_words", trdg and trdg.package), rows)
    out = tmp / f"trdg_w{words}"
    kids = {"ours": _start([sys.executable, __file__, "--child", str(plan), str(out / "ours")])[0]}
    layout = ""
    if trdg is not None:
        import pyarrow.parquet as pq

        from synthocr.assets import BUILTIN_DIRS

        texts = tmp / f"trdg_texts_w{words}.json"
        texts.write_text(json.dumps(pq.read_table(plan, columns=["text"]).column("text").to_pylist()))
        font = BUILTIN_DIRS["font"] / FONT
        for name, engine in (("trdg", "default"), ("trdg_basic", "basic")):
            args = [*TRDG_ARGS, "-ft", str(font), "--output_dir", str(out / name)]
            child = [str(trdg.python), str(BENCH / "trdg_child.py"), str(texts), str(SEED), engine, "--", *args]
            kids[name], about = _start(child)
            if engine == "default":
                layout = about["layout"]
                if layout == "basic":  # Pillow found no raqm: trdg as installed already lays out the basic way
                    break
    cpu: dict[str, list[float]] = {name: [] for name in kids}
    files: dict[str, list[float]] = {name: [] for name in kids}
    try:
        for i, start in enumerate(range(0, rows, block)):
            order = list(kids)[i % len(kids) :] + list(kids)[: i % len(kids)]  # each goes first in turn
            for name in order:
                proc = kids[name]
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.write(f"{start} {start + block}\n")
                proc.stdin.flush()
                answer = proc.stdout.readline()
                if not answer:
                    raise RuntimeError(f"bench child {name} stopped (exit status {proc.wait()})")
                if i > 0:
                    reply = json.loads(answer)
                    cpu[name].append(reply["cpu"])
                    if "files" in reply:
                        files[name].append(reply["files"])
    finally:
        for proc in kids.values():
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait()
    sides = {name: Contender(cpu[name], files[name], _image_sizes(out / name)) for name in kids}
    return SameWork(words, block, sides["ours"], sides.get("trdg"), layout, sides.get("trdg_basic"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trdg-python", help=f"a Python with trdg {TRDG_VERSION} (default: build/trdg-venv's)")
    parser.add_argument("--words", type=int, default=1, help="words per image (default %(default)s)")
    parser.add_argument("--keep", metavar="DIR", help="write the plans and images into DIR and keep them")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # PLAN OUT: run as synthocr's child
    args = parser.parse_args()
    if args.child:
        ours_child(*args.child)
        return 0
    import tempfile

    found = probe_trdg(args.trdg_python)
    trdg = found if isinstance(found, Trdg) else None
    with tempfile.TemporaryDirectory(prefix="synthocr-trdg-") as name:
        tmp = Path(args.keep) if args.keep else Path(name)
        r = measure(tmp, args.words, trdg)
    print(trdg.about if trdg else found)
    for name, side in ((f"trdg ({r.trdg_layout} layout)", r.trdg), ("trdg (basic layout)", r.trdg_basic)):
        if side is not None:
            print(f"{name}: {r.ms(side, r.block):.2f} ms/img CPU, mean {r.mean_size(side)}, {r.ratio(side):.1f}x ours")
    print(
        f"ours: {r.ms(r.ours, r.block):.2f} ms/img CPU, mean {r.mean_size(r.ours)}, files {r.files_share():.0%} of it"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
