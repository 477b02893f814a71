"""Character error rate: the edit distance between a label's text and what an OCR engine read.

Used by the fidelity report (bench/fidelity.py: tesseract on our renders against a whole-string
control) and the realism report (bench/realism.py: tesseract on preset renders).
"""

from __future__ import annotations


def levenshtein(a: str, b: str) -> int:
    """Edit distance between two strings: the fewest insertions, deletions and substitutions of code
    points that turn one into the other (symmetric; 0 only for equal strings)."""
    if len(a) < len(b):
        a, b = b, a  # the shorter string indexes the row, which keeps memory at len(b) + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def cer(truth: str, read: str) -> float:
    """Edit distance of what was read from the truth, per character of the truth (an empty truth counts
    as one character, so reading nothing where nothing was written is 0 and anything else is > 0)."""
    return levenshtein(truth, read) / max(len(truth), 1)
