"""The settings an exporter may read, in a module of their own so the exporters need not import the package."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportOptions:
    """Settings some formats use: the split name (hf-imagefolder) and samples per tar (webdataset)."""

    split: str = "train"
    shard_size: int = 1000
