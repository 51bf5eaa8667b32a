"""open_survey: geometry, sections, headers and the segyio position-encoding trick."""

from __future__ import annotations

import numpy as np
import pytest
import segyio

from geodesk.core.segy.reader import open_survey
from geodesk.core.survey import Post2D, Post3D, Prestack, SurveyError


def _write_cube(path, ilines, xlines, ns=6, sorting="inline", missing=(), il_byte=189,
                xl_byte=193):
    """Cube whose sample k of (il, xl) is il + xl/100 + k/10000 (segyio's trick)."""
    spec = segyio.spec()
    spec.format, spec.samples = 5, np.arange(ns) * 4.0
    pairs = ([(il, xl) for il in ilines for xl in xlines] if sorting == "inline"
             else [(il, xl) for xl in xlines for il in ilines])
    pairs = [p for p in pairs if p not in missing]
    spec.tracecount = len(pairs)
    with segyio.create(path, spec) as f:
        for i, (il, xl) in enumerate(pairs):
            f.header[i] = {il_byte: il, xl_byte: xl, 181: il * 1000, 185: xl * 1000,
                           71: -10, 109: 8}
            f.trace[i] = (il + xl / 100 + np.arange(ns) / 10000).astype(np.float32)
    return path


@pytest.mark.parametrize("sorting", ["inline", "crossline"])
def test_sections_are_not_transposed_for_either_sorting(tmp_path, sorting):
    path = _write_cube(tmp_path / "cube.sgy", [10, 11, 12], [20, 21, 22, 23], sorting=sorting)
    with open_survey(path) as s:
        assert isinstance(s, Post3D) and s.sorting == sorting
        sec = s.inline(11)
        np.testing.assert_allclose(sec.data[:, 0], 11 + np.array([20, 21, 22, 23]) / 100,
                                   rtol=1e-6)
        assert sec.axis0.label == "crossline" and sec.axis0.values.tolist() == [20, 21, 22, 23]
        xl = s.crossline(22)
        np.testing.assert_allclose(xl.data[:, 3], np.array([10, 11, 12]) + 0.22 + 0.0003,
                                   rtol=1e-6)
        ts = s.time_slice(8 + 2 * 4.0)  # delay 8 ms: sample 2
        assert ts.shape == (3, 4)
        np.testing.assert_allclose(ts.data, np.add.outer([10, 11, 12], np.arange(20, 24) / 100)
                                   + 0.0002, rtol=1e-6)
        assert s.times_ms[0] == 8.0 and s.delay_ms == 8.0


def test_missing_traces_are_zero_and_not_live(tmp_path):
    path = _write_cube(tmp_path / "holes.sgy", [1, 2, 3], [5, 6, 7],
                       missing=[(2, 6), (3, 5)])
    with open_survey(path) as s:
        assert s.trace_grid[1, 1] == -1 and s.trace_grid[2, 0] == -1
        assert s.live_mask.sum() == 7
        sec = s.inline(2)
        assert sec.live.tolist() == [True, False, True]
        assert not sec.data[1].any() and sec.trace_index[1] == -1
        ts = s.time_slice(8)
        assert ts.data[1, 1] == 0 and not ts.live[1, 1]
        np.testing.assert_allclose(ts.data[0, 0], 1.05, rtol=1e-6)
        gx, gy = s.grid_xy()  # missing nodes interpolated on the affine grid, scalar -10 applied
        assert gx[1, 1] == pytest.approx(200.0) and gy[2, 0] == pytest.approx(500.0)


def test_alternative_line_bytes_are_found_and_reported(tmp_path):
    path = _write_cube(tmp_path / "alt.sgy", [1, 2, 3], [7, 8], il_byte=9, xl_byte=21)
    with open_survey(path) as s:
        assert isinstance(s, Post3D)
        assert (s.header_bytes.inline, s.header_bytes.crossline) == (9, 21)
        assert s.inlines.tolist() == [1, 2, 3]


def test_forcing_post3d_without_a_grid_names_the_bytes_tried(segy_dir):
    with pytest.raises(SurveyError, match=r"bytes tried: 189/193, 9/21"):
        open_survey(segy_dir / "msacchi+SeismicLab/SeismicLab_data/cdp700.su",
                    kind="post3d").close()


def test_wrong_user_byte_override_is_a_clear_error(segyio_data):
    with pytest.raises(SurveyError, match="inline byte 45 / crossline byte 49 give no geometry"):
        open_survey(segyio_data / "small.sgy", iline=45, xline=49).close()
    with pytest.raises(SurveyError, match="outside the 240-byte trace header"):
        open_survey(segyio_data / "small.sgy", iline=300).close()


@pytest.mark.parametrize("name", ["small.sgy", "small-lsb.sgy"])
def test_small_matches_segyio_geometry_and_samples(segyio_data, name):
    with open_survey(segyio_data / name) as s, segyio.open(segyio_data / name,
                                                          endian=s.endian) as f:
        assert s.inlines.tolist() == [1, 2, 3, 4, 5]
        assert s.crosslines.tolist() == list(range(20, 25))
        np.testing.assert_array_equal(s.inline(3).data, f.iline[3])
        np.testing.assert_array_equal(s.crossline(22).data, f.xline[22])
        np.testing.assert_array_equal(s.time_slice(40).data, f.depth_slice[10])
        assert s.header_values(189).tolist() == list(f.attributes(189)[:])
        assert s.endian == ("little" if "lsb" in name else "big")


def test_f3_int16_volume(segyio_data):
    with open_survey(segyio_data / "f3.sgy") as s, segyio.open(segyio_data / "f3.sgy") as f:
        assert (len(s.inlines), len(s.crosslines), s.n_samples) == (23, 18, 75)
        np.testing.assert_array_equal(s.inline(120).data, f.iline[120])
        np.testing.assert_array_equal(s.crossline(880).data, f.xline[880])
        x, _y = s.grid_xy()
        assert x[0, 0] == pytest.approx(f.header[0][181] / 10)  # scalar -10 divides
        info = s.info()
        assert info["inlines"] == [111, 133, 1] and info["format"]["code"] == 3
        assert s.text_encoding == "ebcdic" and s.text_header().count("\n") == 39


def test_viking_shots_are_gathers_by_ffid_and_regroup_to_cmps(segy_dir):
    with open_survey(segy_dir / "equinor+segyio/python/tutorials/viking_small.segy") as s:
        assert isinstance(s, Prestack) and s.gather_key == "ffid"
        assert s.gather_keys.tolist() == [3, 4, 5, 6]
        g = s.gather(4)
        assert g.shape == (120, 600) and g.kind == "gather"
        assert np.all(np.diff(g.headers["channel"]) > 0)
        assert g.headers["offset"].min() == -3237 and set(g.headers["ffid"]) == {4}
        cmp = s.regroup("cdp")
        try:
            assert cmp.gather_key == "cdp" and cmp.gather_keys[0] == 1
            big = cmp.gather_keys[np.argmax(cmp.gather_sizes)]
            gc = cmp.gather(int(big))
            assert np.all(np.diff(gc.headers["offset"]) >= 0) and gc.shape[0] > 1
            assert set(gc.headers["cdp"]) == {big}
        finally:
            cmp.close()


def test_regroup_refuses_an_empty_cdp_header(tmp_path):
    spec = segyio.spec()
    spec.format, spec.samples, spec.tracecount = 5, np.arange(4) * 4.0, 6
    with segyio.create(tmp_path / "shots.sgy", spec) as f:
        for i in range(6):
            f.header[i] = {9: 1 + i // 3, 13: i % 3 + 1, 37: 100 * (i % 3)}
            f.trace[i] = np.full(4, i, dtype=np.float32)
    with open_survey(tmp_path / "shots.sgy") as s:
        assert s.gather_key == "ffid" and s.gather_sizes.tolist() == [3, 3]
        with pytest.raises(SurveyError, match="CDP header .* is empty"):
            s.regroup("cdp")


def test_2d_line_and_cmp_su(segy_dir):
    with open_survey(segy_dir / "seg+tutorials-2014/1410_Phase/data/penobscot_xl1155.sgy") as s:
        assert isinstance(s, Post2D) and s.text_encoding == "ascii"
        line = s.line()
        assert line.shape == (601, 1501) and line.axis0.values[0] == 1000
        assert "Penobscot" in s.text_header() or "PENOBSCOT" in s.text_header().upper()
    with open_survey(segy_dir / "msacchi+SeismicLab/SeismicLab_data/cdp700.su") as s:
        assert s.is_su and s.text_encoding == "none" and s.binary_header() == {}
        g = s.gather(700)
        assert g.shape == (24, 1100) and g.headers["offset"][0] == -2057
        assert s.dt_ms == 2.0


def test_header_scan_reports_every_standard_field(segyio_data):
    with open_survey(segyio_data / "f3.sgy") as s:
        rows = {r.name: r for r in s.header_scan(18)}
    assert len(rows) == len(segyio.TraceField.enums())
    il, xl = rows["INLINE_3D"], rows["CROSSLINE_3D"]
    assert (il.min, il.max, il.distinct, il.first) == (111, 111, 1, 111)
    assert (xl.min, xl.max, xl.distinct) == (875, 892, 18)


def test_odd_binary_headers_fall_back_and_warn(segyio_data, segy_dir):
    with open_survey(segyio_data / "interval-neg-bin-pos-trace.sgy") as s:
        assert s.dt_ms == 4.0 and any("trace header" in w for w in s.warnings)
    cube = segy_dir / "equinor+xtgeo-testdata/cubes/etc/cube_w_deadtraces.segy"
    with open_survey(cube) as s:
        assert s.n_samples == 4 and any("extended-samples" in w for w in s.warnings)
        assert s.text_encoding == "ascii"
    with open_survey(segy_dir / "seg+tutorials-2014/1410_Phase/SegyMAT/f11_02673_45Hz.segy") as s:
        assert any("revision" in w for w in s.warnings)
    with open_survey(segy_dir / "yohanesnuwara+ccs-gundih/data/seismics/2D_Xline_12680.sgy") as s:
        text = s.text_header()
        assert len(text.splitlines()) == 40 and all(c.isprintable() for c in text if c != "\n")
