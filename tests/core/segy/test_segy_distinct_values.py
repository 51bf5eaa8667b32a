"""Distinct header values by table = np.unique, for every integer width and the fallbacks."""

import numpy as np
import pytest

from geodesk.core.segy.geometry import distinct, n_distinct


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
                                   np.uint32, np.uint64, np.float32])
def test_distinct_values_equal_numpy_unique(dtype):
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
    rng = np.random.default_rng(1)
    low = 0 if info is None else max(int(info.min), -30000)
    high = 120 if info is None else min(int(info.max), 30000)
    cases = [rng.integers(low, high, 5000), np.array([], dtype=np.int64), np.array([7]),
             np.repeat([3, 1, 2], 4)]
    if info is not None and info.bits >= 32:  # a range far wider than the count: np.unique
        cases.append(np.array([0, int(info.max) // 2, int(info.max), 5], dtype=dtype))
    if info is not None:
        cases.append(np.array([info.min, info.max, info.min], dtype=dtype))  # full-width span
    for values in cases:
        values = np.asarray(values).astype(dtype)
        got, want = distinct(values), np.unique(values)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
        assert n_distinct(values.reshape(-1, 1)) == want.size
