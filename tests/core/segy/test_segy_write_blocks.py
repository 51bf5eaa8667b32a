"""write_like's block path (byte copy of the source, samples patched through a memory map)
gives the same file as the trace-by-trace segyio path."""

import numpy as np
import pytest
import segyio

from geodesk.core.segy import write as sw


def _source(tmp_path, fmt, endian, n=37, ns=23):
    rng = np.random.default_rng(fmt)
    return sw.write_prestack(
        tmp_path / f"src{fmt}{endian}.sgy", rng.integers(-50, 50, (n, ns)).astype(float),
        ffid=np.arange(n) // 5 + 1, channel=np.arange(n) % 5 + 1,
        offset=rng.uniform(-3000, 3000, n), cdp=np.arange(n) + 100,
        source_xy=(rng.uniform(0, 1e5, n), rng.uniform(0, 1e5, n)),
        group_xy=(rng.uniform(0, 1e5, n), rng.uniform(0, 1e5, n)), dt_ms=2,
        format=fmt, endian=endian, text=["block path"])


@pytest.mark.parametrize("fmt,endian", [(5, "big"), (5, "little"), (3, "big"), (2, "big"),
                                        (8, "little")])
def test_block_path_equals_the_trace_by_trace_path_on_random_traces(tmp_path, fmt, endian,
                                                                    monkeypatch):
    src = _source(tmp_path, fmt, endian)
    rng = np.random.default_rng(1)
    new = rng.standard_normal((37, 23)).astype(np.float32) * (1 if fmt == 5 else 20)
    upd = {sw.CDP_TRACE: np.arange(37) * 3, 115: np.full(37, 23)}
    fast = sw.write_like(src, tmp_path / "fast.sgy", (b for b in np.array_split(new, 4)),
                         header_updates=upd)
    monkeypatch.setattr(sw, "_plain_layout", lambda *a: False)
    slow = sw.write_like(src, tmp_path / "slow.sgy", new, header_updates=upd)
    with (segyio.open(str(fast), ignore_geometry=True, endian=endian) as a,
          segyio.open(str(slow), ignore_geometry=True, endian=endian) as b):
        assert bytes(a.text[0]) == bytes(b.text[0]) and dict(a.bin) == dict(b.bin)
        assert all(dict(a.header[i]) == dict(b.header[i]) for i in range(37))
        np.testing.assert_array_equal(segyio.tools.collect(a.trace[:]),
                                      segyio.tools.collect(b.trace[:]))
        assert a.header[5][segyio.TraceField.CDP_TRACE] == 15


def test_block_path_refuses_too_many_or_too_few_traces_and_keeps_no_file(tmp_path):
    src = _source(tmp_path, 5, "big")
    with pytest.raises(ValueError, match="more traces"):
        sw.write_like(src, tmp_path / "out.sgy", np.zeros((40, 23)))
    with pytest.raises(ValueError, match="traces given"):
        sw.write_like(src, tmp_path / "out.sgy", np.zeros((30, 23)))
    assert not (tmp_path / "out.sgy").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [src.name]


@pytest.mark.parametrize("fmt,endian", [(5, "big"), (5, "little"), (3, "big"), (2, "little"),
                                        (8, "big"), (1, "big")])
def test_block_writers_give_the_bytes_of_the_trace_by_trace_writers(tmp_path, fmt, endian,
                                                                    monkeypatch):
    rng = np.random.default_rng(2)
    n, ns = 45, 17
    data = rng.standard_normal((n, ns)) * 30
    kw = dict(ffid=np.arange(n) // 9 + 1, channel=np.arange(n) % 9 + 1,
              offset=rng.uniform(-4000, 4000, n), cdp=np.arange(n) * 7 + 40000,
              source_xy=(rng.uniform(0, 9e5, n), rng.uniform(0, 9e6, n)),
              group_xy=(rng.uniform(0, 9e5, n), rng.uniform(0, 9e6, n)), dt_ms=4,
              delay_ms=12.0, format=fmt, endian=endian, text=["blocks"])
    cdps, x, y = np.arange(n) + 1, rng.uniform(0, 1e5, n), rng.uniform(0, 1e5, n)

    def both():
        return (sw.write_prestack(tmp_path / "pre.sgy", data, **kw).read_bytes(),
                sw.write_post2d(tmp_path / "post.sgy", data, cdps, x, y, dt_ms=2, format=fmt,
                                endian=endian).read_bytes())

    fast = both()
    monkeypatch.setattr(sw, "_BLOCK_WRITES", False)
    assert both() == fast


def test_block_path_spanning_many_write_buffers_gives_the_same_bytes(tmp_path, monkeypatch):
    """Given blocks of every size (one trace, many, more than a buffer) against a buffer of a
    few records, the one-pass writer lays out exactly the bytes of the trace-by-trace path."""
    src = _source(tmp_path, 5, "big")
    rng = np.random.default_rng(3)
    new = rng.standard_normal((37, 23)).astype(np.float32)
    upd = {sw.CDP_TRACE: np.arange(37) + 7}
    record = 240 + 4 * 23
    monkeypatch.setattr(sw, "WRITE_BLOCK_BYTES", 3 * record)
    pieces = [new[:1], new[1:11], new[11:12], new[12:30], new[30:]]
    fast = sw.write_like(src, tmp_path / "fast.sgy", iter(pieces), header_updates=upd)
    monkeypatch.setattr(sw, "_plain_layout", lambda *a: False)
    slow = sw.write_like(src, tmp_path / "slow.sgy", new, header_updates=upd)
    assert fast.read_bytes() == slow.read_bytes()
