"""Edit distance and CER (analysis/cer.py): hand-checked distances, the textbook recursion as a reference
on random strings, and the metric's laws."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from synthocr.analysis.cer import cer, levenshtein


@pytest.mark.parametrize(
    "a,b,distance",
    [
        ("", "", 0),
        ("", "abc", 3),
        ("abc", "", 3),
        ("kitten", "sitting", 3),  # k->s, e->i, +g
        ("flaw", "lawn", 2),  # -f, +n
        ("saturday", "sunday", 3),
        ("intention", "execution", 5),
        ("abc", "abc", 0),
        ("abc", "acb", 2),  # no transpositions: two substitutions
        ("Straße", "Strasse", 2),  # ß->s, +s
        ("שלום", "שלו", 1),
        ("日本語", "日本", 1),
        ("e\u0301", "é", 2),  # code points, not graphemes: a combining accent is a character of its own
    ],
)
def test_known_distances(a, b, distance):
    assert levenshtein(a, b) == distance
    assert levenshtein(b, a) == distance


def _reference(a: str, b: str) -> int:
    """The recursive definition, memoised: independent of the two-row table the module uses."""

    @functools.cache
    def d(i: int, j: int) -> int:
        if i == 0 or j == 0:
            return i + j
        return min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] != b[j - 1]))

    return d(len(a), len(b))


def test_matches_the_recursive_definition_and_the_metric_laws():
    rng = np.random.default_rng(7)
    alphabet = list("abcé ש")
    words = ["".join(rng.choice(alphabet, rng.integers(0, 9))) for _ in range(40)]
    for a, b, c in zip(words, words[1:], words[2:]):
        ab = levenshtein(a, b)
        assert ab == _reference(a, b)
        assert abs(len(a) - len(b)) <= ab <= max(len(a), len(b))
        assert levenshtein(a, c) <= ab + levenshtein(b, c)  # triangle inequality
        assert (ab == 0) == (a == b)


def test_cer_is_per_character_of_the_truth():
    assert cer("kitten", "sitting") == pytest.approx(3 / 6)
    assert cer("abc", "abc") == 0.0
    assert cer("", "") == 0.0
    assert cer("", "xy") == 2.0
