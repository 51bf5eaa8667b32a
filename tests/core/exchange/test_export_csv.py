"""Array-level CSV/XYZ export→import is exact, and bad files are reported by line number."""

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from geodesk.core.exchange import csv_io as ec
from geodesk.core.exchange.common import ImportError_
from geodesk.core.exchange.grid import GridMapper

times_f32 = hnp.arrays(np.float32, st.tuples(st.integers(1, 6), st.integers(1, 7)),
                       elements=st.one_of(st.just(np.nan),
                                          st.floats(-1e4, 1e5, width=32, allow_nan=False)))


def _grid(n_il, n_xl, x0=605000.25, y0=6073000.5, ang=0.3, d=(25.0, 12.5)):
    i, j = np.meshgrid(np.arange(n_il), np.arange(n_xl), indexing="ij")
    gx = x0 + d[0] * i * np.cos(ang) - d[1] * j * np.sin(ang)
    gy = y0 + d[0] * i * np.sin(ang) + d[1] * j * np.cos(ang)
    return gx, gy


def _same(a, b):
    return np.array_equal(a, b, equal_nan=True) and a.dtype == b.dtype


@settings(max_examples=40, deadline=None)
@given(times_f32)
def test_horizon_csv_round_trip_is_bit_exact(times):
    n_il, n_xl = times.shape
    inlines = np.arange(100, 100 + 2 * n_il, 2)
    xlines = np.arange(300, 300 + n_xl)
    gx, gy = _grid(n_il, n_xl)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "h.csv"
        n = ec.write_horizon_csv(p, inlines, xlines, times, gx, gy)
        pts = ec.read_horizon_csv(p)
    assert n == np.isfinite(times).sum() == pts.time_ms.size
    grid = ec.points_to_grid(p, pts.lines, ec.keys_to_index(pts.inline, inlines),
                             ec.keys_to_index(pts.xline, xlines), pts.time_ms, times.shape)
    assert _same(grid, times)
    i, j = np.nonzero(np.isfinite(times))
    np.testing.assert_array_equal(pts.x, gx[i, j])
    np.testing.assert_array_equal(pts.y, gy[i, j])


@settings(max_examples=40, deadline=None)
@given(times_f32)
def test_horizon_xyz_round_trip_maps_back_to_the_same_nodes(times):
    n_il, n_xl = times.shape
    gx, gy = _grid(n_il, n_xl)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "h.xyz"
        ec.write_horizon_xyz(p, gx, gy, times)
        x, y, t, lines = ec.read_xyz(p)
    m = GridMapper(np.arange(n_il), np.arange(n_xl), gx, gy)
    r, c, _ = m.nearest_node(x, y)
    assert _same(ec.points_to_grid(p, lines, r, c, t, times.shape), times)


def test_xyz_points_off_the_grid_are_reported_with_line_numbers(tmp_path):
    gx, gy = _grid(4, 5)
    p = tmp_path / "h.xyz"
    p.write_text(f"# exported\nx y z\n{gx[1, 2]} {gy[1, 2]} 500\n{gx[0, 0] - 400} {gy[0, 0]} 7\n"
                 f"{gx[1, 2] + 0.1} {gy[1, 2]} 501\n")
    x, y, t, lines = ec.read_xyz(p)
    r, c, _ = GridMapper(np.arange(4), np.arange(5), gx, gy).nearest_node(x, y)
    with pytest.raises(ImportError_) as info:
        ec.points_to_grid(p, lines, r, c, t, (4, 5))
    msg = str(info.value)
    assert "line 4: point is outside the survey" in msg
    assert "line 5: same grid node as line 3" in msg
    assert [ln for ln, _ in info.value.problems] == [4, 5]


def test_grid_mapper_handles_a_single_line():
    gx, gy = _grid(1, 9)
    m = GridMapper([7], np.arange(1, 10), gx, gy)
    r, c, _ = m.nearest_node(gx[0, [3, 8]] + 1.0, gy[0, [3, 8]])
    assert r.tolist() == [0, 0] and c.tolist() == [3, 8]
    x, y = m.xy_of(np.array([7.0]), np.array([5.0]))
    assert np.allclose([x[0], y[0]], [gx[0, 4], gy[0, 4]])


def test_malformed_horizon_csv_lists_every_bad_line(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("inline,xline,x,y,time_ms\n1,2,,,100\n1,x3,,,100\n\n1,4,,,abc\n1,5,,\n"
                 "1,6,,,inf\n")
    with pytest.raises(ImportError_) as info:
        ec.read_horizon_csv(p)
    assert info.value.problems == [
        (3, "xline 'x3' is not an integer"), (5, "time_ms 'abc' is not a number"),
        (6, "expected 5 fields, found 4"), (7, "time_ms 'inf' is not a finite number")]
    assert str(info.value).startswith("bad.csv: 4 problems: line 3: xline 'x3'")
    assert "\n" not in str(info.value)


def test_missing_column_and_missing_file_are_clear(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text("inline,xline,time_ms\n1,2,3\n")
    with pytest.raises(ImportError_, match="line 1: header lacks column.s. x, y"):
        ec.read_horizon_csv(p)
    with pytest.raises(ImportError_, match="nope.csv: file not found"):
        ec.read_horizon_csv(tmp_path / "nope.csv")


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
            min_size=1, max_size=8),
    st.lists(hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.just(3)),
                        elements=st.floats(-1e5, 1e6, allow_nan=False)), min_size=1, max_size=3),
    max_size=3))
def test_fault_csv_round_trip_is_exact(faults):
    faults = {k.strip() or "f": v for k, v in faults.items()}
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "f.csv"
        ec.write_fault_csv(p, faults)
        back = ec.read_fault_csv(p)
    assert list(back) == list(faults)
    for name in faults:
        assert len(back[name]) == len(faults[name])
        for a, b in zip(back[name], faults[name]):
            np.testing.assert_array_equal(a, b)


def test_fault_csv_duplicate_node_is_reported(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("fault,stick,node,inline,xline,x,y,time_ms\nF1,0,0,10,20,,,300\n"
                 "F1,0,0,10,21,,,310\nF1,-1,0,10,21,,,310\n")
    with pytest.raises(ImportError_) as info:
        ec.read_fault_csv(p)
    assert [ln for ln, _ in info.value.problems] == [3, 4]
    assert "already given on line 2" in info.value.problems[0][1]


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float32, st.integers(1, 40),
                  elements=st.one_of(st.just(np.nan), st.floats(0, 1e4, width=32))))
def test_firstbreak_csv_round_trip_keeps_unpicked_empty(times):
    n = times.size
    ffid = 1000 + np.arange(n) // 7
    chan = 1 + np.arange(n) % 7
    off = np.arange(n) * 12.5 - 100.0
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "fb.csv"
        ec.write_firstbreak_csv(p, ffid, chan, times, offset=off)
        rows = ec.read_firstbreak_csv(p)
        text = p.read_text()
    assert _same(rows.time_ms, times)
    np.testing.assert_array_equal(rows.offset, off)
    idx = ec.firstbreak_rows_to_traces(p, rows, ffid, chan)
    np.testing.assert_array_equal(idx, np.arange(n))
    if np.isnan(times[0]):
        assert text.splitlines()[1].endswith(",")


def test_firstbreak_keys_not_in_survey_are_reported(tmp_path):
    p = tmp_path / "fb.csv"
    p.write_text("ffid,channel,trace,offset,time_ms\n1,1,,,10\n1,9,,,11\n2,1,,,12\n")
    rows = ec.read_firstbreak_csv(p)
    with pytest.raises(ImportError_) as info:
        ec.firstbreak_rows_to_traces(p, rows, np.array([1, 1, 2]), np.array([1, 2, 2]))
    assert info.value.problems == [(3, "ffid 1 channel 9 is not in the survey"),
                                   (4, "ffid 2 channel 1 is not in the survey")]


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(st.integers(-5, 10**6), st.integers(1, 6).flatmap(
    lambda n: st.tuples(
        hnp.arrays(np.float64, n, elements=st.floats(0, 1e4), unique=True),
        hnp.arrays(np.float64, n, elements=st.floats(100.0, 2e4))))))
def test_velocity_csv_round_trip_sorted_in_time(functions):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "v.csv"
        ec.write_velocity_csv(p, functions)
        back = ec.read_velocity_csv(p)
    assert sorted(back) == sorted(functions)
    for cdp, (t, v) in functions.items():
        order = np.argsort(t)
        np.testing.assert_array_equal(back[cdp][0], t[order])
        np.testing.assert_array_equal(back[cdp][1], v[order])


def test_velocity_csv_rejects_bad_rows(tmp_path):
    p = tmp_path / "v.csv"
    p.write_text("cdp,time_ms,vrms_mps\n1,0,1500\n1,0,1600\n2,100,-3\n2.5,1,1\n")
    with pytest.raises(ImportError_) as info:
        ec.read_velocity_csv(p)
    assert [ln for ln, _ in info.value.problems] == [3, 4, 5]
    assert "outside 100..20000" in info.value.problems[1][1]


def test_fault_named_like_a_comment_round_trips_and_real_comments_are_skipped(tmp_path):
    p = tmp_path / "f.csv"
    faults = {"#1": [np.array([[1.0, 2.0, 3.0]])], " #b": [np.array([[4.0, 5.0, 6.0]])]}
    ec.write_fault_csv(p, faults)
    with open(p, "a") as fh:
        fh.write("# a comment line\n")
    back = ec.read_fault_csv(p)
    assert list(back) == ["#1", "#b"]
    np.testing.assert_array_equal(back["#1"][0], faults["#1"][0])
