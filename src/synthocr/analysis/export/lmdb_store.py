"""Export as an LMDB database in the layout of common text recognition benchmarks (image-/label- keys, num-samples)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from synthocr.analysis.export.samples import samples
from synthocr.analysis.outputs import Output
from synthocr.extras import require

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

BATCH = 1000  # samples per write transaction
PAGE = 4096


def image_key(n: int) -> bytes:
    """Key of the n-th image (1-based), as the benchmark readers build it."""
    return b"image-%09d" % n


def label_key(n: int) -> bytes:
    """Key of the n-th label (1-based)."""
    return b"label-%09d" % n


NUM_SAMPLES = b"num-samples"


def export(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """Write `dest/data.mdb`: `image-%09d` -> encoded image bytes, `label-%09d` -> UTF-8 text, from 1, and `num-samples`.

    This is the layout of create_lmdb_dataset.py in the deep-text-recognition-benchmark, read by
    its LmdbDataset and by the many recognisers derived from it.
    """
    lmdb = require("lmdb", "--to lmdb")
    # The map size must be fixed up front: the data, a page of slack per record, and headroom.
    size = sum(o.image_size() + o.label_size() for o in outputs)
    env = lmdb.open(str(dest), map_size=2 * size + 4 * PAGE * len(outputs) + (64 << 20), subdir=True)
    try:
        txn = env.begin(write=True)
        n = 0
        for n, (output, label) in enumerate(samples(outputs, options), start=1):
            txn.put(image_key(n), output.image_bytes())
            txn.put(label_key(n), label.text.encode("utf-8"))
            if n % BATCH == 0:
                txn.commit()
                txn = env.begin(write=True)
        txn.put(NUM_SAMPLES, str(n).encode())
        txn.commit()
    finally:
        env.close()
    return [dest / "data.mdb", dest / "lock.mdb"]
