"""The seed system's `*Manager` names for the planner's classes, with the seed's extra methods."""

from __future__ import annotations

from synthocr.planner.allocation import Allocation
from synthocr.planner.backgrounds import BackgroundPool
from synthocr.planner.corpus import CorpusIndex
from synthocr.planner.fonts import FontCoverage
from synthocr.schemas.config import BatchSpecification

BackgroundImageManager = BackgroundPool
CorpusManager = CorpusIndex
FontHealthManager = FontCoverage


class BatchManager(Allocation):
    """The allocation of a batch, by the seed's name: `_allocate_images()` and `task_list()` as it had them."""

    def _allocate_images(self, total: int | None = None) -> dict[str, int]:
        """Images per specification name: largest-remainder shares of `total` (default total_images)."""
        return self.shares(total)

    def task_list(self, total: int | None = None) -> list[BatchSpecification]:
        """The specification of every image, in plan order (see task_indices for the array form)."""
        specs = self.config.specifications
        return [specs[i] for i in self.task_indices(total).tolist()]


__all__ = ["BackgroundImageManager", "BatchManager", "CorpusManager", "FontHealthManager"]
