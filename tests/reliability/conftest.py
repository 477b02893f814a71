"""Reliability suite helpers: the CLI under a time limit, small asset dirs, and outcome records for the figures."""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from synthocr.assets import BUILTIN_DIRS
from synthocr.cli import main

TIMEOUT_SECONDS = 60  # any command that takes longer has hung: the suite fails instead of waiting
OUTCOMES = ("clean_error", "excluded", "rendered", "planned")


@dataclass(frozen=True)
class Result:
    """What one `synthocr` command did: exit status, its output, and the warnings it logged."""

    code: int
    out: str
    err: str
    warnings: str

    @property
    def clean_error(self) -> bool:
        """Exit status 2 with an `error:` paragraph and no traceback."""
        return self.code == 2 and self.err.startswith("error: ") and "Traceback" not in self.err


class Hung(Exception):
    pass


def _alarm(signum, frame):
    raise Hung(f"command ran past {TIMEOUT_SECONDS} s")


def _reset_peak_rss() -> None:
    """Linux: start this process's peak resident size (VmHWM) again from its current size."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


def _peak_rss_mb() -> int:
    with contextlib.suppress(OSError), open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return 0


@pytest.fixture
def synthocr(caplog, request):
    """Run `synthocr ARGS...` in-process under a time limit; the peak memory of the largest command is recorded.

    Any exception other than the CLI's own handling escapes as a test failure: a
    traceback the user would have seen.
    """
    peaks: list[int] = []

    def run(*args: object, timeout: int = TIMEOUT_SECONDS) -> Result:
        out, err = io.StringIO(), io.StringIO()
        caplog.clear()
        _reset_peak_rss()
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(timeout)
        try:
            with caplog.at_level(logging.WARNING), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main([str(a) for a in args])
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)
            peaks.append(_peak_rss_mb())
        return Result(code, out.getvalue(), err.getvalue(), caplog.text)

    yield run
    if peaks:
        request.node.user_properties.append(("peak_rss_mb", max(peaks)))


@pytest.fixture
def outcome(record_property):
    """Record how a hostile case ended, for `make reliability`'s table (one of OUTCOMES)."""

    def record(kind: str) -> None:
        assert kind in OUTCOMES, kind
        record_property("outcome", kind)

    return record


@dataclass(frozen=True)
class Workspace:
    """A tmp dir with a font dir, a corpus dir, a background dir and a config pointing at them."""

    root: Path
    fonts: Path
    corpus: Path
    backgrounds: Path

    def config(self, name: str = "c.yaml", backgrounds: bool = False, **fields: object) -> Path:
        data = {
            "total_images": 6,
            "seed": 3,
            "font_dir": str(self.fonts),
            "corpus_dir": str(self.corpus),
            **({"background_dir": str(self.backgrounds)} if backgrounds else {}),
            **fields,
        }
        path = self.root / name
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    def plan(self, synthocr, config: Path | None = None, name: str = "plan.parquet") -> Path:
        path = self.root / name
        result = synthocr("plan", config or self.config(), "-o", path)
        assert result.code == 0, result
        return path


@pytest.fixture
def ws(tmp_path) -> Workspace:
    """One built-in font (DejaVuSans), the Latin corpus, and an empty background dir."""
    fonts, corpus, backgrounds = tmp_path / "fonts", tmp_path / "corpus", tmp_path / "bg"
    for d in (fonts, corpus, backgrounds):
        d.mkdir()
    shutil.copy(BUILTIN_DIRS["font"] / "DejaVuSans.ttf", fonts)
    shutil.copy(BUILTIN_DIRS["corpus"] / "latin.txt", corpus)
    return Workspace(tmp_path, fonts, corpus, backgrounds)


def files_under(root: Path) -> list[str]:
    """Every file below root (temporary files included), relative, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
