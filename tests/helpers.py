"""Test helpers shared by several modules: the tiny config, copies of the built-in assets, plan-and-render, processes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from synthocr.assets import BUILTIN_DIRS

# The shared tiny config: 3 specifications on the built-in assets, latin:arabic:hebrew = 2:1:1.
TINY = {
    "total_images": 24,
    "seed": 7,
    "specifications": [
        {
            "name": "latin",
            "proportion": 2,
            "corpus_file": "latin.txt",
            "max_text_length": 24,
            "rotation_angle_min": -5.0,
            "rotation_angle_max": 5.0,
        },
        {
            "name": "arabic",
            "proportion": 1,
            "text_direction": "rtl",
            "corpus_file": "arabic.txt",
            "max_text_length": 20,
        },
        {
            "name": "hebrew",
            "proportion": 1,
            "text_direction": "rtl",
            "corpus_file": "hebrew.txt",
            "max_text_length": 20,
            "perspective_warp_magnitude_max": 0.05,
        },
    ],
}


@dataclass(frozen=True)
class Assets:
    fonts: Path
    corpus: Path


def copy_builtin_assets(root: Path, font_names: Iterable[str] | None = None) -> Assets:
    """The built-in corpus and the named built-in fonts (all by default) copied under `root`."""
    fonts, corpus = root / "fonts", root / "corpus"
    fonts.mkdir()
    names = font_names if font_names is not None else [p.name for p in BUILTIN_DIRS["font"].glob("*.ttf")]
    for name in names:
        shutil.copy(BUILTIN_DIRS["font"] / name, fonts / name)
    shutil.copytree(BUILTIN_DIRS["corpus"], corpus)
    return Assets(fonts, corpus)


def plan_with_fonts(cli, config: dict, root: Path, names: Iterable[str]) -> tuple[Path, Path]:
    """Plan `config` (a dict) with only the named built-in fonts, copied to root/fonts: (font dir, plan)."""
    import yaml

    fonts = root / "fonts"
    fonts.mkdir()
    for name in names:
        shutil.copy(BUILTIN_DIRS["font"] / name, fonts / name)
    config["font_dir"] = str(fonts)
    cfg, plan = root / "c.yaml", root / "p.parquet"
    cfg.write_text(yaml.safe_dump(config))
    assert cli("plan", cfg, "-o", plan)[0] == 0
    return fonts, plan


def builtin_font_sha1(name: str) -> str:
    """The fingerprint a plan records for the built-in font `name`."""
    return hashlib.sha1((BUILTIN_DIRS["font"] / name).read_bytes()).hexdigest()


def outputs(out: Path) -> dict[str, bytes]:
    """Every image and label under `out`, by relative path (run bookkeeping left out)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not any(part.startswith((".", "_")) for part in p.relative_to(out).parts)
    }


def plan_and_render_labels(cli, config: Path, workers: int = 1) -> tuple[Path, list[dict]]:
    """`synthocr plan` of `config` into its folder, then `synthocr render` of it: (plan path, the labels in
    name order, as JSON)."""
    import json

    plan, out = config.parent / "p.parquet", config.parent / "out"
    assert cli("plan", config, "-o", plan)[0] == 0
    code, _, err = cli("render", plan, "-o", out, "--workers", str(workers), "--quiet")
    assert code == 0, err
    return plan, [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out.rglob("image_*.json"))]


def plan_and_render(root: Path, config: dict) -> tuple[Path, dict[str, bytes]]:
    """Plan `config` (a dict) under `root` and render it in one process: (plan path, reference outputs)."""
    import yaml

    from synthocr.cli import main

    cfg, plan, out = root / "c.yaml", root / "p.parquet", root / "ref"
    cfg.write_text(yaml.safe_dump(config))
    assert main(["plan", str(cfg), "-o", str(plan)]) == 0
    assert main(["render", str(plan), "-o", str(out), "--workers", "1", "--quiet"]) == 0
    return plan, outputs(out)


# --- renders in a process of their own (fault and hard-stop tests) ----------

FAULT_ROWS = 48  # rows of the `job` fixture's plan


def start_render(plan: Path, out: Path, *extra: str) -> subprocess.Popen:
    """`synthocr render` in its own process group, as a shell would start it."""
    return subprocess.Popen(
        [sys.executable, "-m", "synthocr", "render", str(plan), "-o", str(out), "--quiet", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        # A shell starts a foreground job with Ctrl-C at its default. The test process itself may have
        # SIGINT ignored from its start: a non-interactive shell starts background jobs (`make test &`,
        # a CI step run in the background) with SIGINT ignored (POSIX), Python keeps it so, and an
        # ignored signal is inherited across exec.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def wait_for_labels(out: Path, n: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(list(out.rglob("image_*.json"))) < n:
        assert proc.poll() is None, f"render ended before {n} labels existed: {proc.communicate()}"
        assert time.monotonic() < deadline
        time.sleep(0.01)


def assert_complete(out: Path, reference: dict[str, bytes]) -> None:
    assert outputs(out) == reference  # every id, byte-identical to the clean run
    assert not list(out.rglob(".tmp-*"))
    for label in out.rglob("*.json"):
        json.loads(label.read_bytes())


def plan_requests(cli, config: Path, root: Path, content: str, name: str = "req.csv") -> tuple[Path, Path]:
    """`synthocr plan CONFIG --requests FILE` with FILE holding `content` (UTF-8); it must succeed. Returns
    the plan and the request file."""
    requests, plan = root / name, root / "plan.parquet"
    requests.write_text(content, encoding="utf-8")
    code, _, err = cli("plan", config, "--requests", requests, "-o", plan)
    assert code == 0, err
    return plan, requests


def one_spec_config(
    root: Path, fonts: Iterable[Path], corpus: str, lines: Iterable[str], spec: dict, total: int, seed: int
) -> Path:
    """A config file under `root` of one specification (`spec` over `text_source: lines` of the corpus file
    `corpus` holding `lines`), its own font dir of copies of `fonts`, and its own corpus dir."""
    import yaml

    (root / "fonts").mkdir(exist_ok=True)
    (root / "corpus").mkdir(exist_ok=True)
    for path in fonts:
        shutil.copy(path, root / "fonts" / path.name)
    (root / "corpus" / corpus).write_text("\n".join(lines) + "\n", encoding="utf-8")
    base = {"name": Path(corpus).stem, "corpus_file": corpus, "text_source": "lines", "min_text_length": 3}
    config = {"total_images": total, "seed": seed, "font_dir": str(root / "fonts"), "corpus_dir": str(root / "corpus")}
    config["specifications"] = [{**base, **spec}]
    path = root / "c.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def plan_corpus(cli, root: Path, corpus_file: str, spec: dict | None = None, total: int = 40):
    """`synthocr plan` of one specification drawing whole lines (`text_source: lines`, DejaVu Sans) from
    `corpus_file` in `root/corpus`, with the fields of `spec` over those: (exit code, stderr, plan frame or
    None)."""
    import pandas as pd
    import yaml

    fields = {"name": "t", "corpus_file": corpus_file, "text_source": "lines", "min_text_length": 3,
              "font_filter": "DejaVuSans.ttf", **(spec or {})}  # fmt: skip
    config = {"total_images": total, "seed": 3, "corpus_dir": str(root / "corpus"), "specifications": [fields]}
    path = root / "c.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    plan = root / "p.parquet"
    code, _, err = cli("plan", path, "-o", plan)
    return code, err, (pd.read_parquet(plan) if code == 0 else None)


def write_corpus(root: Path, name: str, data: bytes) -> None:
    """`data` as the corpus file `root/corpus/name`."""
    (root / "corpus").mkdir(exist_ok=True)
    (root / "corpus" / name).write_bytes(data)


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the first the catalog), with the cross-reference table a
    reader looks for."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
