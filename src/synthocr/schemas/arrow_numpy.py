"""numpy <-> Arrow for plain number columns, without pyarrow's pandas probe.

pyarrow imports pandas (about 0.2 s of CPU) the first time it converts numpy or Python values to
Arrow, or an Arrow array to numpy, only to ask whether they are pandas objects. The render path
has no pandas objects; these two conversions go through the arrays' buffers instead, so a render
process and its workers never pay for the import. Both handle non-null arrays of fixed-width
types only, which is what the plan's number columns and the row positions are.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa


def int64_array(values: np.ndarray) -> pa.Array:
    """`values` as an Arrow int64 array (a copy only when they are not contiguous int64 already)."""
    return number_array(values, pa.int64())


def number_array(values: np.ndarray, type: pa.DataType) -> pa.Array:
    """`values` as an Arrow array of the integer or float `type` (converted to its numpy dtype first)."""
    data = np.ascontiguousarray(values, type.to_pandas_dtype())
    return pa.Array.from_buffers(type, len(data), [None, pa.py_buffer(data)])


def string_array(values: Sequence[str]) -> pa.Array:
    """`values` as an Arrow string array (UTF-8; a value that does not encode raises UnicodeEncodeError)."""
    encoded = [value.encode("utf-8") for value in values]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    if offsets[-1] > np.iinfo(np.int32).max:  # past a string array's 2 GiB: let pyarrow split it into chunks
        return pa.array(values, pa.string())
    offsets = offsets.astype(np.int32)
    return pa.Array.from_buffers(
        pa.string(), len(encoded), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    )


def to_numpy(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The values of a non-null fixed-width (number) column as a numpy array: a view when it is one chunk."""
    if isinstance(column, pa.ChunkedArray):
        chunks = [to_numpy(chunk) for chunk in column.chunks]
        if len(chunks) == 1:
            return chunks[0]
        return np.concatenate(chunks) if chunks else np.zeros(0, column.type.to_pandas_dtype())
    if column.null_count or not pa.types.is_integer(column.type) and not pa.types.is_floating(column.type):
        raise TypeError(f"to_numpy takes a non-null integer or float column, not {column.type}")
    dtype = np.dtype(column.type.to_pandas_dtype())
    return np.frombuffer(column.buffers()[1], dtype, count=len(column), offset=column.offset * dtype.itemsize)


def bool_array(mask: np.ndarray) -> pa.Array:
    """A numpy bool mask as an Arrow boolean array (bits packed, no nulls)."""
    bits = np.packbits(np.asarray(mask, bool), bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(bits)])


def to_bools(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow boolean column as a numpy bool array, null counted as False."""
    if isinstance(column, pa.ChunkedArray):
        chunks = [to_bools(chunk) for chunk in column.chunks]
        return np.concatenate(chunks) if chunks else np.zeros(0, bool)
    n, start = len(column), column.offset

    def bits(buffer: pa.Buffer) -> np.ndarray:
        return np.unpackbits(np.frombuffer(buffer, np.uint8), bitorder="little", count=start + n)[start:].view(bool)

    values = bits(column.buffers()[1]) if n else np.zeros(0, bool)
    return values & bits(column.buffers()[0]) if column.null_count else values.copy()
