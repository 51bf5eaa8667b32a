"""SEG-Y writer: round trips through segyio, geometry headers, write_like and atomic writes."""

from __future__ import annotations

import numpy as np
import pytest
import segyio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodesk.core.segy import write as sw

INT_LIMIT = {2: 100000, 3: 30000, 8: 120}


def _read_all(path, endian="big"):
    with segyio.open(str(path), ignore_geometry=True, endian=endian) as f:
        return segyio.tools.collect(f.trace[:]), [dict(f.header[i]) for i in range(f.tracecount)]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fmt=st.sampled_from([1, 2, 3, 5, 8]),
    endian=st.sampled_from(["big", "little"]),
    n_tr=st.integers(1, 6),
    ns=st.integers(1, 24),
    dt_ms=st.sampled_from([0.25, 1.0, 2.0, 4.0]),
)
def test_write_traces_round_trips_samples_and_headers_for_every_format(
    tmp_path, fmt, endian, n_tr, ns, dt_ms
):
    # values encode their position (trace.sample) so a transposed axis fails loudly
    tr, smp = np.meshgrid(np.arange(n_tr), np.arange(ns), indexing="ij")
    if fmt in INT_LIMIT:
        data = ((tr * 7 + smp * 3) % (2 * INT_LIMIT[fmt]) - INT_LIMIT[fmt]).astype(np.float32)
    else:
        data = (tr + smp / 32.0 - 2.5).astype(np.float32)  # exact in IBM and IEEE
    out = tmp_path / f"rt_{fmt}_{endian}.sgy"
    sw.write_traces(
        out,
        data,
        {sw.FFID: tr[:, 0] + 10, sw.OFFSET: -tr[:, 0] * 25},
        dt_ms=dt_ms,
        format=fmt,
        endian=endian,
    )
    with segyio.open(str(out), ignore_geometry=True, endian=endian) as f:
        assert int(f.format) == fmt
        assert f.bin[segyio.BinField.Interval] == round(dt_ms * 1000)
        assert f.bin[segyio.BinField.Samples] == ns
        got = segyio.tools.collect(f.trace[:]).reshape(n_tr, ns)
        np.testing.assert_array_equal(got, data)
        for i in range(n_tr):
            h = f.header[i]
            assert h[segyio.TraceField.TRACE_SAMPLE_INTERVAL] == round(dt_ms * 1000)
            assert h[segyio.TraceField.TRACE_SAMPLE_COUNT] == ns
            assert h[segyio.TraceField.FieldRecord] == i + 10
            assert h[segyio.TraceField.offset] == -i * 25
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_text_header_is_ebcdic_with_40_card_lines(tmp_path):
    out = sw.write_traces(
        tmp_path / "t.sgy", np.zeros((2, 5)), {}, dt_ms=4, text=["first line", "second line"]
    )
    raw = out.read_bytes()[:3200]
    text = raw.decode("cp037")
    lines = [text[i : i + 80] for i in range(0, 3200, 80)]
    assert len(lines) == 40
    assert lines[0].startswith("C 1 FIRST LINE")
    assert lines[1].startswith("C 2 SECOND LINE")
    assert all(line.startswith("C") for line in lines)
    assert raw[:1] == b"\xc3"  # 'C' in EBCDIC, not ASCII


def test_post3d_writer_gives_segyio_geometry_and_rotated_coordinates(tmp_path):
    il, xl = np.arange(10, 14), np.arange(20, 25, 1)
    ii, xx = np.meshgrid(il, xl, indexing="ij")
    vol = (ii + xx / 100.0)[..., None] + np.zeros(7)
    az = np.radians(35)
    cx = 600000.12 + 25 * (ii - 10) * np.sin(az) + 12.5 * (xx - 20) * np.cos(az)
    cy = 6.1e6 + 25 * (ii - 10) * np.cos(az) - 12.5 * (xx - 20) * np.sin(az)
    out = sw.write_post3d(
        tmp_path / "v.sgy", vol, il, xl, cx, cy, dt_ms=2.0, delay_ms=100, endian="little"
    )
    with segyio.open(str(out), endian="little") as f:
        np.testing.assert_array_equal(f.ilines, il)
        np.testing.assert_array_equal(f.xlines, xl)
        np.testing.assert_allclose(f.samples, 100 + 2.0 * np.arange(7))
        np.testing.assert_allclose(f.iline[12], vol[2], rtol=1e-6)
        h = f.header[7]  # inline 11, crossline 22
        scalar = h[segyio.TraceField.SourceGroupScalar]
        assert scalar == -100
        assert h[segyio.TraceField.CDP_X] / 100 == pytest.approx(cx[1, 2], abs=0.006)
        assert h[segyio.TraceField.CDP_Y] / 100 == pytest.approx(cy[1, 2], abs=0.006)
        assert h[segyio.TraceField.DelayRecordingTime] == 100


def test_post2d_writer_stores_cdp_and_xy(tmp_path):
    sec = np.arange(30, dtype=np.float32).reshape(5, 6)
    x = 1000.0 + 10 * np.arange(5)
    out = sw.write_post2d(
        tmp_path / "l.sgy", sec, np.arange(101, 106), x, np.full(5, 50.5), dt_ms=4
    )
    data, headers = _read_all(out)
    np.testing.assert_array_equal(data, sec)
    assert [h[segyio.TraceField.CDP] for h in headers] == [101, 102, 103, 104, 105]
    assert headers[3][segyio.TraceField.CDP_X] == 103000
    assert headers[3][segyio.TraceField.CDP_Y] == 5050


def test_prestack_writer_stores_every_geometry_header(tmp_path):
    n = 6
    sx, gx = np.full(n, 500000.5), 500000.5 + np.arange(n) * 10.0 - 25
    out = sw.write_prestack(
        tmp_path / "s.sgy",
        np.ones((n, 8)),
        ffid=np.full(n, 7),
        channel=np.arange(1, n + 1),
        offset=gx - sx,
        cdp=np.arange(n) + 40,
        source_xy=(sx, np.full(n, 10.0)),
        group_xy=(gx, np.full(n, 20.0)),
        dt_ms=0.5,
    )
    _, hs = _read_all(out)
    tf = segyio.TraceField
    assert [h[tf.FieldRecord] for h in hs] == [7] * n
    assert [h[tf.TraceNumber] for h in hs] == list(range(1, n + 1))
    assert [h[tf.offset] for h in hs] == [-25, -15, -5, 5, 15, 25]
    assert hs[2][tf.CDP] == 42
    scale = -hs[0][tf.SourceGroupScalar]
    assert hs[2][tf.SourceX] / scale == pytest.approx(500000.5)
    assert hs[2][tf.GroupX] / scale == pytest.approx(gx[2])
    assert hs[2][tf.GroupY] / scale == pytest.approx(20.0)
    assert hs[2][tf.TRACE_SAMPLE_INTERVAL] == 500


def test_float_data_written_as_int16_is_scaled_to_the_integer_range(tmp_path):
    data = np.sin(np.linspace(0, 6, 40)).reshape(2, 20).astype(np.float32)
    out = sw.write_traces(tmp_path / "i.sgy", data, {}, dt_ms=4, format=3)
    got, _ = _read_all(out)
    peak = np.abs(got).max()
    assert 0.85 * 32767 < peak <= 32767
    np.testing.assert_allclose(got / peak, data / np.abs(data).max(), atol=1e-4)
    with segyio.open(str(out), ignore_geometry=True) as f:
        assert b"SAMPLES MULTIPLIED BY" in bytes(f.text[0])


def test_write_like_keeps_all_headers_and_streams_new_samples(tmp_path):
    n, ns = 9, 12
    src = sw.write_prestack(
        tmp_path / "src.sgy",
        np.ones((n, ns)),
        ffid=np.repeat([1, 2, 3], 3),
        channel=np.tile([1, 2, 3], 3),
        offset=np.tile([-10, 0, 10], 3),
        cdp=np.arange(n),
        source_xy=(np.zeros(n), np.zeros(n)),
        group_xy=(np.arange(n) * 5.0, np.zeros(n)),
        dt_ms=2,
        endian="little",
        text=["source file"],
    )
    new = np.arange(n * ns, dtype=np.float32).reshape(n, ns)
    out = sw.write_like(
        src,
        tmp_path / "out.sgy",
        (t for t in new),
        header_updates={sw.CDP_TRACE + 0: np.arange(n) * 3},
    )
    with (
        segyio.open(str(src), ignore_geometry=True, endian="little") as a,
        segyio.open(str(out), ignore_geometry=True, endian="little") as b,
    ):
        assert bytes(a.text[0]) == bytes(b.text[0])
        assert dict(a.bin) == dict(b.bin)
        for i in range(n):
            ha, hb = dict(a.header[i]), dict(b.header[i])
            assert hb.pop(segyio.TraceField.CDP_TRACE) == i * 3
            ha.pop(segyio.TraceField.CDP_TRACE)
            assert ha == hb
        np.testing.assert_array_equal(segyio.tools.collect(b.trace[:]), new)


def test_write_like_can_change_the_sample_format(tmp_path):
    src = sw.write_traces(tmp_path / "a.sgy", np.zeros((3, 4)), {sw.CDP: [5, 6, 7]}, dt_ms=4)
    out = sw.write_like(src, tmp_path / "b.sgy", np.full((3, 4), 0.5), format=3, int_scale=100)
    with segyio.open(str(out), ignore_geometry=True) as f:
        assert int(f.format) == 3
        assert f.bin[segyio.BinField.Format] == 3
        assert f.header[2][segyio.TraceField.CDP] == 7
        np.testing.assert_array_equal(f.trace[1], [50, 50, 50, 50])


def test_failed_write_leaves_previous_file_intact_and_no_temp_files(tmp_path):
    src = sw.write_traces(tmp_path / "a.sgy", np.zeros((4, 5)), {}, dt_ms=4)
    target = sw.write_traces(tmp_path / "target.sgy", np.ones((4, 5)), {}, dt_ms=4)
    before = target.read_bytes()

    def failing():
        yield np.zeros(5)
        yield np.zeros(5)
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        sw.write_like(src, target, failing())
    with pytest.raises(ValueError, match="traces given"):
        sw.write_like(src, target, np.zeros((3, 5)))
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.sgy", "target.sgy"]


def test_bad_arguments_raise_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="sample format"):
        sw.write_traces(tmp_path / "x.sgy", np.zeros((1, 4)), {}, dt_ms=4, format=4)
    with pytest.raises(ValueError, match="endian"):
        sw.write_traces(tmp_path / "x.sgy", np.zeros((1, 4)), {}, dt_ms=4, endian="middle")
    with pytest.raises(ValueError, match="int32"):
        sw.write_traces(tmp_path / "x.sgy", np.zeros((1, 4)), {sw.CDP: [2**40]}, dt_ms=4)
    assert list(tmp_path.iterdir()) == []


def test_written_files_are_world_readable_like_ordinary_files(tmp_path):
    out = sw.write_traces(tmp_path / "m.sgy", np.zeros((1, 4)), {}, dt_ms=4)
    assert out.stat().st_mode & 0o777 == 0o644
