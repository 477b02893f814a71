"""Benchmark child process: plan one config size into a file and report time and peak memory as JSON.

Run in a fresh interpreter per plan size, so that the peak resident set size
(ru_maxrss) belongs to that plan alone. Usage: plan_child.py CONFIG ROWS PLAN_PATH
"""

from __future__ import annotations

import json
import resource
import sys
import time


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main(config_path: str, rows: int, plan_path: str) -> None:
    from synthocr.config import load_config
    from synthocr.planner.plan import write_plan

    config = load_config(config_path, [f"total_images={rows}"])
    baseline = _maxrss_mib()  # interpreter, libraries and the config: not the plan's doing
    started = time.perf_counter()
    written = write_plan(config, plan_path)
    seconds = time.perf_counter() - started
    json.dump(
        {"rows": written, "seconds": seconds, "baseline_rss_mib": baseline, "peak_rss_mib": _maxrss_mib()},
        sys.stdout,
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
