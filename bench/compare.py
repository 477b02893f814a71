"""Two renderers on the same rows, in one run: CPU time per image (render_row + PNG) and their ratio.

Each renderer runs in a child process that imports synthocr from the given source folder
(`git worktree add /tmp/old <commit>` gives an older one), plans the config there, and renders
the blocks of rows it is sent; the parent alternates the order of the two in every block, so
the machine's load hits both alike. The first block only warms the caches up. Usage:

    python bench/compare.py OLD_SRC NEW_SRC [--rows 1600] [--block 100] [--effects on|off]
                            [--old-config configs/default.yaml] [--new-config configs/default.yaml]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child(src: str, config: str, rows: int, effects_off: bool) -> None:
    """Plan `config` with `rows` rows using the synthocr in `src`, then render the blocks asked for on stdin."""
    sys.path.insert(0, src)
    import yaml

    from synthocr.planner.plan import plan_batch
    from synthocr.renderer.assets import RenderAssets
    from synthocr.renderer.compose import render_row
    from synthocr.renderer.io import encode_image
    from synthocr.schemas import params
    from synthocr.schemas.plan import asset_roots, plan_metadata

    try:  # where the config loader lives moved; the child imports whichever version it is given
        from synthocr.config import config_from_dict
    except ImportError:
        from synthocr.planner.validation import config_from_dict  # type: ignore[no-redef]
    effects = [e.name for e in getattr(params, "EFFECTS", None) or params.EFFECT_PARAMS]

    cfg = yaml.safe_load(Path(config).read_text(encoding="utf-8"))
    cfg["total_images"] = rows
    if effects_off:
        for spec in cfg["specifications"]:
            for name in effects:
                for key in [k for k in spec if k.startswith(name + "_")]:
                    del spec[key]
                spec[name + "_probability"] = 0.0
    plan = plan_batch(config_from_dict(cfg))
    all_rows = plan.to_pylist()
    assets = RenderAssets(asset_roots(plan_metadata(plan)))
    print("ready", flush=True)
    for line in sys.stdin:
        start, stop = map(int, line.split())
        began = time.process_time()
        for row in all_rows[start:stop]:
            image, _ = render_row(row, assets)
            encode_image(image, "png")
        print(json.dumps((time.process_time() - began) / (stop - start)), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old_src", nargs="?", help="folder holding the old `synthocr` package (a worktree's src)")
    parser.add_argument("new_src", nargs="?", help="folder holding the new one")
    parser.add_argument("--rows", type=int, default=1600)
    parser.add_argument("--block", type=int, default=100)
    parser.add_argument("--effects", choices=("on", "off"), default="on")
    parser.add_argument("--old-config", default=str(REPO / "configs" / "default.yaml"))
    parser.add_argument("--new-config", default=str(REPO / "configs" / "default.yaml"))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # SRC CONFIG: run as a child
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.rows, args.effects == "off")
        return 0
    if not (args.old_src and args.new_src):
        parser.error("give the old and the new source folder")
    kids = {}
    for name, src, config in (("old", args.old_src, args.old_config), ("new", args.new_src, args.new_config)):
        cmd = [sys.executable, __file__, "--rows", str(args.rows), "--effects", args.effects]
        kids[name] = subprocess.Popen(
            [*cmd, "--child", src, config], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert kids[name].stdout is not None and kids[name].stdout.readline().strip() == "ready", name
    times: dict[str, list[float]] = {name: [] for name in kids}
    for i, start in enumerate(range(0, args.rows, args.block)):
        for name in ("old", "new") if i % 2 == 0 else ("new", "old"):
            proc = kids[name]
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(f"{start} {min(start + args.block, args.rows)}\n")
            proc.stdin.flush()
            times[name].append(json.loads(proc.stdout.readline()))
    for proc in kids.values():
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()
    old, new = times["old"][1:], times["new"][1:]  # the first block warmed the caches up
    print(f"effects {args.effects}, {len(old) * args.block} rows after a warm-up block of {args.block}")
    print(f"old {1e3 * sum(old) / len(old):.3f} ms/image, new {1e3 * sum(new) / len(new):.3f} ms/image (CPU)")
    print(
        f"new/old {sum(new) / sum(old):.3f} (total), {statistics.median(b / a for a, b in zip(old, new)):.3f} "
        "(median of the blocks)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
