"""The plan and label schemas change only with a version bump, and a plan of another version is refused."""

from __future__ import annotations

import pyarrow.parquet as pq

from schema_snapshot import current, recorded
from synthocr.schemas.plan import META_SCHEMA_VERSION, PLAN_SCHEMA_VERSION

HOW = (
    "bump PLAN_SCHEMA_VERSION (schemas/plan.py) or LABEL_SCHEMA_VERSION (schemas/labels.py), then run "
    "`.venv/bin/python tests/schema_snapshot.py` to record the new version's shape"
)


def test_each_schema_has_the_shape_recorded_for_its_version() -> None:
    snapshot = recorded()
    for kind, versions in current().items():
        for version, shape in versions.items():
            assert version in snapshot[kind], f"the {kind} schema version {version} is not recorded yet: {HOW}"
            assert shape == snapshot[kind][version], (
                f"the {kind} schema changed but its version is still {version}: {HOW}"
            )


def test_a_plan_of_another_schema_version_is_refused_clearly(cli, tiny_config_path, tmp_path) -> None:
    plan, old = tmp_path / "plan.parquet", tmp_path / "old.parquet"
    assert cli("plan", tiny_config_path, "-o", plan)[0] == 0
    table = pq.read_table(plan)
    meta = {**table.schema.metadata, META_SCHEMA_VERSION.encode(): b"1"}
    pq.write_table(table.replace_schema_metadata(meta), old)
    code, _, err = cli("render", old, "-o", tmp_path / "out")
    assert code == 2
    assert "plan schema version 1 (written by synthocr " in err and f"reads version {PLAN_SCHEMA_VERSION}" in err
    assert "synthocr plan CONFIG" in err and "Traceback" not in err
    assert "an earlier build of this version" in err and "or render it with" not in err  # written by this version
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("image_*"))
    assert cli("render", plan, "-o", tmp_path / "out", "--quiet")[0] == 0  # the current version renders
