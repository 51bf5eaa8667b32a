"""``geodesk track``: tracks a written SEG-Y file and writes a horizon CSV that reads back."""

import argparse
import csv

import numpy as np
import pytest

import geodesk.cli
from geodesk.commands import track
from geodesk.core.segy import write as segy_write

DT = 4.0
TIMES = np.arange(0, 400, DT)


def ricker(t_ms, f=30.0):
    a = (np.pi * f * np.asarray(t_ms) / 1000.0) ** 2
    return (1 - 2 * a) * np.exp(-a)


@pytest.fixture
def volume_file(tmp_path):
    i, j = np.meshgrid(np.arange(12), np.arange(10), indexing="ij")
    truth = 200 + 20 * np.sin(i / 4.0) + 1.5 * j
    vol = ricker(TIMES[None, None, :] - truth[..., None]).astype(np.float32)
    vol += 0.03 * np.random.default_rng(0).standard_normal(vol.shape).astype(np.float32)
    inlines, crosslines = 100 + np.arange(12), 300 + 2 * np.arange(10)
    gx = 1000.0 + 25.0 * i + 3.0 * j
    gy = 5000.0 + 25.0 * j
    path = tmp_path / "vol.sgy"
    segy_write.write_post3d(path, vol, inlines, crosslines, gx, gy, dt_ms=DT)
    return path, truth, inlines, crosslines, gx, gy


def run_track(argv):
    parser = argparse.ArgumentParser()
    track.register(parser.add_subparsers())
    args = parser.parse_args(["track", *argv])
    return args.func(args)


def read_rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_track_3d_writes_csv_that_reads_back(volume_file, tmp_path, capsys):
    path, truth, inlines, crosslines, gx, gy = volume_file
    out = tmp_path / "hz.csv"
    seed = f"{inlines[6]},{crosslines[5]},{truth[6, 5]:.1f}"
    assert run_track([str(path), str(out), "--seed", seed, "--threshold", "0.8"]) == 0
    rows = read_rows(out)
    assert list(rows[0]) == ["inline", "xline", "x", "y", "time_ms"]
    assert len(rows) == truth.size
    for r in rows:
        i = int(r["inline"]) - 100
        j = (int(r["xline"]) - 300) // 2
        assert abs(float(r["time_ms"]) - truth[i, j]) < DT
        assert abs(float(r["x"]) - gx[i, j]) < 0.01 and abs(float(r["y"]) - gy[i, j]) < 0.01
    assert "wrote 120 picks" in capsys.readouterr().err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".") or "tmp" in p.name]


def test_track_2d_line_with_trace_seeds(tmp_path):
    n = 40
    truth = 180 + 1.2 * np.arange(n)
    sec = ricker(TIMES[None, :] - truth[:, None]).astype(np.float32)
    path = tmp_path / "line.sgy"
    cdps = 1001 + np.arange(n)
    segy_write.write_post2d(path, sec, cdps, 500.0 + 12.5 * np.arange(n), np.full(n, 7000.0),
                            dt_ms=DT)
    out = tmp_path / "line.csv"
    assert run_track([str(path), str(out), "--seed", f"1020,999,{truth[19]:.1f}",
                      "--quiet"]) == 0
    rows = read_rows(out)
    assert len(rows) == n
    got = {int(r["inline"]): float(r["time_ms"]) for r in rows}
    assert all(abs(got[c] - t) < DT for c, t in zip(cdps, truth))


def test_user_errors_become_one_line_and_exit_2(volume_file, tmp_path, monkeypatch, capsys):
    path, *_ = volume_file
    out = tmp_path / "x.csv"
    assert geodesk.cli.main(["track", str(path), str(out), "--seed", "1,2"]) == 2
    assert "IL,XL,T_MS" in capsys.readouterr().err
    assert geodesk.cli.main(["track", str(path), str(out), "--seed", "999,300,200"]) == 2
    assert "not in the survey" in capsys.readouterr().err
    assert not out.exists()
