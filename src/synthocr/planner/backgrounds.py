"""The background pool: image files that open cleanly, and the kind chosen per row."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from synthocr.schemas.params import BACKGROUND_KINDS

log = logging.getLogger(__name__)


def check_background(path: Path) -> str:
    """Why an image file cannot serve as a background ("" if it can)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                im.verify()
            with Image.open(path) as im:
                if im.width < 1 or im.height < 1:
                    return "it has no pixels"
    except Exception as exc:  # any decoding failure excludes the file; the reason is reported
        return f"cannot be decoded ({type(exc).__name__}: {exc})"
    return ""


class BackgroundImageManager:
    """Background image files under one root, corrupt ones reported and left out."""

    def __init__(self, root: Path | None, paths: list[Path]) -> None:
        self.root = root
        self.files: list[str] = []
        for p in paths:
            reason = check_background(p)
            if reason:
                log.warning("background %s left out: %s", p, reason)
            else:
                assert root is not None
                self.files.append(p.relative_to(root).as_posix())


def kind_weights(weights: dict[str, float], have_images: bool) -> NDArray[np.float64]:
    """Normalised weight per kind in BACKGROUND_KINDS order; "image" counts only with images."""
    w = np.array([float(weights.get(k, 0.0)) for k in BACKGROUND_KINDS])
    if not have_images:
        w[BACKGROUND_KINDS.index("image")] = 0.0
    if w.sum() <= 0:  # only "image" was asked for but there are none: fall back to paper
        w[BACKGROUND_KINDS.index("paper")] = 1.0
    return w / w.sum()
