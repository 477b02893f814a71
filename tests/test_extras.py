"""Optional dependencies: the extras are declared and installed by `make install`, and a command that needs a
missing one stops with exit 2 naming the extra to install (the module is made unimportable here)."""

from __future__ import annotations

import importlib
import re
import sys
import tomllib
from pathlib import Path

import pytest

from analysis_helpers import plan_and_render
from synthocr.extras import EXTRA_OF, PROTOCOL_EXTRAS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return plan_and_render(tmp_path_factory.mktemp("extras"), total_images=4)


def missing(monkeypatch, *modules: str) -> None:
    """Make `modules` unimportable, as if their extra were not installed."""
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def assert_names_extra(code: int, err: str, extra: str) -> None:
    assert code == 2, err
    assert f"pip install 'synthocr[{extra}]'" in err and "Traceback" not in err


def test_every_extra_is_declared_and_installed_by_make_install():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"  # an SPDX expression, not the deprecated table
    extras = set(EXTRA_OF.values()) | set(PROTOCOL_EXTRAS.values())
    assert extras <= set(project["optional-dependencies"])
    heavy = ("dask", "distributed", "matplotlib", "lmdb", "s3fs")
    assert not [d for d in project["dependencies"] if d.split("[")[0].split(">")[0] in heavy]
    installed = re.search(r"pip install .*-e '\.\[([^\]]*)\]'", (ROOT / "Makefile").read_text())
    assert installed and set(installed[1].split(",")) == extras | {"dev", "docs"}


def test_plots_without_matplotlib(cli, rendered, tmp_path, monkeypatch):
    missing(monkeypatch, "matplotlib")
    code, _, err = cli("inspect", rendered.plan, "--plots", tmp_path / "plots")
    assert_names_extra(code, err, "plots")
    assert "--plots" in err and not (tmp_path / "plots").exists()


@pytest.mark.parametrize("backend", ["local-dask", "dask"])
def test_dask_backends_without_dask(cli, rendered, tmp_path, monkeypatch, backend):
    missing(monkeypatch, "distributed")
    scheduler = ["--scheduler", "tcp://127.0.0.1:1"] if backend == "dask" else []
    code, _, err = cli("render", rendered.plan, "-o", tmp_path / "out", "--backend", backend, *scheduler)
    assert_names_extra(code, err, "dask")
    assert f"--backend {backend}" in err and not (tmp_path / "out").exists()


def test_lmdb_export_without_lmdb(cli, rendered, tmp_path, monkeypatch):
    missing(monkeypatch, "lmdb")
    code, _, err = cli("export", rendered.out, "--to", "lmdb", "-o", tmp_path / "lmdb")
    assert_names_extra(code, err, "export")
    assert not (tmp_path / "lmdb").exists()


def test_s3_paths_without_s3fs(cli, rendered, tmp_path, monkeypatch):
    missing(monkeypatch, "s3fs")
    # fsspec keeps the classes it has imported: forget an S3 filesystem an earlier test loaded.
    monkeypatch.delitem(importlib.import_module("fsspec.registry")._registry, "s3", raising=False)
    code, _, err = cli("render", rendered.plan, "-o", "s3://bucket/out")
    assert_names_extra(code, err, "s3")
    assert "s3://bucket/out" in err
    code, _, err = cli("render", "s3://bucket/plan.parquet", "-o", tmp_path / "out")
    assert_names_extra(code, err, "s3")
