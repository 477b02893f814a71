"""Label texts as a recognizer can learn them: without the format characters nothing in the image shows.

A corpus of web text carries them (Hebrew and Arabic pages put right-to-left marks around numbers and
punctuation, editors put zero-width spaces and soft hyphens in long words). HarfBuzz draws nothing for them and
the label keeps them, as the text was given; written into a training format they are characters a
recognizer must learn to output from no ink, and a charset entry PaddleOCR's dictionary, a CTC head or a
tokenizer has to hold. The joiners (ZWJ, ZWNJ) and the variation selectors stay: they change how the letters
beside them are drawn (Persian's half-space, an emoji's presentation).
"""

from __future__ import annotations

import dataclasses
import re

from synthocr.schemas.labels import Label, Regions

# The bidi marks (LRM, RLM, ALM), embeddings and overrides (LRE..RLO), isolates (LRI..PDI), the zero-width
# space, the word joiner and invisible operators, the byte-order mark (ZWNBSP) and the soft hyphen, which a line
# draws only where it breaks.
INVISIBLE = re.compile("[\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def visible(text: str) -> str:
    """The text without INVISIBLE's characters."""
    return INVISIBLE.sub("", text)


def visible_label(label: Label) -> Label:
    """The label with INVISIBLE's characters left out of its text and its regions' texts (the regions' outlines
    as they are: the characters sit inside the clusters beside them, and have no region of their own)."""
    if INVISIBLE.search(label.text) is None:
        return label
    r = label.regions
    texts = [visible(t) for t in r.texts]
    regions = Regions(texts, r.n_chars, r.n_words, r.points, r.bboxes, r.baseline, r.word_sizes)
    return dataclasses.replace(label, text=visible(label.text), regions=regions)
