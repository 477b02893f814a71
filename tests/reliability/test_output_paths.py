"""Output paths that cannot be written, for every command that writes: exit 2, one paragraph, nothing half-written."""

from __future__ import annotations

import errno
import os
import subprocess

import pytest

from reliability.conftest import files_under
from synthocr import output_paths
from synthocr.analysis import export as exporting

LONG = "n" * 300  # over every Linux filesystem's 255-byte name limit


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A plan and a small render of it, shared by the cases (they only read them)."""
    from synthocr.cli import main

    root = tmp_path_factory.mktemp("made")
    config = root / "c.yaml"
    config.write_text("total_images: 4\nseed: 5\n")
    assert main(["plan", str(config), "-o", str(root / "plan.parquet")]) == 0
    assert main(["render", str(root / "plan.parquet"), "-o", str(root / "out"), "--workers", "1", "--quiet"]) == 0
    return root


# command -> (arguments with {out} for the output, kind of output)
COMMANDS = {
    "plan": (["plan", "{config}", "-o", "{out}"], "file"),
    "plan --font-report": (["plan", "{config}", "-o", "{root}/p2.parquet", "--font-report", "{out}"], "file"),
    "render": (["render", "{plan}", "-o", "{out}", "--workers", "1", "--quiet"], "dir"),
    "generate": (["generate", "--batch-config", "{config}", "--output-dir", "{out}", "--quiet"], "dir"),
    "export": (["export", "{rendered}", "--to", "paddleocr", "-o", "{out}"], "dir"),
    "collect": (["collect", "{rendered}", "-o", "{out}"], "file"),
    "preview": (["preview", "{rendered}", "-n", "2", "-o", "{out}"], "file"),
    "inspect --plots": (["inspect", "{plan}", "--plots", "{out}"], "dir"),
}


def _args(command: str, made, out) -> list[str]:
    fields = {
        "config": made / "c.yaml",
        "plan": made / "plan.parquet",
        "rendered": made / "out",
        "root": os.path.dirname(out) if "/dev/null" not in str(out) else made,
        "out": out,
    }
    return [a.format(**fields) for a in COMMANDS[command][0]]


def _bad_paths(tmp_path, kind: str) -> dict[str, str]:
    (tmp_path / "afile").write_text("someone's file")
    (tmp_path / "adir").mkdir()
    (tmp_path / "adir" / "keep.txt").write_text("keep")
    paths = {
        "parent is a file": tmp_path / "afile" / "x.png",
        "under /dev/null": "/dev/null/x",
        "name too long": tmp_path / f"{LONG}.png",
        "folder name too long": tmp_path / LONG / "x.png",
        "no new entries (/proc)": "/proc/synthocr-x/y.png",
    }
    if kind == "file":
        paths["target is a folder"] = tmp_path / "adir"
        paths["target is a device"] = "/dev/null"
    else:
        paths["target is a file"] = tmp_path / "afile"
    return {k: str(v) for k, v in paths.items()}


CASE_NAMES = {
    "file": [
        "parent is a file",
        "under /dev/null",
        "name too long",
        "folder name too long",
        "no new entries (/proc)",
        "target is a folder",
        "target is a device",
    ],
    "dir": [
        "parent is a file",
        "under /dev/null",
        "name too long",
        "folder name too long",
        "no new entries (/proc)",
        "target is a file",
    ],
}
CASES = [(command, case) for command, (_, kind) in COMMANDS.items() for case in CASE_NAMES[kind]]


@pytest.mark.parametrize(("command", "case"), CASES, ids=[f"{c}: {k}" for c, k in CASES])
def test_unwritable_output_path(made, tmp_path, synthocr, outcome, command, case):
    path = _bad_paths(tmp_path, COMMANDS[command][1])[case]
    before = files_under(tmp_path)
    result = synthocr(*_args(command, made, path))
    assert result.clean_error, result
    assert "\n" not in result.err.strip(), "one paragraph"
    assert files_under(tmp_path) == before, "nothing may be written"
    assert (tmp_path / "afile").read_text() == "someone's file"
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    outcome("clean_error")


@pytest.mark.parametrize("command", COMMANDS)
def test_read_only_folder(made, tmp_path, synthocr, outcome, monkeypatch, command):
    """The folder refuses writes (simulated: the suite runs as root, which ignores permission bits)."""
    real_access = os.access
    ro = tmp_path / "ro"
    ro.mkdir()
    monkeypatch.setattr(
        output_paths.os,
        "access",
        lambda p, mode: False if str(p).startswith(str(ro)) and mode & os.W_OK else real_access(p, mode),
    )
    name = "x.png" if COMMANDS[command][1] == "file" else "x"
    result = synthocr(*_args(command, made, ro / "sub" / name))
    assert result.clean_error and "not writable" in result.err, result
    assert list(ro.iterdir()) == []
    outcome("clean_error")


FILE_COMMANDS = [c for c, (_, kind) in COMMANDS.items() if kind == "file"]


@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_disk_full_at_the_last_step_keeps_the_old_file(made, tmp_path, synthocr, outcome, monkeypatch, command):
    """ENOSPC when the finished file would replace the old one: the old one stays, no temp file is left."""
    target = tmp_path / "target.png"
    target.write_bytes(b"old content")

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(output_paths.os, "replace", full)
    result = synthocr(*_args(command, made, target))
    assert result.clean_error and "disk is full" in result.err, result
    assert target.read_bytes() == b"old content"
    assert not [p for p in files_under(tmp_path) if ".tmp-" in p]
    outcome("clean_error")


def test_export_that_fails_midway_leaves_no_folder(made, tmp_path, synthocr, outcome, monkeypatch):
    """ENOSPC after some files of an export were written: the new folder goes away with them."""
    import synthocr.analysis.export.paddleocr as paddle

    real = paddle.export

    def fail_after_writing(outputs, target, options):
        real(outputs, target, options)
        raise OSError(errno.ENOSPC, "No space left on device", str(target / "labels.txt"))

    monkeypatch.setitem(exporting.EXPORTERS, "paddleocr", fail_after_writing)
    out = tmp_path / "exported"
    result = synthocr("export", made / "out", "--to", "paddleocr", "-o", out)
    assert result.clean_error and "disk is full" in result.err, result
    assert not out.exists()
    outcome("clean_error")


@pytest.fixture
def small_tmpfs(tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    yield mnt
    subprocess.run(["umount", str(mnt)], check=False)


@pytest.mark.reliability
@pytest.mark.parametrize("command", [c for c in COMMANDS if c != "render"])  # render: test_output_dir.py
def test_real_full_disk(made, small_tmpfs, synthocr, outcome, command):
    """A 24 kB filesystem: each command stops with the disk-full paragraph and leaves no partial file."""
    (small_tmpfs / "filler").write_bytes(b"\0" * 8192)
    result = synthocr(*_args(command, made, small_tmpfs / ("x.png" if COMMANDS[command][1] == "file" else "x")))
    if result.code == 0:
        pytest.skip(f"{command} fitted in the small filesystem")
    assert result.clean_error and ("full" in result.err or "No space" in result.err), result
    assert not [p for p in files_under(small_tmpfs) if ".tmp-" in p]
    outcome("clean_error")


@pytest.mark.reliability
@pytest.mark.parametrize("command", COMMANDS)
def test_real_read_only_filesystem(made, tmp_path, synthocr, outcome, command):
    mnt = tmp_path / "ro"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=24k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a read-only tmpfs here")
    try:
        result = synthocr(*_args(command, made, mnt / "a" / "x"))
        assert result.clean_error and "read-only" in result.err, result
    finally:
        subprocess.run(["umount", str(mnt)], check=False)
    outcome("clean_error")
