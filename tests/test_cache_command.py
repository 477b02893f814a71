"""`synthocr cache`: what the cache holds, pruning what was not used for a while, clearing it, and never
touching a file synthocr did not make, wherever SYNTHOCR_CACHE points."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import yaml


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("SYNTHOCR_CACHE", str(root))
    return root


def _plan(cli, root: Path, name: str, content: bytes) -> bytes:
    """Plan from one corpus file (a CSV is extracted into the cache); the plan's bytes."""
    (root / "corpus").mkdir(exist_ok=True)
    (root / "corpus" / name).write_bytes(content)
    spec = {"name": "t", "corpus_file": name, "text_source": "lines", "min_text_length": 3}
    config = {"total_images": 10, "seed": 3, "corpus_dir": str(root / "corpus"), "specifications": [spec]}
    (root / "c.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    code, _, err = cli("plan", root / "c.yaml", "-o", root / "p.parquet")
    assert code == 0, err
    return (root / "p.parquet").read_bytes()


def _age(path: Path, days: float) -> None:
    then = time.time() - days * 86_400
    os.utime(path, (then, then))


def test_cache_lists_prunes_and_clears_what_it_made(cli, cache, tmp_path):
    first = _plan(cli, tmp_path, "a.csv", b"text\nalpha beta\ngamma delta\n")
    _plan(cli, tmp_path, "b.csv", b"text\nepsilon zeta\n")
    made = sorted((cache / "corpus").iterdir())
    assert len(made) == 2
    code, out, _ = cli("cache", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["cache"] == str(cache)
    corpus = next(k for k in summary["kinds"] if k["kind"] == "corpus")
    assert corpus["files"] == 2 and corpus["size"] == sum(p.stat().st_size for p in made)
    # a.csv's extraction not used for 40 days, b.csv's for 10: pruning at 30 days removes a.csv's.
    key_a = next(p for p in made if p.read_text().startswith("alpha"))
    key_b = next(p for p in made if p != key_a)
    _age(key_a, 40)
    _age(key_b, 10)
    code, out, _ = cli("cache", "--prune", "30")
    assert code == 0 and "removed 1 files" in out and "not used for 30 days" in out
    assert not key_a.exists() and key_b.exists()
    # Planning again makes it again, to the same plan; and using a file counts as using it.
    assert _plan(cli, tmp_path, "a.csv", b"text\nalpha beta\ngamma delta\n") == first
    assert key_a.exists() and time.time() - key_a.stat().st_mtime < 60
    _age(key_a, 40)
    _plan(cli, tmp_path, "a.csv", b"text\nalpha beta\ngamma delta\n")
    assert time.time() - key_a.stat().st_mtime < 60, "a cache hit marks the file as used"
    code, out, _ = cli("cache", "--clear")
    assert code == 0 and "removed 2 files" in out and not list((cache / "corpus").iterdir())


def test_files_synthocr_did_not_make_are_never_touched(cli, tmp_path, monkeypatch):
    """SYNTHOCR_CACHE set to a folder that holds other things (a home dir, by mistake): they all stay."""
    home = tmp_path / "home"
    (home / "corpus").mkdir(parents=True)
    (home / "fonts").mkdir()
    keep = [home / "notes.txt", home / "corpus" / "mine.txt", home / "fonts" / "Favourite.otf", home / "corpus" / "x"]
    for path in keep:
        path.write_text("mine")
        _age(path, 400)
    (home / "corpus" / "sub").mkdir()
    monkeypatch.setenv("SYNTHOCR_CACHE", str(home))
    code, out, _ = cli("cache", "--clear")
    assert code == 0 and "removed 0 files" in out
    assert all(p.read_text() == "mine" for p in keep) and (home / "corpus" / "sub").is_dir()


def test_partial_files_of_a_crash_go_and_a_writers_stay(cli, cache):
    (cache / "fonts").mkdir(parents=True)
    old, fresh = cache / "fonts" / ".tmp-abc.otf", cache / "fonts" / ".tmp-def.otf"
    old.write_bytes(b"x" * 10)
    fresh.write_bytes(b"y" * 10)
    _age(old, 2)
    code, out, _ = cli("cache", "--prune", "30")
    assert code == 0 and not old.exists() and fresh.exists()


@pytest.mark.parametrize("bad", ["-1", "nan", "inf"])
def test_a_bad_prune_age_is_a_clear_error(cli, cache, bad):
    code, _, err = cli("cache", "--prune", bad)
    assert code == 2 and "--prune takes a number of days" in err and "Traceback" not in err


@pytest.mark.parametrize("args", [("--prune", "soon"), ("--prune", "3", "--clear")])
def test_options_argparse_refuses(cli, cache, capsys, args):
    with pytest.raises(SystemExit) as stop:
        cli("cache", *args)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and ("invalid float value: 'soon'" in err or "not allowed with argument" in err)
