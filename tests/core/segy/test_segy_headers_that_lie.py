"""Headers that lie (ns, dt), inputs that would hang (pipes, devices) and geometries or files
that would need more memory than there is: each is read consistently or refused in one line."""

from __future__ import annotations

import os
import socket
import struct

import numpy as np
import pytest
import segyio

from geodesk.core.segy.reader import open_survey
from geodesk.core.survey import SurveyError


def _write(path, n=96, ns=100, dt_us=250, lines=None, fmt=5):
    """A big-endian file of ``n`` traces whose trace headers all say ``ns`` and ``dt_us``."""
    spec = segyio.spec()
    spec.format, spec.samples, spec.tracecount = fmt, range(ns), n
    with segyio.create(str(path), spec) as f:
        for i in range(n):
            head = {115: ns, 117: dt_us}
            if lines is None:  # one shot gather
                head.update({9: 3234, 13: i + 1, 37: 10 * i})
            else:  # post-stack traces on inline/crossline bins
                head.update({189: lines[0][i], 193: lines[1][i], 21: i + 1})
            f.header[i] = head
            f.trace[i] = np.full(ns, i, dtype=np.float32)
        f.bin.update(hns=ns, hdt=dt_us, format=fmt)
    return path


def _poke(path, offset, fmt, value):
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(struct.pack(fmt, value))


def test_binary_ns_that_divides_the_file_but_not_the_trace_headers_loses(tmp_path):
    # 96 traces × 100 samples == 16 traces × 900 samples: the binary header says the latter
    path = _write(tmp_path / "gather.sgy")
    assert 96 * (240 + 400) == 16 * (240 + 4 * 900)
    _poke(path, 3220, ">H", 900)
    with open_survey(path) as s:
        assert (s.n_traces, s.n_samples) == (96, 100)
        assert any("binary header ns 900" in w and "using 100" in w for w in s.warnings)
        np.testing.assert_array_equal(s.trace(95), np.full(100, 95, dtype=np.float32))


def test_binary_dt_that_disagrees_with_every_trace_header_loses(tmp_path):
    path = _write(tmp_path / "gather.sgy", dt_us=4000)
    _poke(path, 3216, ">H", 8000)
    with open_survey(path) as s:
        assert s.dt_ms == 4.0
        assert any("8000 µs disagrees" in w for w in s.warnings)
        assert s.info()["warnings"] == s.warnings


def test_one_odd_trace_header_does_not_outvote_the_binary_header(tmp_path):
    path = _write(tmp_path / "gather.sgy", dt_us=2000)
    _poke(path, 3600 + 116, ">H", 8000)  # first trace only
    with open_survey(path) as s:
        assert s.dt_ms == 2.0 and not s.warnings


def test_trace_headers_that_disagree_among_themselves_fall_back_to_segyio_4ms(tmp_path):
    path = _write(tmp_path / "gather.sgy", n=8, dt_us=2000)
    for i, dt in enumerate((1000, 3000, 5000, 7000, 9000, 11000, 13000, 15000)):
        _poke(path, 3600 + i * 640 + 116, ">H", dt)
    with open_survey(path) as s:
        assert s.dt_ms == 4.0
        assert any("disagree among themselves" in w for w in s.warnings)


def test_stale_trace_header_ns_of_a_cropped_file_is_not_warned_about(segyio_data):
    # f3.sgy is a 75-sample crop whose trace headers still say 462
    with open_survey(segyio_data / "f3.sgy") as s:
        assert s.n_samples == 75 and not s.warnings


def test_shared_field_limit_files_take_segyio_4ms(segyio_data):
    with open_survey(segyio_data / "decrement.sgy") as s:
        assert (s.n_traces, s.n_samples, s.dt_ms) == (5, 4, 4.0)
        assert any("32762 µs" in w for w in s.warnings)


def test_stanzas_unknown_count_reads_the_six_traces_after_its_three_text_headers(segyio_data):
    # segyio 1.9.14 starts the traces at byte 400 (3600 - 3200 for a count of -1) and reads 56
    # "traces" out of the text headers; segyio's own test suite (master) expects 6
    with open_survey(segyio_data / "stanzas-unknown-count.sgy") as s:
        assert (s.n_traces, s.n_samples) == (6, 4)
        assert s.info()["extended_text_headers"] == 3


@pytest.mark.parametrize("make", ["fifo", "socket", "device"])
def test_non_regular_files_are_refused_without_blocking(tmp_path, make):
    sock = None
    if make == "fifo":
        path = tmp_path / "pipe.sgy"
        os.mkfifo(path)  # opening it for reading would block until a writer comes
    elif make == "socket":
        path = tmp_path / "s.sgy"
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
    else:
        path = "/dev/zero"
    try:
        with pytest.raises(SurveyError, match=f"is a {make}.*not a SEG-Y file") as err:
            open_survey(path)
    finally:
        if sock is not None:
            sock.close()
    assert "\n" not in str(err.value)


def test_diagonal_line_through_a_grid_opens_as_a_2d_line_without_the_grid(tmp_path):
    n = 2000
    il = np.arange(1000, 1000 + n)
    path = _write(tmp_path / "diagonal.sgy", n=n, ns=10, lines=(il, il + 5000))
    with open_survey(path) as s:
        assert s.kind == "post2d" and s.n_traces == n
        assert any("diagonal or arbitrary line" in w for w in s.warnings)
        assert s.line().data.shape == (n, 10)
    with pytest.raises(SurveyError, match="not a 3D post-stack volume: .*fill"):
        open_survey(path, kind="post3d")


def test_grid_with_missing_traces_stays_3d(tmp_path):
    il, xl = np.meshgrid(np.arange(10), np.arange(10), indexing="ij")
    keep = np.ones(100, bool)
    keep[::3] = False  # a third of the nodes missing
    path = _write(tmp_path / "holes.sgy", n=int(keep.sum()), ns=10,
                  lines=(il.ravel()[keep] + 1, xl.ravel()[keep] + 1))
    with open_survey(path) as s:
        assert s.kind == "post3d" and int((~s.live_mask).sum()) == 34


def test_file_whose_headers_cannot_fit_in_memory_is_refused_before_reading(tmp_path,
                                                                           monkeypatch):
    path = _write(tmp_path / "gather.sgy")
    monkeypatch.setattr("geodesk.core.memory.available_bytes", lambda: 4096)
    with pytest.raises(SurveyError, match=r"gather.sgy: reading the trace headers of its 96 "
                                          r"traces would need about .* of memory"):
        open_survey(path)


def test_section_that_cannot_fit_in_memory_is_refused_with_its_size(tmp_path, monkeypatch):
    path = _write(tmp_path / "gather.sgy")
    with open_survey(path) as s:
        monkeypatch.setattr("geodesk.core.memory.available_bytes", lambda: 20_000)
        with pytest.raises(SurveyError, match=r"reading 96 traces × 100 samples would need"):
            s.traces(slice(None))
        assert s.trace(0).shape == (100,)  # one trace still fits


def test_sparse_file_headers_read_only_where_there_is_data(tmp_path):
    path = _write(tmp_path / "sparse.sgy", n=4, ns=1000)
    trace_bytes = 240 + 4000
    os.truncate(path, 3600 + 5000 * trace_bytes)  # 4996 traces that are one hole
    with open(path, "r+b") as fh:  # and one trace with data far into the hole
        fh.seek(3600 + 3000 * trace_bytes + 12)
        fh.write(struct.pack(">i", 77))
    with open_survey(path, kind="post2d") as s, segyio.open(str(path), ignore_geometry=True) as f:
        for byte in (13, 115, 189):
            np.testing.assert_array_equal(s.header_values(byte), f.attributes(byte)[:])
        assert s.header_values(13)[3000] == 77
        holes_seen = s._store._data_rows is not None
    if not holes_seen:
        pytest.skip("this file system does not report holes (SEEK_DATA)")
