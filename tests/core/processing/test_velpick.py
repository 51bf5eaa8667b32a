"""Automatic velocity picking: within 2 % of truth, multiples skipped, Dix bounds, the command."""

import argparse

import numpy as np
import pytest

from geodesk.core.processing.semblance import SemblancePanel
from geodesk.core.processing.velpick import auto_pick, best_chain, pick_panel
from geodesk.synth.cmps import generate_cmps


@pytest.fixture(scope="module", params=[0, 1, 5])
def clean_cmp(request):
    r = generate_cmps((1, 48, 1000), seed=request.param, snr_db=None)
    return r


def _truth_at(r, t_ms):
    return np.interp(t_ms, r.truth["t0_ms"], r.truth["vrms"][0])


def test_auto_picks_are_within_two_percent_of_the_true_vrms(clean_cmp):
    r = clean_cmp
    t, v = auto_pick(r.data[0], r.offsets_m[0], r.truth["t0_ms"])
    assert len(t) >= 0.6 * len(r.truth["primary_t0_ms"])
    assert np.all(np.diff(t) > 0)
    err = np.abs(v - _truth_at(r, t)) / _truth_at(r, t)
    assert err.max() < 0.02, np.c_[t, v, err]


def test_multiples_are_not_picked(clean_cmp):
    r = clean_cmp
    t, v = auto_pick(r.data[0], r.offsets_m[0], r.truth["t0_ms"])
    for tm, vm in zip(r.truth["multiple_t0_ms"], r.truth["multiple_vrms"][0]):
        vt = _truth_at(r, tm)
        if vm > 0.97 * vt:  # too close to the primary trend to tell apart
            continue
        near = np.abs(t - tm) < 30.0
        assert not np.any(np.abs(v[near] - vm) < np.abs(v[near] - vt)), (tm, vm, t[near], v[near])


def test_picks_on_noisy_irregular_cmp_stay_close_to_truth():
    r = generate_cmps((1, 48, 1000), seed=3, snr_db=10.0, irregular=True)
    t, v = auto_pick(r.data[0], r.offsets_m[0], r.truth["t0_ms"])
    assert len(t) >= 5
    err = np.abs(v - _truth_at(r, t)) / _truth_at(r, t)
    assert np.median(err) < 0.02 and err.max() < 0.05


def test_guide_function_keeps_only_picks_near_it():
    r = generate_cmps((1, 48, 1000), seed=0, snr_db=None)
    tt = r.truth["t0_ms"]
    guide = (tt[::50], 1.2 * r.truth["vrms"][0][::50])
    t, v = auto_pick(r.data[0], r.offsets_m[0], tt, guide=guide, guide_tol=0.05)
    g = np.interp(t, *guide)
    assert np.all(np.abs(v - g) <= 0.05 * g)


def test_chain_respects_dix_bounds_and_time_order():
    # (t_ms, vrms, semblance): the strong 3rd candidate would need an imaginary interval velocity
    c = np.array([[400.0, 2000.0, 0.8], [800.0, 2300.0, 0.7], [900.0, 1700.0, 0.99],
                  [1200.0, 2500.0, 0.6]])
    chain = best_chain(c, vint_min=1400.0, vint_max=8000.0, multiple_tol=0.02, min_gap_ms=40.0)
    assert list(chain) == [0, 1, 3]
    fast = np.array([[400.0, 2000.0, 0.8], [420.0, 2800.0, 0.9]])  # needs vint > 8000 m/s
    assert list(best_chain(fast, vint_min=1400.0, vint_max=8000.0, multiple_tol=0.02,
                           min_gap_ms=10.0)) in ([0], [1])


def test_flat_panel_gives_no_picks():
    panel = SemblancePanel(np.ones((20, 100), dtype=np.float32), np.linspace(1500, 3000, 20),
                           4.0 * np.arange(100), 1, 1, [])
    t, v = pick_panel(panel)
    assert t.size == 0 and v.size == 0


def test_one_trace_gather_gives_no_picks():
    r = generate_cmps((1, 8, 300), seed=0, snr_db=None)
    t, _ = auto_pick(r.data[0, :1], r.offsets_m[0, :1], r.truth["t0_ms"])
    assert t.size == 0


# -- the velocities command ---------------------------------------------------------------------
def _parser():
    from geodesk.commands import velocities

    parser = argparse.ArgumentParser()
    velocities.register(parser.add_subparsers())
    return parser


def test_velocities_command_picks_every_nth_cmp(tmp_path):
    from geodesk.core.exchange.csv_io import read_velocity_csv

    r = generate_cmps((4, 32, 500), seed=4, snr_db=None)
    path = r.write(tmp_path / "cmps.sgy")
    out = tmp_path / "v.csv"
    args = _parser().parse_args(["velocities", str(path), str(out), "--every", "2"])
    assert args.func(args) == 0
    functions = read_velocity_csv(out)
    assert sorted(functions) == [int(r.cdp[0]), int(r.cdp[2])]
    for k, cdp in ((0, r.cdp[0]), (2, r.cdp[2])):
        t, v = functions[int(cdp)]
        truth = np.interp(t, r.truth["t0_ms"], r.truth["vrms"][k])
        assert len(t) >= 3 and np.all(np.abs(v - truth) / truth < 0.03)


def test_velocities_command_explains_missing_cdp_headers(tmp_path):
    from geodesk.cli import CommandError
    from geodesk.core.segy.write import write_prestack

    n_shot, n_ch, ns = 3, 12, 200
    data = np.random.default_rng(0).standard_normal((n_shot * n_ch, ns)).astype(np.float32)
    sx = np.repeat(np.arange(n_shot) * 50.0, n_ch)
    gx = sx + np.tile(np.arange(n_ch) * 25.0 + 100.0, n_shot)
    path = tmp_path / "shots.sgy"
    write_prestack(path, data, ffid=np.repeat(np.arange(1, n_shot + 1), n_ch),
                   channel=np.tile(np.arange(1, n_ch + 1), n_shot), offset=gx - sx,
                   cdp=np.zeros(n_shot * n_ch, dtype=int), source_xy=(sx, 0 * sx),
                   group_xy=(gx, 0 * gx), dt_ms=4.0)
    args = _parser().parse_args(["velocities", str(path), str(tmp_path / "v.csv")])
    with pytest.raises(CommandError, match="CDP"):
        args.func(args)


def test_unknown_method_and_model_options_without_unet_are_refused(tmp_path):
    from geodesk.cli import CommandError

    with pytest.raises(SystemExit):
        _parser().parse_args(["velocities", "a.sgy", "b.csv", "--method", "nope"])
    args = _parser().parse_args(["velocities", "a.sgy", "b.csv", "--model", "m.pt"])
    with pytest.raises(CommandError, match="--method unet"):
        args.func(args)


def test_velocities_command_sorts_shot_ordered_input_to_cmps(tmp_path):
    import segyio

    from geodesk.core.exchange.csv_io import read_velocity_csv
    from geodesk.core.segy.write import write_prestack

    r = generate_cmps((6, 24, 400), seed=7, snr_db=None)
    cmp_path = r.write(tmp_path / "cmps.sgy")
    with segyio.open(cmp_path, ignore_geometry=True) as f:
        data = segyio.tools.collect(f.trace[:])
        h = {b: np.asarray(f.attributes(b)[:], dtype=float) for b in (9, 13, 21, 37, 71, 73,
                                                                       77, 81, 85)}
    scale = np.where(h[71] < 0, -1.0 / h[71], np.maximum(h[71], 1))
    order = np.lexsort((h[13], h[9]))  # shot order: FFID, then channel
    shot_path = tmp_path / "shots.sgy"
    write_prestack(shot_path, data[order], ffid=h[9][order].astype(int),
                   channel=h[13][order].astype(int), offset=h[37][order],
                   cdp=h[21][order].astype(int),
                   source_xy=(h[73][order] * scale[order], h[77][order] * scale[order]),
                   group_xy=(h[81][order] * scale[order], h[85][order] * scale[order]),
                   dt_ms=r.dt_ms)
    outs = []
    for src in (cmp_path, shot_path):
        out = tmp_path / f"{src.stem}.csv"
        args = _parser().parse_args(["velocities", str(src), str(out), "--every", "3"])
        assert args.func(args) == 0
        outs.append(read_velocity_csv(out))
    assert sorted(outs[0]) == sorted(outs[1]) == [int(r.cdp[0]), int(r.cdp[3])]
    for cdp in outs[0]:
        np.testing.assert_allclose(outs[1][cdp][0], outs[0][cdp][0])
        np.testing.assert_allclose(outs[1][cdp][1], outs[0][cdp][1], rtol=1e-6)
