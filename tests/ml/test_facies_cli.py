"""``geodesk facies``: classes per sample as SEG-Y and the map along a horizon as CSV, both
round-tripping; bad input ends in one line, exit code 2 and no file written."""

import numpy as np
import pytest
import segyio

import geodesk
from geodesk.cli import main
from geodesk.core.exchange.csv_io import write_horizon_csv
from geodesk.core.exchange.facies_io import read_facies_map_csv
from geodesk.synth.facies import generate_facies_volume


@pytest.fixture(scope="module")
def volume(tmp_path_factory):
    d = tmp_path_factory.mktemp("facies")
    vol = generate_facies_volume((6, 10, 200), seed=4)
    return vol, vol.write(d / "f.sgy")


def horizon_file(path, survey_path, time_ms, inline_shift=0):
    with geodesk.open(survey_path) as s:
        grid = np.full((len(s.inlines), len(s.crosslines)), float(time_ms))
        grid[0, 0] = np.nan  # one node unpicked
        gx, gy = s.grid_xy()
        write_horizon_csv(path, s.inlines + inline_shift, s.crosslines, grid, gx, gy)
    return path


def read_samples(path):
    with segyio.open(str(path), ignore_geometry=True) as f:
        return segyio.tools.collect(f.trace[:]), [dict(f.header[i]) for i in range(f.tracecount)]


def test_facies_segy_holds_one_class_per_sample_with_the_input_headers(volume, tmp_path, capsys):
    _vol, src = volume
    out = tmp_path / "classes.sgy"
    assert main(["facies", str(src), str(out), "--clusters", "4", "--quiet"]) == 0
    classes, headers = read_samples(out)
    _, src_headers = read_samples(src)
    assert set(np.unique(classes).tolist()) == {1.0, 2.0, 3.0, 4.0}
    assert headers == src_headers
    with geodesk.open(out) as s:  # reads back as a volume on the same grid
        assert s.inline(int(s.inlines[2])).data.shape == (10, 200)
    again = tmp_path / "again.sgy"
    assert main(["facies", str(src), str(again), "--clusters", "4", "--quiet"]) == 0
    np.testing.assert_array_equal(read_samples(again)[0], classes)  # same seed, same classes


def test_facies_map_along_a_horizon_round_trips_through_csv(volume, tmp_path):
    _vol, src = volume
    h = horizon_file(tmp_path / "h.csv", src, 400.0)
    out, csv = tmp_path / "map.sgy", tmp_path / "map.csv"
    assert main(["facies", str(src), str(out), "--clusters", "2", "--horizon", str(h),
                 "--window", "40", "--map-csv", str(csv), "--quiet"]) == 0
    m = read_facies_map_csv(csv)
    assert len(m.inline) == 6 * 10 - 1  # the unpicked node has no row
    classes, _ = read_samples(out)
    with geodesk.open(src) as s:
        gx, _gy = s.grid_xy()
        il, xl = list(s.inlines), list(s.crosslines)
        trace_of = s.trace_grid
    k = 1 + 400 // 4 - 5  # window samples 95..105 hold the class, others 0
    for i, x, cls, xx in zip(m.inline, m.xline, m.facies, m.x):
        tr = classes[trace_of[il.index(i), xl.index(x)]]
        assert set(np.unique(tr[k - 1:k + 10]).tolist()) == {float(cls)}
        assert tr[:k - 1].max() == 0 and tr[k + 10:].max() == 0
        assert xx == pytest.approx(gx[il.index(i), xl.index(x)])
    assert set(m.facies.tolist()) <= {1, 2}


def one_line_exit_2(capsys, argv, *outputs, needle=""):
    assert main(argv) == 2
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1 and needle in err[0], err
    for o in outputs:
        assert not o.exists()  # nothing half-written
    return err[0]


def test_bad_input_ends_in_one_line_exit_2_and_no_file(volume, tmp_path, capsys):
    _vol, src = volume
    out, csv = tmp_path / "o.sgy", tmp_path / "o.csv"
    base = ["facies", str(src), str(out), "--quiet"]
    # a window that leaves the data (horizon near the top)
    h = horizon_file(tmp_path / "top.csv", src, 8.0)
    one_line_exit_2(capsys, base + ["--clusters", "3", "--horizon", str(h), "--window", "60",
                                    "--map-csv", str(csv)], out, csv, needle="leaves the data")
    # a horizon outside the survey
    far = horizon_file(tmp_path / "far.csv", src, 400.0, inline_shift=1000)
    one_line_exit_2(capsys, base + ["--clusters", "3", "--horizon", str(far)], out,
                    needle="outside the survey")
    # K larger than the samples (along a horizon: 59 traces)
    h = horizon_file(tmp_path / "mid.csv", src, 400.0)
    one_line_exit_2(capsys, base + ["--clusters", "60", "--horizon", str(h)], out,
                    needle="only 59 samples")
    one_line_exit_2(capsys, base + ["--clusters", "1"], out, needle="at least 2")
    one_line_exit_2(capsys, base + ["--clusters", "3", "--attributes", "rms,sweetness"], out,
                    needle="sweetness")
    one_line_exit_2(capsys, base + ["--clusters", "3", "--window", "40"], out,
                    needle="--horizon")
    one_line_exit_2(capsys, base + ["--clusters", "3", "--thin-layer", "-5"], out,
                    needle="thin-layer")


def test_constant_and_non_finite_volumes_are_refused(tmp_path, capsys):
    from geodesk.core.segy.write import write_post3d

    il, xl = np.arange(3) + 1, np.arange(4) + 1
    gx, gy = np.meshgrid(xl * 25.0, il * 25.0)
    flat = write_post3d(tmp_path / "flat.sgy", np.zeros((3, 4, 50), np.float32), il, xl, gx, gy,
                        dt_ms=4.0)
    out = tmp_path / "o.sgy"
    one_line_exit_2(capsys, ["facies", str(flat), str(out), "--clusters", "2", "--quiet"], out,
                    needle="constant")
    data = np.random.default_rng(0).normal(size=(3, 4, 50)).astype(np.float32)
    data[1, 2, 7] = np.nan
    data[2, 0, 3] = np.inf
    bad = write_post3d(tmp_path / "nan.sgy", data, il, xl, gx, gy, dt_ms=4.0)
    one_line_exit_2(capsys, ["facies", str(bad), str(out), "--clusters", "2", "--quiet"], out,
                    needle="NaN or Inf")


def test_facies_never_writes_over_its_input(volume, tmp_path, capsys):
    _vol, src = volume
    before = src.read_bytes()
    assert main(["facies", str(src), str(src), "--clusters", "2", "--quiet"]) == 2
    assert src.read_bytes() == before


def test_facies_of_a_2d_line_are_written_trace_for_trace(tmp_path, capsys):
    from geodesk.core.segy.write import write_post2d

    vol = generate_facies_volume((1, 40, 200), seed=6)
    cdps = np.arange(40) + 1000
    src = write_post2d(tmp_path / "line.sgy", vol.data[0], cdps, cdps * 12.5, cdps * 0.0,
                       dt_ms=4.0)
    out = tmp_path / "line_facies.sgy"
    assert main(["facies", str(src), str(out), "--clusters", "3", "--quiet"]) == 0
    classes, headers = read_samples(out)
    assert classes.shape == (40, 200) and set(np.unique(classes).tolist()) == {1.0, 2.0, 3.0}
    assert headers == read_samples(src)[1]
    h = tmp_path / "h.csv"
    h.write_text("inline,xline,x,y,time_ms\n0,1000,,,400\n")
    assert main(["facies", str(src), str(tmp_path / "h.sgy"), "--clusters", "3", "--quiet",
                 "--horizon", str(h)]) == 2
    assert "needs a 3D volume" in capsys.readouterr().err
