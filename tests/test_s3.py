"""Every command against object storage: a moto S3 server on 127.0.0.1, started here, reached as s3:// URLs
through AWS_ENDPOINT_URL (the same setting any S3-compatible store takes)."""

from __future__ import annotations

import json
import socket

import numpy as np
import pandas as pd
import pytest
import yaml
from PIL import Image

from analysis_helpers import CONFIG

pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")

BUCKET = "synthocr-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3():
    """A moto S3 server with one bucket; the environment points boto (and so s3fs) at it."""
    import s3fs

    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            mp.delenv(name, raising=False)
        s3fs.S3FileSystem.clear_instance_cache()
        fs = s3fs.S3FileSystem()
        fs.mkdir(BUCKET)
        yield fs
        s3fs.S3FileSystem.clear_instance_cache()
    server.stop()


@pytest.fixture(scope="module")
def remote(s3, tmp_path_factory):
    """A tiny config planned to s3:// and rendered from there into an s3:// output dir; and the same locally."""
    from synthocr.cli import main

    root = tmp_path_factory.mktemp("s3")
    config = root / "tiny.yaml"
    config.write_text(yaml.safe_dump({**CONFIG, "total_images": 6}))
    plan, out = f"s3://{BUCKET}/plans/plan.parquet", f"s3://{BUCKET}/out"
    assert main(["plan", str(config), "-o", plan]) == 0
    assert main(["render", plan, "-o", out, "--workers", "1", "--quiet"]) == 0
    local_plan, local_out = root / "plan.parquet", root / "out"
    assert main(["plan", str(config), "-o", str(local_plan)]) == 0
    assert main(["render", str(local_plan), "-o", str(local_out), "--workers", "1", "--quiet"]) == 0
    return plan, out, local_plan, local_out


def test_plan_and_render_on_s3_give_the_local_bytes(s3, remote):
    plan, out, local_plan, local_out = remote
    assert s3.cat_file(plan) == local_plan.read_bytes()
    local = {p.relative_to(local_out).as_posix(): p.read_bytes() for p in local_out.glob("*/image_*")}
    assert len(local) == 12
    for rel, data in local.items():
        assert s3.cat_file(f"{out}/{rel}") == data
    record = json.loads(s3.cat_file(f"{out}/.generation_checkpoint.json"))
    assert record["plan_path"] == plan


def test_status_inspect_preview_collect_on_s3(cli, s3, remote, tmp_path):
    plan, out, _, local_out = remote
    code, text, err = cli("status", plan, out)
    assert code == 0, err
    assert "all" in text and "6" in text
    code, text, err = cli("inspect", plan, "--json")
    assert code == 0 and json.loads(text)["rows"] == 6
    code, _, err = cli("preview", out, "-o", tmp_path / "sheet.png", "-n", "4")
    assert code == 0, err
    with Image.open(tmp_path / "sheet.png") as im:
        assert im.width > 300
    code, _, err = cli("collect", out, "-o", tmp_path / "labels.parquet")
    assert code == 0, err
    assert cli("collect", local_out, "-o", tmp_path / "local.parquet")[0] == 0
    got, want = pd.read_parquet(tmp_path / "labels.parquet"), pd.read_parquet(tmp_path / "local.parquet")
    assert got.drop(columns=[]).text.tolist() == want.text.tolist()
    assert got.image.tolist() == want.image.tolist() and got.width.tolist() == want.width.tolist()


def test_export_from_and_to_s3(cli, s3, remote, tmp_path):
    _, out, _, local_out = remote
    dest = f"s3://{BUCKET}/exports/doctr"
    code, text, err = cli("export", out, "--to", "doctr", "-o", dest, "--split", "train=0.5,val=0.5")
    assert code == 0, err
    assert cli("export", local_out, "--to", "doctr", "-o", tmp_path / "local", "--split", "train=0.5,val=0.5")[0] == 0
    for split in ("train", "val"):
        if not (tmp_path / "local" / split).exists():
            continue
        labels = json.loads(s3.cat_file(f"{dest}/{split}/labels.json"))
        assert labels == json.loads((tmp_path / "local" / split / "labels.json").read_text())
        for name in labels:
            assert (
                s3.cat_file(f"{dest}/{split}/images/{name}")
                == (tmp_path / "local" / split / "images" / name).read_bytes()
            )
    code, _, err = cli("export", out, "--to", "doctr", "-o", dest)
    assert code == 2 and "not empty" in err


@pytest.fixture
def no_credentials(s3, tmp_path, monkeypatch):
    """The environment of a process that has the endpoint but no credentials at all."""
    import s3fs

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    s3fs.S3FileSystem.clear_instance_cache()
    yield
    s3fs.S3FileSystem.clear_instance_cache()


def test_s3_without_credentials_is_a_clear_error(cli, remote, no_credentials):
    plan, out, _, _ = remote
    code, _, err = cli("status", plan, out)
    assert code == 2 and "credentials" in err and "AWS_ACCESS_KEY_ID" in err and "Traceback" not in err


def test_a_worker_without_credentials_names_itself(remote, no_credentials):
    """What a Dask worker started without credentials raises (the client re-raises a task's error as is)."""
    import pickle

    from synthocr.errors import UserError
    from synthocr.renderer.chunk import render_chunk
    from synthocr.renderer.job import ChunkTask

    plan, out, _, _ = remote
    task = ChunkTask(plan=plan, output=f"{out}-w", fmt="png", roots_json="{}", fingerprint="x", run_id="r")
    with pytest.raises(UserError, match="render worker on .* needs credentials|every worker") as caught:
        render_chunk(task, np.arange(2))
    assert "start `dask worker` from a shell that has them" in str(pickle.loads(pickle.dumps(caught.value)))


def test_pixels_survive(s3, remote):
    _, out, _, local_out = remote
    first = sorted(local_out.glob("*/image_*.png"))[0]
    rel = first.relative_to(local_out).as_posix()
    with s3.open(f"{out}/{rel}", "rb") as fh, Image.open(fh) as im:
        assert np.array_equal(np.asarray(im), np.asarray(Image.open(first)))
