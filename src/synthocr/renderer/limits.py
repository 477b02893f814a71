"""Bounds a plan row must keep before it is drawn: valid text of bounded length, an image of bounded size.

A row past them fails alone with a message (the run goes on), so that no row can take a worker's
memory or hours of its time, whatever a plan edited by hand or by another tool holds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from synthocr.errors import describe_char
from synthocr.schemas.config import DEFAULT_MAX_IMAGE_PIXELS
from synthocr.schemas.plan import META_CONFIG
from synthocr.schemas.text_rules import NOT_ONE_LINE

__all__ = [
    "DEFAULT_MAX_IMAGE_PIXELS",
    "MAX_TEXT_CHARS",
    "RowLimitError",
    "check_image_size",
    "check_text",
    "max_pixels_of",
]

MAX_TEXT_CHARS = 1000  # the config's max_text_length allows no more (config.rules.MAX_TEXT_LENGTH)


class RowLimitError(ValueError):
    """A plan row past a bound: its rendering fails with this message, the others go on."""


def max_pixels_of(meta: Mapping[str, str]) -> int:
    """The max_image_pixels of the config a plan was made from (its metadata); the default for older plans."""
    try:
        value = json.loads(meta.get(META_CONFIG, "{}")).get("max_image_pixels", DEFAULT_MAX_IMAGE_PIXELS)
    except (ValueError, AttributeError):
        return DEFAULT_MAX_IMAGE_PIXELS
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_MAX_IMAGE_PIXELS


def check_text(text: str) -> None:
    """The text is valid Unicode (no lone surrogates: bytes that were not UTF-8), at most MAX_TEXT_CHARS long,
    and one line (schemas.text_rules): a plan edited by hand can hold what the planner never writes.

    Raises:
        RowLimitError: saying which and where.
    """
    if len(text) > MAX_TEXT_CHARS:
        raise RowLimitError(
            f"text is {len(text)} characters long; a row holds at most {MAX_TEXT_CHARS} (split it into lines)"
        )
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise RowLimitError(
                f"text is not valid UTF-8 (a byte that is no character, or a lone surrogate, at character "
                f"{exc.start}): {text[: exc.start]!r}...; fix the text in the plan"
            ) from None
    brk = NOT_ONE_LINE.search(text)
    if brk:
        raise RowLimitError(
            f"text {text!r} has {describe_char(brk.group())}, a line break or a space drawn with ink, and an "
            "image holds one line; put a plain space there in the plan"
        )


def check_image_size(width: int, height: int, max_pixels: int) -> None:
    """The image to draw has at most `max_pixels` pixels (the config's max_image_pixels).

    Raises:
        RowLimitError: naming the size, the limit and what makes images large.
    """
    if width * height > max_pixels:
        raise RowLimitError(
            f"the image would be {width} x {height} = {width * height:,} pixels, over max_image_pixels "
            f"({max_pixels:,}); lower font_size, padding or the text length, or raise max_image_pixels in the config"
        )
