"""The shapes of the plan schema and the label JSON, and the checked-in record of them per version.

tests/schema_snapshots.json keeps, for each PLAN_SCHEMA_VERSION and LABEL_SCHEMA_VERSION, the
shape that version has (plan: column names, Arrow types, nullability; label: the JSON keys and
value types). tests/test_schema_versions.py fails when the current shape differs from the one
recorded for the current version. After a deliberate change: bump the version
(schemas/plan.py PLAN_SCHEMA_VERSION or schemas/labels.py LABEL_SCHEMA_VERSION), then record it:

    .venv/bin/python tests/schema_snapshot.py

which adds the new version and refuses to change the shape recorded for an existing one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SNAPSHOT = Path(__file__).with_name("schema_snapshots.json")


def plan_shape() -> list[str]:
    """ "name: Arrow type" of every plan column in order, with "not null" where it may not be null."""
    from synthocr.schemas.plan import PLAN_SCHEMA

    return [f"{f.name}: {f.type}{'' if f.nullable else ' not null'}" for f in PLAN_SCHEMA]


def json_shape(value: Any) -> Any:
    """The JSON type of `value`, keys kept for objects and the first item's shape for arrays."""
    if isinstance(value, dict):
        return {k: json_shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_shape(value[0])] if value else []
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "null"


def label_shape() -> dict[str, Any]:
    """The shape of a rendered label's JSON; `params` (the plan row) is covered by the plan's shape."""
    import yaml

    from helpers import TINY
    from synthocr.config import config_from_dict
    from synthocr.planner.plan import plan_batch
    from synthocr.renderer.assets import RenderAssets
    from synthocr.renderer.compose import render_row
    from synthocr.schemas.plan import asset_roots, plan_metadata

    table = plan_batch(config_from_dict(yaml.safe_load(yaml.safe_dump({**TINY, "total_images": 1}))))
    _, label = render_row(table.to_pylist()[0], RenderAssets(asset_roots(plan_metadata(table))))
    shape = json_shape(json.loads(label.to_json()))
    shape["params"] = "object: the plan row"
    return shape


def current() -> dict[str, dict[str, Any]]:
    """{"plan": {version: shape}, "label": {version: shape}} for the code as it is."""
    from synthocr.schemas.labels import LABEL_SCHEMA_VERSION
    from synthocr.schemas.plan import PLAN_SCHEMA_VERSION

    return {"plan": {PLAN_SCHEMA_VERSION: plan_shape()}, "label": {str(LABEL_SCHEMA_VERSION): label_shape()}}


def recorded() -> dict[str, dict[str, Any]]:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def main() -> int:
    """Record the current shapes under their versions; refuse to change a version already recorded."""
    snapshot = recorded() if SNAPSHOT.exists() else {"plan": {}, "label": {}}
    for kind, versions in current().items():
        for version, shape in versions.items():
            old = snapshot[kind].get(version)
            if old is not None and old != shape:
                print(
                    f"the {kind} schema changed but its version is still {version}: bump it first "
                    "(PLAN_SCHEMA_VERSION in schemas/plan.py, LABEL_SCHEMA_VERSION in schemas/labels.py)",
                    file=sys.stderr,
                )
                return 1
            snapshot[kind][version] = shape
    SNAPSHOT.write_text(json.dumps(snapshot, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
