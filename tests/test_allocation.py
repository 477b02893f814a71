"""Batch allocation: exact largest-remainder shares and low-discrepancy interleaving (property tests)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from synthocr.planner.allocation import allocate_shares, interleave

MAX_TOTAL = 2000
PROPERTY = settings(max_examples=150, deadline=None)

proportion = st.one_of(
    st.just(0.0),
    st.floats(min_value=1e-6, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.integers(min_value=1, max_value=100).map(float),
)
proportions = st.lists(proportion, min_size=1, max_size=8).filter(lambda ps: sum(ps) > 0)
totals = st.integers(min_value=0, max_value=MAX_TOTAL)
share_lists = st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=8).filter(
    lambda s: 0 < sum(s) <= MAX_TOTAL
)


def exact_quotas(props: list[float], total: int) -> list[Fraction]:
    """Each specification's exact share of `total` (floats are exact rationals)."""
    p = [Fraction(x) for x in props]
    return [x / sum(p) * total for x in p]


def assert_prefixes_balanced(order: np.ndarray, shares: list[int]) -> None:
    """For every prefix length t and spec i: |count_i(t) - t * share_i / total| < 1 (in exact integers)."""
    total = sum(shares)
    onehot = order[:, None] == np.arange(len(shares))[None, :]
    counts = np.cumsum(onehot, axis=0, dtype=np.int64)  # counts[t - 1, i] = count_i(t)
    t = np.arange(1, total + 1, dtype=np.int64)[:, None]
    deviation = np.abs(counts * total - t * np.asarray(shares, np.int64)[None, :])  # total * |difference|
    worst = np.unravel_index(int(deviation.argmax()), deviation.shape)
    assert deviation.max() < total, (
        f"prefix of length {worst[0] + 1}: spec {worst[1]} has {counts[worst]} rows, "
        f"expected {(worst[0] + 1) * shares[worst[1]] / total:.3f}"
    )


# --- allocate_shares -----------------------------------------------------------


@PROPERTY
@given(proportions, totals)
@example([0.1, 0.2, 0.7], 10)
@example([1.0, 1.0, 1.0], 1000)
@example([1e-6, 1e6], 2000)
def test_shares_sum_exactly_to_total(props: list[float], total: int) -> None:
    shares = allocate_shares(props, total)
    assert shares.dtype == np.int64
    assert len(shares) == len(props)
    assert int(shares.sum()) == total
    assert (shares >= 0).all()


@PROPERTY
@given(proportions, totals)
@example([0.1, 0.2, 0.7], 10)
@example([1.0, 1.0, 1.0], 1000)
def test_shares_are_largest_remainder(props: list[float], total: int) -> None:
    shares = allocate_shares(props, total)
    for share, quota in zip(shares.tolist(), exact_quotas(props, total)):
        assert abs(share - quota) < 1, (props, total, shares, quota)
    for share, p in zip(shares.tolist(), props):
        if p == 0:
            assert share == 0


@PROPERTY
@given(proportions, totals)
def test_shares_ignore_the_scale_of_proportions(props: list[float], total: int) -> None:
    # Proportions are relative: doubling every one (exact in floating point) gives the same shares.
    doubled = [2 * p for p in props]
    assert allocate_shares(doubled, total).tolist() == allocate_shares(props, total).tolist()


def test_ties_go_to_the_earlier_specification() -> None:
    assert allocate_shares([1, 1, 1], 2).tolist() == [1, 1, 0]
    assert allocate_shares([1, 1, 1], 4).tolist() == [2, 1, 1]
    assert allocate_shares([0.35, 0.15, 0.15, 0.15, 0.1, 0.1], 1000).tolist() == [350, 150, 150, 150, 100, 100]


@pytest.mark.parametrize(("props", "total"), [([-1.0, 2.0], 10), ([0.0, 0.0], 10), ([1.0], -1)])
def test_invalid_allocation_raises(props: list[float], total: int) -> None:
    with pytest.raises(ValueError):
        allocate_shares(props, total)


# --- interleave --------------------------------------------------------------------


@PROPERTY
@given(share_lists)
@example([1])
@example([0, 5, 0])
@example([1, 1999])
@example([1000, 999, 1])
@example([7, 7, 7, 7, 7, 7, 7, 7])
def test_interleave_has_exactly_the_shares(shares: list[int]) -> None:
    order = interleave(shares)
    assert len(order) == sum(shares)
    assert np.bincount(order.astype(np.int64), minlength=len(shares)).tolist() == shares


@PROPERTY
@given(share_lists)
@example([1, 1999])
@example([1000, 999, 1])
@example([3, 5, 7, 11, 13, 17, 19, 23])
@example([400, 400, 400, 400, 399, 1, 0, 0])
def test_every_prefix_within_one_image(shares: list[int]) -> None:
    assert_prefixes_balanced(interleave(shares), shares)


@PROPERTY
@given(proportions, st.integers(min_value=1, max_value=MAX_TOTAL))
def test_allocated_and_interleaved_plan_order(props: list[float], total: int) -> None:
    shares = allocate_shares(props, total).tolist()
    order = interleave(shares)
    assert len(order) == total
    assert np.bincount(order.astype(np.int64), minlength=len(shares)).tolist() == shares
    assert_prefixes_balanced(order, shares)


def test_interleave_of_nothing_is_empty() -> None:
    assert len(interleave([0, 0])) == 0


def test_interleave_is_deterministic() -> None:
    shares = [350, 150, 150, 150, 100, 100]
    assert interleave(shares).tolist() == interleave(shares).tolist()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 40), min_size=1, max_size=5).filter(lambda s: sum(s) > 0),
    st.integers(0, 200),
    st.integers(0, 200),
)
def test_periodic_sequence_slices_like_the_whole_array(shares, a, b):
    from synthocr.planner.allocation import interleave_periodic

    seq, whole = interleave_periodic(shares), interleave(shares)
    assert len(seq) == len(whole)
    lo, hi = sorted((a, b))
    assert seq[lo:hi].tolist() == whole[lo:hi].tolist()
    assert seq.counts(len(shares)).tolist() == np.bincount(whole, minlength=len(shares)).tolist()
