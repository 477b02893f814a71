"""The Dask backend and fsspec URLs: the same job on a cluster gives byte-identical outputs."""

from __future__ import annotations

import fsspec
import pytest

from helpers import outputs, plan_and_render

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """A 24-row plan and its render by the local backend."""
    from helpers import TINY

    return plan_and_render(tmp_path_factory.mktemp("dask"), TINY)


@pytest.fixture(scope="module")
def scheduler():
    """A LocalCluster of 2 workers in this process (threads: fast to start, sees memory://)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


def test_dask_cluster_file_urls_byte_identical(cli, job, scheduler, tmp_path):
    plan, reference = job
    out = tmp_path / "out"
    code, text, _ = cli(
        "render",
        f"file://{plan}",
        "-o",
        f"file://{out}",
        "--backend",
        "dask",
        "--scheduler",
        scheduler,
        "--chunk-size",
        "5",
        "--quiet",
    )
    assert code == 0 and "rendered 24," in text
    assert outputs(out) == reference
    assert not list(out.rglob(".tmp-*"))
    code, text, _ = cli("render", plan, "-o", out, "--backend", "dask", "--scheduler", scheduler, "--quiet")
    assert code == 0 and "rendered 0, skipped 24" in text


def test_dask_cluster_memory_urls_resume_and_status(cli, job, scheduler):
    plan, reference = job
    fs = fsspec.filesystem("memory")
    fs.pipe_file("/synthocr-test/plan.parquet", plan.read_bytes())
    src, out = "memory://synthocr-test/plan.parquet", "memory://synthocr-test/out"
    code, text, _ = cli(
        "render",
        src,
        "-o",
        out,
        "--backend",
        "dask",
        "--scheduler",
        scheduler,
        "--rows",
        "0-9",
        "--chunk-size",
        "3",
        "--quiet",
    )
    assert code == 0 and "rendered 10," in text
    code, text, _ = cli("status", src, out)
    assert text.strip().splitlines()[-1].split() == ["all", "24", "10", "14", "0", "0"]
    fs.pipe_file("/synthocr-test/out/00000/image_00000002.json", b'{"torn')  # does not parse: redone
    code, text, _ = cli("render", src, "-o", out, "--backend", "dask", "--scheduler", scheduler, "--quiet")
    assert code == 0 and "rendered 15, skipped 9" in text
    got = {
        p[len("/synthocr-test/out/") :]: fs.cat_file(p)
        for p in fs.find("/synthocr-test/out")
        if not any(part.startswith((".", "_")) for part in p[len("/synthocr-test/out/") :].split("/"))
    }
    assert got == reference
    fs.rm("/synthocr-test", recursive=True)


def test_local_dask_starts_its_own_cluster(cli, job, tmp_path):
    plan, reference = job
    out = tmp_path / "out"
    code, text, _ = cli("render", plan, "-o", out, "--backend", "local-dask", "--workers", "2", "--quiet")
    assert code == 0 and "rendered 24," in text
    assert outputs(out) == reference


@pytest.mark.parametrize(
    "args, message",
    [
        (["--backend", "dask"], "needs --scheduler"),
        (["--scheduler", "tcp://127.0.0.1:1"], "needs --backend dask"),
        (["--backend", "local-dask", "--scheduler", "tcp://127.0.0.1:1"], "starts its own cluster"),
    ],
)
def test_backend_argument_errors(cli, job, tmp_path, args, message):
    plan, _ = job
    code, _, err = cli("render", plan, "-o", tmp_path / "out", "--quiet", *args)
    assert code == 2 and message in err
    assert not (tmp_path / "out").exists()
