"""Analyse a plan in pandas, then render exactly the rows picked: the docs/selection.md walkthrough, run by tests/test_walkthrough.py.

Run it from the repository root: `python docs/walkthrough.py [WORKDIR]` (default build/walkthrough).
The part from the `walkthrough` marker on is shown verbatim in docs/selection.md.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # write image files; open no window


def synthocr(*args: object) -> None:
    """Run the synthocr command line (with this Python), stopping on failure."""
    subprocess.run([sys.executable, "-m", "synthocr", *map(str, args)], check=True)


work = Path(sys.argv[1] if len(sys.argv) > 1 else "build/walkthrough")
work.mkdir(parents=True, exist_ok=True)

# --- walkthrough ---
import json

import matplotlib.pyplot as plt
import pandas as pd

plan, out = work / "plan.parquet", work / "out"
synthocr("plan", "configs/default.yaml", "total_images=30", "-o", plan)

# 1. Open the plan: one row per image, one column per parameter.
df = pd.read_parquet(plan)
print(df.spec.value_counts())
print(df.groupby("spec", observed=True).rotation_angle.describe())

# 2. Plot a distribution: font size, one colour per specification.
fig, ax = plt.subplots()
for name, group in df.groupby("spec", observed=True):
    ax.hist(group.font_size, bins=range(18, 46), alpha=0.6, label=name)
ax.set_xlabel("font_size (pixels)")
ax.legend()
fig.savefig(work / "font_size.png")

# 3. Pick rows with a query.
query = "spec == 'latin' and rotation_angle > 0"
picked = df.query(query)
print(picked[["image_id", "text", "font", "rotation_angle"]])

# 4. Render exactly those rows: the same query on the command line ...
synthocr("render", plan, "-o", out, "--where", query, "--workers", "1", "--quiet")
# ... or row numbers (in a plan written by `synthocr plan`, the row number is the image_id).
arabic = df.query("spec == 'arabic'").image_id.head(2).tolist()
synthocr("render", plan, "-o", out, "--rows", ",".join(map(str, arabic)), "--workers", "1", "--quiet")

# 5. Exactly the picked images exist: the labels' image_id, read back from disk.
rendered = sorted(json.loads(p.read_text())["image_id"] for p in out.glob("*/*.json"))
assert rendered == sorted([*picked.image_id, *arabic]), "not the picked rows"
print(f"rendered {len(rendered)} of {len(df)} rows: exactly the ones picked")
