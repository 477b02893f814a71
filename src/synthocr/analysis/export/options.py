"""The settings an exporter may read, in a module of their own so the exporters need not import the package."""

from __future__ import annotations

from dataclasses import dataclass, field

LEVELS = ("char", "word", "line")  # the regions a detection format writes one polygon for


@dataclass(frozen=True)
class ExportOptions:
    """What to export and how.

    `split` is one split name (every selected sample goes there) or fractions such as
    "train=0.9,val=0.05,test=0.05" (analysis.export.splits). `where` is a pandas query over plan and
    label columns, `max_length` the most characters a text may have (None: no limit), `level` the
    regions detection formats write (word or line), `shard_size` the samples per tar (webdataset), `rotate_vertical`
    whether recognition formats get vertical lines turned 90 degrees counter-clockwise (analysis.export.orientation),
    `keep_invisible` whether texts keep the bidi marks, zero-width spaces and the like that no ink shows.
    """

    split: str = "train"
    shard_size: int = 1000
    where: str | None = None
    max_length: int | None = None
    level: str = "word"
    rotate_vertical: bool = False  # recognition formats: vertical lines turned to read left to right
    keep_invisible: bool = False  # label texts with the format characters no ink shows (analysis.export.invisible)
    # Filled in as the export reads: the image paths of outputs left out as damaged (analysis.export.samples).
    # Shared by the copies each split's exporter gets (dataclasses.replace keeps the same list).
    damaged: list[str] = field(default_factory=list, compare=False)
