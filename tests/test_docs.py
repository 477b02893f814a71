"""The docs cannot drift from the code: generated reference parts match it, and the README stays a short front door."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

from synthocr.schemas.labels import LABEL_SCHEMA_VERSION
from synthocr.schemas.plan import PLAN_SCHEMA_VERSION
from synthocr.schemas.reference import field_doc_problems

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def generator() -> ModuleType:
    """docs/generate.py, the script `make docs` runs to write the generated parts of the pages."""
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_parts_match_the_code() -> None:
    stale = generator().stale_pages(write=False)
    assert not stale, (
        f"generated parts of {', '.join(f'docs/{p.name}' for p in stale)} differ from the code: "
        "run `.venv/bin/python docs/generate.py` and commit the pages"
    )


def test_every_generated_part_is_on_a_page() -> None:
    used = set()
    for page in DOCS.glob("*.md"):
        used |= set(re.findall(r"^<!-- BEGIN generated: ([\w-]+)", page.read_text(encoding="utf-8"), re.M))
    missing = sorted(set(generator().parts()) - used)
    assert not missing, (
        f"no docs page shows {missing}: give each a section with `<!-- BEGIN generated: NAME -->` and "
        "`<!-- END generated: NAME -->` lines (a new subcommand gets a `## NAME` section in docs/cli.md)"
    )


def test_every_config_field_is_documented() -> None:
    assert field_doc_problems() == []


def test_readme_stays_short() -> None:
    size = len((ROOT / "README.md").read_bytes())
    assert size <= 12 * 1024, f"README.md is {size} bytes; keep it under 12 KB and move details into docs/ pages"


def test_schema_versions_on_the_pages_are_the_code_s() -> None:
    plan_page = (DOCS / "plan.md").read_text(encoding="utf-8")
    assert f"| `plan_schema_version` | `{PLAN_SCHEMA_VERSION}` (" in plan_page, (
        f"docs/plan.md: give `plan_schema_version` as `{PLAN_SCHEMA_VERSION}`, and say what the new version changed"
    )
    labels_page = (DOCS / "labels.md").read_text(encoding="utf-8")
    assert f"| `label_schema_version` | `{LABEL_SCHEMA_VERSION}` (" in labels_page, (
        f"docs/labels.md: give `label_schema_version` as `{LABEL_SCHEMA_VERSION}` and what changed"
    )
