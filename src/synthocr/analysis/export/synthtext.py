"""Export in SynthText's layout: the images and one `gt.mat` of character and word boxes, as CRAFT's trainers
(EasyOCR's `trainer/craft`, CRAFT-Reimplementation and their kin) read SynthText for character-level
detection.

Those loaders take `gt["imnames"][0][i][0]` (the image's path in the data dir), `gt["charBB"][0][i]`
(2 x 4 x n: the x and y of four corners, clockwise from the top-left, of each character),
`gt["wordBB"][0][i]` (2 x 4 x m, the same for each word) and `gt["txt"][0][i]` (the image's texts), split
each text at spaces and line breaks into words, and give each word as many character boxes as it has
characters in Python's count, one per code point. A label's character is a grapheme cluster, so a cluster
of several code points (a letter and its mark, a conjunct, a joined letter with a vowel sign) gives its box
once per code point; the texts are the words as drawn (whitespace made one space, and characters with no
box of their own, such as a bidi mark between spaces, left out), so that the counts always agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from synthocr.analysis.export.regions import quad
from synthocr.analysis.export.samples import samples
from synthocr.analysis.export.xml_layout import words_with_chars
from synthocr.analysis.outputs import Output
from synthocr.errors import UserError
from synthocr.extras import require

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

GT = "gt.mat"


def export(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """Copy each image to `dest/<output name>.<ext>` and write `dest/gt.mat` (MATLAB 5, as SynthText's)."""
    savemat = require("scipy.io", "export --to synthtext").savemat
    names: list[str] = []
    char_boxes: list[np.ndarray] = []
    word_boxes: list[np.ndarray] = []
    texts: list[str] = []
    written: list[Path] = []
    for output, label in samples(outputs, options):
        words, chars, boxes = [], [], []
        for word, word_chars in words_with_chars(label):
            if not word_chars:
                continue  # nothing of it is drawn with a box of its own
            words.append("".join(c.text for c in word_chars))
            boxes.append(quad(word.polygon))
            for char in word_chars:
                chars += [char.polygon] * len(char.text)
        if not words:  # as the XML formats refuse it: no line of a text file of boxes can be empty
            raise UserError(
                f"label {output.label_path}: no character of the text {label.text!r} has a box of its own, and "
                "SynthText's loaders need one per image; leave it out with --where, or re-plan."
            )
        target = dest / output.image_rel
        output.copy_image(target)
        written.append(target)
        names.append(output.image_rel)
        char_boxes.append(_corners(chars))
        word_boxes.append(_corners(boxes))
        texts.append(" ".join(words))
    gt = dest / GT
    savemat(
        str(gt),
        {
            "imnames": _cells([np.array([n]) for n in names]),
            "charBB": _cells(char_boxes),
            "wordBB": _cells(word_boxes),
            "txt": _cells([np.array([t]) for t in texts]),
        },
        do_compression=True,
    )
    return [gt, *written]


def _corners(polygons: list) -> np.ndarray:
    """2 x 4 x n: the x (row 0) and y (row 1) of the four corners of each of n quadrilaterals."""
    return np.asarray(polygons, np.float64).reshape(-1, 4, 2).transpose(2, 1, 0)


def _cells(items: list[np.ndarray]) -> np.ndarray:
    """A 1 x n cell array, as MATLAB stores a list of arrays of different shapes."""
    cells = np.empty((1, len(items)), dtype=object)
    for i, item in enumerate(items):
        cells[0, i] = item
    return cells
