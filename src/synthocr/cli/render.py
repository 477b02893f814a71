"""`synthocr render`: render a plan's missing images and labels."""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import TYPE_CHECKING

from synthocr.cli.parsing import EXIT_CODES, add_command

if TYPE_CHECKING:
    from synthocr.renderer.job import RenderSummary

WORKERS_HELP = "worker processes (-1 = all cores, 1 = in this process)"  # the same words wherever --workers is


def register(sub: argparse._SubParsersAction) -> None:
    r = add_command(
        sub,
        "render",
        summary="render a plan's missing images and labels (resumable: run it again to finish)",
        examples=(
            "synthocr render build/plan.parquet -o build/out --workers 4",
            "synthocr render build/plan.parquet -o build/out --where \"spec == 'arabic'\" --force",
        ),
        exit_codes=(*EXIT_CODES, (1, "some rows failed (listed; the rest were rendered): run again to retry them")),
    )
    r.add_argument("plan", help="Parquet plan from `synthocr plan` (local path or fsspec URL)")
    r.add_argument(
        "-o",
        "--output",
        default="build/out",
        help="output dir: local path or fsspec URL such as s3://bucket/out",
    )
    r.add_argument(
        "--workers",
        type=int,
        default=-1,
        metavar="N",
        help=f"{WORKERS_HELP}; with local-dask, the cluster's workers",
    )
    r.add_argument("--chunk-size", type=int, default=64, metavar="N", help="rows per worker task")
    r.add_argument("--format", choices=("png", "jpg", "webp"), default="png", help="image format")
    r.add_argument(
        "--layout",
        choices=("files", "webdataset", "parquet"),
        default="files",
        help="files: an image and a label JSON per row; webdataset: tar shards of --shard-size rows "
        "(<key>.png/.json/.txt); parquet: Parquet shards (image bytes and label columns, read by HF datasets)",
    )
    r.add_argument(
        "--shard-size",
        type=int,
        default=1000,
        metavar="N",
        help="plan rows per shard with --layout webdataset|parquet",
    )
    r.add_argument(
        "--png-compress-level",
        type=int,
        default=1,
        metavar="N",
        help="zlib level for PNG, 0 (fastest, largest) to 9 (smallest); same pixels",
    )
    r.add_argument(
        "--backend",
        choices=("local", "dask", "local-dask"),
        default="local",
        help="local: worker processes started here; dask: the cluster at --scheduler; "
        "local-dask: start a Dask LocalCluster here",
    )
    r.add_argument("--scheduler", help="Dask scheduler address for --backend dask, e.g. tcp://10.0.0.5:8786")
    r.add_argument(
        "--allow-mismatch", action="store_true", help="render into an output dir that belongs to another plan (warns)"
    )
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument("--rows", help="only these plan rows (positions), e.g. 10,20-30")
    r.add_argument(
        "--ids",
        metavar="FILE",
        help="only the rows whose image_id FILE lists: a text file (one id per line), or a CSV or Parquet "
        "file with an image_id column (local path or URL)",
    )
    r.add_argument(
        "--where",
        help="only rows matching a pandas query over plan columns (plain or `quoted` in backticks), "
        "e.g. \"spec == 'latin'\"",
    )
    r.add_argument(
        "--metadata-from",
        metavar="PLAN",
        help="for a plan subset written by pandas (no synthocr metadata): the plan its rows were selected from "
        "(default: the plan the output dir's checkpoint records)",
    )
    r.add_argument("--force", action="store_true", help="re-render selected rows even if their outputs exist")
    r.add_argument("--dry-run", action="store_true", help="print how many rows would be rendered, render nothing")
    r.add_argument(
        "--verify",
        action="store_true",
        help="check every finished output by a full decode and the SHA-256 its label records "
        "(not only its header); render again whatever fails",
    )
    r.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from synthocr.renderer.job import RenderJob
    from synthocr.renderer.run import render

    job = RenderJob(
        args.plan,
        args.output,
        workers=args.workers,
        chunk_size=args.chunk_size,
        fmt=args.format,
        png_compress_level=args.png_compress_level,
        allow_mismatch=args.allow_mismatch,
        progress=not args.quiet,
        rows=args.rows,
        where=args.where,
        ids=args.ids,
        metadata_from=args.metadata_from,
        force=args.force,
        dry_run=args.dry_run,
        verify=args.verify,
        backend=args.backend,
        scheduler=args.scheduler,
        layout=args.layout,
        shard_size=args.shard_size,
    )
    try:
        summary = render(job)
    except KeyboardInterrupt:
        print(
            "interrupted: finished outputs are kept, unfinished ones discarded. To resume, run the same "
            f"command again: synthocr render {shlex.quote(args.plan)} -o {shlex.quote(args.output)} [same options]",
            file=sys.stderr,
        )
        return 130
    if args.dry_run:
        print(
            f"would render {summary.pending} of {summary.total} rows into {args.output} "
            f"({summary.skipped} finished or not selected; {summary.damaged} present but damaged)"
        )
        return 0
    return print_summary(summary, args.output)


def print_summary(summary: RenderSummary, output: str) -> int:
    """Print a run's summary; the exit status is 1 when rows failed (they are listed), else 0."""
    if summary.damaged:
        print(
            f"{summary.damaged} outputs were present but not finished (damaged, or of another row): "
            "rendered again (details in the log)",
            file=sys.stderr,
        )
    print(
        f"rendered {summary.rendered}, skipped {summary.skipped} (finished or not selected), "
        f"failed {len(summary.failed)}; success rate {100 * summary.success_rate:.1f}%; "
        f"{summary.images_per_second:.1f} images/s in {summary.seconds:.1f} s -> {output}"
    )
    if summary.failed:
        ids = ", ".join(str(r["image_id"]) for r in summary.failed[:20])
        more = " ..." if len(summary.failed) > 20 else ""
        print(f"failed rows: {ids}{more} (details in {output}/_render_state.jsonl)", file=sys.stderr)
        return 1
    return 0
