"""The import graph of src/synthocr, read with ast: no circles, and the core never imports the compat package."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import synthocr

SRC = Path(synthocr.__file__).resolve().parent
COMPAT = "synthocr.compat"


def module_names() -> dict[str, Path]:
    """Dotted name -> file of every module of the package (a package is its __init__.py)."""
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The synthocr modules `name` imports anywhere in its file (module level, in functions, for type checks)."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # `import a.b.c` of a name inside a module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


@functools.cache
def import_graph() -> dict[str, set[str]]:
    modules = module_names()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_graph_sees_module_level_function_level_and_from_package_imports() -> None:
    graph = import_graph()
    assert "synthocr.schemas.config" in graph["synthocr.config.load"]  # module level
    assert "synthocr.config" in graph["synthocr.cli.plan"]  # inside the command's function
    assert "synthocr.cli.render" in graph["synthocr.cli"]  # `from synthocr.cli import render`
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circle() -> None:
    found = circles(import_graph())
    assert not found, f"import circles in src/synthocr (break each one): {found}"


def test_core_never_imports_compat() -> None:
    """Only the command table (synthocr.cli) may import compat, to offer the seed's `synthocr generate`."""
    allowed = {"synthocr.cli"}
    bad = {
        name: sorted(t for t in targets if t == COMPAT or t.startswith(COMPAT + "."))
        for name, targets in import_graph().items()
        if not (name == COMPAT or name.startswith(COMPAT + ".")) and name not in allowed
    }
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"core modules import the seed-compatible API (synthocr.compat): {bad}"
    assert any(t.startswith(COMPAT) for t in import_graph()["synthocr.cli"])  # the check sees that import


def test_no_test_module_imports_another() -> None:
    """Shared code lives in conftest.py (fixtures) and helper modules, never in a test module another imports."""
    tests = Path(__file__).resolve().parent
    bad = {}
    for path in sorted(tests.rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        wrong = sorted(n for n in names if n.startswith("test_") or n == "conftest")
        if wrong:
            bad[path.relative_to(tests).as_posix()] = wrong
    assert not bad, f"test files import test modules or conftest (move the shared code into a helper): {bad}"


def test_the_render_path_does_not_import_the_planner_or_config_loading():
    """What `synthocr render` imports before its first row is serial time for every worker count: the
    planner (its plan and request modules, with YAML), OmegaConf and joblib are not needed to render a plan."""
    import subprocess
    import sys

    heavy = ("synthocr.planner.plan", "synthocr.planner.requests", "yaml", "omegaconf", "joblib")
    code = (
        "import sys, synthocr.cli, synthocr.renderer.run, synthocr.cli.render\n"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"the render path imports {out}"


BLOCK_HEAVY = """
import importlib.abc, os, sys
log = sys.argv.pop(1)
class NotHere(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name in ("pandas", "fsspec"):
            with open(log, "a") as f:
                f.write(name + ":" + str(os.getpid()) + "\\n")
            raise ImportError(name + " is not for the render path")
sys.meta_path.insert(0, NotHere())
from synthocr.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_new_local_render_never_imports_pandas_or_fsspec(tmp_path, tiny_config_path, cli):
    """pyarrow imports pandas (about 0.2 s of CPU) on its first numpy or Python value conversion, and
    fsspec takes about 50 ms to import: done in the render process, that is serial time before the
    workers start; in each worker, time per worker. A render into a new local output dir, with 2
    workers, in each layout, asks for neither (fsspec is for URLs: s3://, memory://)."""
    import subprocess
    import sys

    plan = tmp_path / "plan.parquet"
    assert cli("plan", tiny_config_path, "-o", plan)[0] == 0
    for layout in ("files", "webdataset"):
        log, out = tmp_path / f"{layout}.log", tmp_path / layout
        cmd = [sys.executable, "-c", BLOCK_HEAVY, str(log), "render", str(plan), "-o", str(out)]
        done = subprocess.run([*cmd, "--workers", "2", "--layout", layout], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert not log.exists(), f"{layout}: processes asked for {log.read_text().split()} (name:pid)"
        assert list(out.rglob("*.json" if layout == "files" else "*.tar")), f"{layout}: nothing was written"


def test_inspect_never_imports_pandas(tmp_path, tiny_config_path, cli):
    """`inspect` reads a row group at a time through numpy: pandas would add about 40 MiB and 0.2 s before
    the first group (a subset written by pandas has no nulls to need it either)."""
    import subprocess
    import sys

    plan = tmp_path / "plan.parquet"
    assert cli("plan", tiny_config_path, "-o", plan)[0] == 0
    log = tmp_path / "inspect.log"
    for args in ([], ["--json"], ["--charset"]):
        done = subprocess.run(
            [sys.executable, "-c", BLOCK_HEAVY, str(log), "inspect", str(plan), *args], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert not log.exists(), f"inspect {args}: asked for {log.read_text().split()} (name:pid)"
        assert done.stdout.strip()
