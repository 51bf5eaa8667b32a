"""post3d generator: determinism, SNR definition, horizon and fault truth, SEG-Y output."""

from __future__ import annotations

import numpy as np
import pytest
import segyio

from geodesk.synth import generate_post3d, load_truth
from geodesk.synth.wavelets import snr_db

SHAPE = (24, 28, 160)


@pytest.fixture(scope="module")
def clean():
    return generate_post3d(SHAPE, seed=5, snr_db=None, n_faults=3)


def test_same_seed_gives_identical_volume_truth_and_file_bytes(tmp_path):
    a = generate_post3d((10, 12, 64), seed=3)
    b = generate_post3d((10, 12, 64), seed=3)
    np.testing.assert_array_equal(a.data, b.data)
    for key in a.truth:
        np.testing.assert_array_equal(a.truth[key], b.truth[key])
    pa, pb = a.write(tmp_path / "a.sgy"), b.write(tmp_path / "b.sgy")
    assert pa.read_bytes() == pb.read_bytes()
    c = generate_post3d((10, 12, 64), seed=4)
    assert not np.allclose(a.data, c.data)


def test_noise_meets_the_requested_snr_and_leaves_the_signal_alone(clean):
    for target in (0.0, 10.0, 25.0):
        noisy = generate_post3d(SHAPE, seed=5, snr_db=target, n_faults=3)
        assert abs(snr_db(clean.data, noisy.data) - target) < 0.5
        np.testing.assert_array_equal(noisy.truth["horizon_ms"], clean.truth["horizon_ms"])


def test_horizon_truth_sits_on_the_marker_extremum_away_from_faults(clean):
    d, t = clean.data, clean.truth
    labels = t["fault_labels"]
    n_t = d.shape[2]
    checked = 0
    for h, pol in enumerate(t["horizon_polarity"]):
        hm = t["horizon_ms"][h] / clean.dt_ms
        ii, jj = np.nonzero(~np.isnan(hm))
        for i, j in zip(ii, jj):
            z = hm[i, j]
            k = round(z)
            if k < 4 or k > n_t - 5 or labels[i, j, k - 8 : k + 9].any():
                continue
            tr = d[i, j] * pol
            m = k - 3 + int(np.argmax(tr[k - 3 : k + 4]))  # the polarity extremum near the truth
            y0, y1, y2 = tr[m - 1], tr[m], tr[m + 1]
            peak = m + 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2)
            assert tr[m] > 0, "the extremum has the expected polarity"
            assert abs(peak - z) < 0.5, f"horizon {h} at ({i},{j}): {z:.2f} vs peak {peak:.2f}"
            checked += 1
    assert checked > 0.5 * 4 * SHAPE[0] * SHAPE[1]


def test_fault_labels_lie_on_the_single_fault_plane():
    r = generate_post3d((30, 30, 100), seed=9, snr_db=None, n_faults=1)
    t = r.truth
    lab = t["fault_labels"]
    assert 0 < lab.mean() < 0.1
    (ci, cj, cz), strike, dip = (
        t["fault_center"][0],
        t["fault_strike_deg"][0],
        t["fault_dip_deg"][0],
    )
    i, j, z = np.nonzero(lab)
    s, tan = np.radians(strike), np.tan(np.radians(dip))
    zf = cz + tan * ((i - ci) * np.cos(s) + (j - cj) * np.sin(s))
    assert np.all(np.abs((z - zf) * np.cos(np.radians(dip))) < 1.0)
    # traces the fault does not cut have no labels; cut traces do
    assert not lab[t["trace_block"] == 0].any()
    assert lab[t["trace_block"] == 1].any(axis=-1).mean() > 0.9


def test_the_horizon_jumps_across_a_fault_by_the_throw():
    r = generate_post3d((40, 40, 120), seed=9, snr_db=None, n_faults=1)
    t = r.truth
    hb, hm = t["horizon_block"], t["horizon_ms"]
    throw = abs(t["fault_throw_ms"][0])
    jumps = []
    for h in range(hm.shape[0]):
        a, b = hm[h, :, :-1], hm[h, :, 1:]
        across = (hb[h, :, :-1] != hb[h, :, 1:]) & ~np.isnan(a) & ~np.isnan(b)
        jumps.extend(np.abs(a - b)[across])
    assert len(jumps) > 0
    assert max(jumps) > 0.5 * throw  # near the strike centre the offset reaches the throw


def test_written_volume_reads_back_with_its_geometry_and_truth(tmp_path):
    r = generate_post3d((8, 9, 50), seed=1, dt_ms=2.0)
    path = r.write(tmp_path / "v.sgy", format=1, endian="little")
    with segyio.open(str(path), endian="little") as f:
        np.testing.assert_array_equal(f.ilines, r.inlines)
        np.testing.assert_array_equal(f.xlines, r.crosslines)
        assert f.samples[1] == 2.0
        np.testing.assert_allclose(f.iline[r.inlines[3]], r.data[3], rtol=1e-5, atol=1e-6)
    truth = load_truth(path)
    assert truth["kind"] == "post3d" and truth["seed"] == 1
    assert truth["fault_labels"].shape == (8, 9, 50)
    assert truth["params"]["shape"] == [8, 9, 50]
    np.testing.assert_array_equal(truth["horizon_ms"], r.truth["horizon_ms"])


def test_geodesk_open_sees_a_post3d_with_the_same_grid(tmp_path):
    from geodesk.core.segy import reader as segy
    r = generate_post3d((6, 7, 40), seed=2)
    path = r.write(tmp_path / "v.sgy")
    with segy.open_survey(path) as s:
        assert s.kind == "post3d"
        np.testing.assert_array_equal(s.inlines, r.inlines)
        np.testing.assert_array_equal(s.crosslines, r.crosslines)
        gx, gy = s.grid_xy()
        np.testing.assert_allclose(gx, r.cdp_x, atol=0.01)
        np.testing.assert_allclose(gy, r.cdp_y, atol=0.01)
        np.testing.assert_allclose(s.inline(int(r.inlines[2])).data, r.data[2], rtol=1e-6)
