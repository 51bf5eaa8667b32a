"""First breaks in trace headers: every encoding/unit round-trips within its resolution, the copy
keeps samples and other headers, and segyio itself reads the field we wrote."""

import os
from pathlib import Path

import numpy as np
import pytest
import segyio

from geodesk.core.exchange import segy_io as es
from geodesk.core.exchange.common import ImportError_

DATA = Path(os.environ.get("GEODESK_SHARED_DATA",
                           Path(__file__).resolve().parents[4] / "shared" / "data")) / "segy"
SEGYIO = DATA / "equinor+segyio" / "test-data"
pytestmark = pytest.mark.skipif(not SEGYIO.is_dir(), reason=f"shared SEG-Y data absent ({DATA})")

FILES = [("small.sgy", "big", False), ("small-lsb.sgy", "little", False),
         ("small.su", "big", True)]


def _times(n, hi, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(6.0, hi, n).astype(np.float32)
    t[::5] = np.nan
    return t


def _resolution(encoding, unit, dt_ms=4.0):
    if encoding == "float":
        return 0.0
    return {"ms": 0.5, "us": 0.0005, "samples": 0.5 * dt_ms}[unit]


@pytest.mark.parametrize("name,endian,su", FILES)
@pytest.mark.parametrize("encoding", ["int16", "int32", "float"])
@pytest.mark.parametrize("unit", ["ms", "us", "samples"])
def test_header_round_trip_within_resolution(tmp_path, name, endian, su, encoding, unit):
    src = SEGYIO / name
    out = tmp_path / ("out.su" if su else "out.sgy")
    hi = 30.0 if (encoding, unit) == ("int16", "us") else 190.0
    times = _times(25, hi)
    assert es.write_firstbreaks_segy(src, out, times, byte=233, encoding=encoding,
                                     unit=unit) == np.isfinite(times).sum()
    back = es.read_firstbreaks_segy(out, byte=233, encoding=encoding, unit=unit)
    assert back.dtype == np.float32
    np.testing.assert_array_equal(np.isnan(back), np.isnan(times))
    ok = np.isfinite(times)
    tol = _resolution(encoding, unit) + 1e-6 * hi
    assert np.max(np.abs(back[ok] - times[ok])) <= tol


@pytest.mark.parametrize("name,endian,su", FILES)
@pytest.mark.parametrize("byte,encoding", [(237, "int32"), (233, "int16"), (181, "int32"),
                                           (191, "int16"), (231, "int16")])
def test_copy_differs_only_in_the_field_at_its_file_offset(tmp_path, name, endian, su, byte,
                                                           encoding):
    src = SEGYIO / name
    out = tmp_path / "copy"
    times = _times(25, 190.0, seed=3)
    es.write_firstbreaks_segy(src, out, times, byte=byte, encoding=encoding)
    a = np.frombuffer(src.read_bytes(), dtype=np.uint8)
    b = np.frombuffer(out.read_bytes(), dtype=np.uint8).copy()
    assert a.size == b.size
    opener = segyio.su.open if su else segyio.open
    with opener(str(src), ignore_geometry=True, endian=endian) as f:
        ns, n = len(f.samples), f.tracecount
    # independent oracle: the raw bytes at the documented offset, in the file's byte order
    first, stride = (0 if su else 3600), 240 + 4 * ns
    width = 4 if encoding == "int32" else 2
    at = first + stride * np.arange(n)[:, None] + byte - 1 + np.arange(width)
    raw = b[at].copy().view((">" if endian == "big" else "<") + f"i{width}").ravel()
    expect = np.where(np.isnan(times), 0, np.rint(np.nan_to_num(times))).astype(np.int64)
    np.testing.assert_array_equal(raw, expect)
    b[at] = a[at]
    np.testing.assert_array_equal(a, b)


def test_unpicked_zero_and_out_of_range_are_refused(tmp_path):
    src = SEGYIO / "small.sgy"
    times = np.full(25, 10.0)
    times[4] = 40.0  # 40000 us does not fit int16
    with pytest.raises(ValueError, match="trace 4: pick 40 ms cannot be stored as int16 us"):
        es.write_firstbreaks_segy(src, tmp_path / "o.sgy", times, encoding="int16", unit="us")
    times[4] = 0.2  # rounds to 0 ms = unpicked
    with pytest.raises(ValueError, match="trace 4"):
        es.write_firstbreaks_segy(src, tmp_path / "o.sgy", times)
    assert not (tmp_path / "o.sgy").exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("byte,why", [(115, "samples per trace"), (11, "FFID"),
                                      (239, "outside"), (0, "outside")])
def test_bytes_that_would_break_the_file_are_refused(byte, why):
    with pytest.raises(ValueError, match=why):
        es.check_field(byte, "int32", "ms")


def test_reading_a_non_segy_file_is_an_import_error(tmp_path):
    p = tmp_path / "x.sgy"
    p.write_bytes(b"not a seismic file" * 10)
    with pytest.raises(ImportError_, match="x.sgy"):
        es.read_firstbreaks_segy(p)


def test_output_cannot_overwrite_the_input(tmp_path):
    src = tmp_path / "s.sgy"
    src.write_bytes((SEGYIO / "small.sgy").read_bytes())
    with pytest.raises(ValueError, match="new file"):
        es.write_firstbreaks_segy(src, src, np.full(25, 10.0))
