"""The buffer-level numpy <-> Arrow conversions equal pyarrow's own."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from synthocr.schemas.arrow_numpy import int64_array, number_array, string_array, to_numpy


def test_number_arrays_equal_pyarrows_conversion() -> None:
    values = np.array([0, 1, -5, 2**62], np.int64)
    assert int64_array(values).equals(pa.array(values, pa.int64()))
    assert int64_array(values[::2]).equals(pa.array(values[::2], pa.int64()))  # not contiguous
    keys = np.array([0, 2**64 - 1, 12345], np.uint64)
    assert number_array(keys, pa.uint64()).equals(pa.array(keys, pa.uint64()))
    assert number_array(np.array([1, 2]), pa.float64()).equals(pa.array([1.0, 2.0], pa.float64()))
    assert len(int64_array(np.zeros(0, np.int64))) == 0


def test_string_arrays_equal_pyarrows_conversion() -> None:
    names = ["00000/image_00000001", "", "ü/ده/名", "a" * 300]
    assert string_array(names).equals(pa.array(names, pa.string()))
    assert string_array([]).equals(pa.array([], pa.string()))
    with pytest.raises(UnicodeEncodeError):
        string_array(["\udc80"])


def test_to_numpy_reads_slices_and_chunks() -> None:
    column = pa.chunked_array([pa.array([1, 2, 3], pa.int64()), pa.array([4, 5], pa.int64())])
    assert to_numpy(column).tolist() == [1, 2, 3, 4, 5]
    assert to_numpy(column.chunk(0).slice(1, 2)).tolist() == [2, 3]
    assert to_numpy(pa.chunked_array([pa.array([0.5, 1.5])])).tolist() == [0.5, 1.5]
    assert to_numpy(pa.chunked_array([], pa.int64())).tolist() == []
    with pytest.raises(TypeError):
        to_numpy(pa.array([1, None]))
    with pytest.raises(TypeError):
        to_numpy(pa.array(["a"]))
