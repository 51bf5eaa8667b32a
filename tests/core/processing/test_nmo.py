"""NMO: flattens primaries, stretch mute, inverse NMO, NMO stack, and the nmo/stack commands."""

import argparse

import numpy as np
import pytest

from geodesk.core.processing.nmo import inverse_nmo, nmo_correct, nmo_stack, vrms_at


def ricker(t_ms, f_hz=25.0):
    a = (np.pi * f_hz * t_ms / 1000.0) ** 2
    return (1 - 2 * a) * np.exp(-a)


T_FN = np.array([0.0, 300.0, 700.0, 1200.0])
V_FN = np.array([1700.0, 1800.0, 2200.0, 2700.0])
OFFSETS = np.linspace(100.0, 2000.0, 24)
DT, NS = 4.0, 400
TIMES = DT * np.arange(NS)


def gather(events=(300.0, 700.0, 1200.0), offsets=OFFSETS):
    x = np.abs(offsets)
    g = np.zeros((x.size, NS), dtype=np.float32)
    for t0 in events:
        v = np.interp(t0, T_FN, V_FN)
        tm = np.sqrt(t0**2 + (x * 1000.0 / v) ** 2)
        g += ricker(TIMES[None, :] - tm[:, None]).astype(np.float32)
    return g


def test_nmo_with_the_true_function_flattens_primaries_within_a_sample():
    out = nmo_correct(gather(), OFFSETS, TIMES, T_FN, V_FN, stretch_mute_pct=50.0)
    for t0 in (300.0, 700.0, 1200.0):
        j = int(t0 / DT)
        win = slice(j - 10, j + 11)
        kept = (out[:, win] != 0).all(axis=1)  # traces the stretch mute left whole here
        assert kept.sum() >= 6
        peaks = TIMES[win][np.argmax(out[kept, win], axis=1)]
        assert np.all(np.abs(peaks - t0) <= DT), (t0, peaks)


def test_nmo_with_a_wrong_velocity_stacks_weaker():
    g = gather(events=(700.0,))
    j = int(700 / DT)
    right = nmo_stack(g, OFFSETS, TIMES, T_FN, V_FN)[0][j - 5:j + 6].max()
    wrong = nmo_stack(g, OFFSETS, TIMES, T_FN, V_FN * 0.9)[0][j - 5:j + 6].max()
    assert wrong < 0.7 * right


def test_stretch_mute_zeroes_exactly_the_overstretched_samples():
    ones = np.ones((OFFSETS.size, NS), dtype=np.float32)
    out = nmo_correct(ones, OFFSETS, TIMES, T_FN, V_FN, stretch_mute_pct=30.0)
    v = vrms_at(T_FN, V_FN, TIMES)
    tm = np.sqrt(TIMES[None, :] ** 2 + (OFFSETS[:, None] * 1000.0 / v[None, :]) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        stretch = (tm - TIMES[None, :]) / TIMES[None, :]
    keep = (stretch <= 0.3) & (tm <= TIMES[-1])
    edge = np.abs(stretch - 0.3) < 1e-4  # float32 ties at the boundary may go either way
    assert np.all(out[keep & ~edge] == pytest.approx(1.0, abs=1e-5))
    assert np.all(out[~keep & ~edge] == 0.0)
    assert (~keep).sum() > 100 and keep.sum() > 100


def test_zero_offset_trace_is_never_muted_or_moved():
    g = gather(offsets=np.array([0.0, 500.0]))
    out = nmo_correct(g, [0.0, 500.0], TIMES, T_FN, V_FN, stretch_mute_pct=10.0)
    np.testing.assert_allclose(out[0], g[0], atol=1e-6)


def test_inverse_nmo_restores_the_gather():
    g = gather()
    back = inverse_nmo(nmo_correct(g, OFFSETS, TIMES, T_FN, V_FN), OFFSETS, TIMES, T_FN, V_FN)
    near = OFFSETS <= 1200  # far traces lose what NMO stretched past the record or crossed
    err = np.abs(back[near, 100:-20] - g[near, 100:-20]).max()
    assert err < 0.15 * np.abs(g).max()  # two linear interpolations of a 25 Hz wavelet at 4 ms


def test_nmo_stack_normalises_by_fold_and_skips_dead_traces():
    g = gather(events=(700.0,))
    g[5] = 0.0  # dead
    trace, fold = nmo_stack(g, OFFSETS, TIMES, T_FN, V_FN, stretch_mute_pct=None)
    j = int(700 / DT)
    assert trace[j] == pytest.approx(1.0, abs=0.1)  # mean of flattened unit events, not sum
    assert fold[j] == OFFSETS.size - 1
    muted, mfold = nmo_stack(g, OFFSETS, TIMES, T_FN, V_FN, stretch_mute_pct=20.0)
    assert mfold[j] < fold[j]
    assert muted[j] == pytest.approx(1.0, abs=0.1)


def test_velocity_function_is_validated():
    with pytest.raises(ValueError):
        vrms_at([0.0, 100.0], [1500.0], TIMES)
    with pytest.raises(ValueError):
        vrms_at([0.0], [-1.0], TIMES)
    with pytest.raises(ValueError):
        nmo_correct(gather(), OFFSETS[:-1], TIMES, T_FN, V_FN)


# -- commands on a small synthetic file ---------------------------------------------------------
def _commands():
    from geodesk.commands import nmo_stack, velocities

    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers()
    velocities.register(subparsers)
    nmo_stack.register(subparsers)
    return parser


@pytest.fixture(scope="module")
def cmp_file(tmp_path_factory):
    from geodesk.synth.cmps import generate_cmps

    result = generate_cmps((4, 24, 400), seed=2, snr_db=None)
    path = result.write(tmp_path_factory.mktemp("cmps") / "cmps.sgy")
    return path, result


def _truth_csv(path, result):
    from geodesk.core.exchange.csv_io import write_velocity_csv

    t = result.truth["t0_ms"]
    functions = {int(c): (t[::25], result.truth["vrms"][k][::25])
                 for k, c in enumerate(result.cdp)}
    write_velocity_csv(path, functions)
    return functions


def test_nmo_command_writes_flattened_gathers(cmp_file, tmp_path):
    import segyio

    path, result = cmp_file
    picks = tmp_path / "v.csv"
    _truth_csv(picks, result)
    out = tmp_path / "nmo.sgy"
    args = _commands().parse_args(["nmo", str(path), str(picks), str(out)])
    assert args.func(args) == 0
    with segyio.open(out, ignore_geometry=True) as f, segyio.open(path, ignore_geometry=True) as s:
        assert f.tracecount == s.tracecount
        np.testing.assert_array_equal(f.attributes(21)[:], s.attributes(21)[:])
        data = segyio.tools.collect(f.trace[:])
    gathers = data.reshape(4, 24, -1)
    t0 = result.truth["primary_t0_ms"][2]
    j = round(t0 / result.dt_ms)
    win = slice(j - 8, j + 9)
    for g in gathers:
        live = np.abs(g[:, win]).max(axis=1) > 0
        peaks = np.argmax(np.abs(g[live, win]), axis=1)
        assert np.ptp(peaks) <= 1  # flat within a sample


def test_stack_command_writes_one_trace_per_cdp_with_coordinates(cmp_file, tmp_path):
    import segyio

    path, result = cmp_file
    picks = tmp_path / "v.csv"
    _truth_csv(picks, result)
    out = tmp_path / "stack.sgy"
    args = _commands().parse_args(["stack", str(path), str(picks), str(out)])
    assert args.func(args) == 0
    with segyio.open(out, ignore_geometry=True) as f:
        assert f.tracecount == len(result.cdp)
        np.testing.assert_array_equal(f.attributes(21)[:], result.cdp)
        scalar = f.attributes(71)[:]
        x = f.attributes(181)[:] * np.where(scalar < 0, -1.0 / scalar, np.maximum(scalar, 1))
        stack = segyio.tools.collect(f.trace[:])
    with segyio.open(path, ignore_geometry=True) as s:
        sc = s.attributes(71)[:]
        cx = s.attributes(181)[:] * np.where(sc < 0, -1.0 / sc, np.maximum(sc, 1))
    np.testing.assert_allclose(x, cx.reshape(4, 24).mean(axis=1), atol=0.05)
    j = round(result.truth["primary_t0_ms"][1] / result.dt_ms)
    assert np.abs(stack[:, j - 3:j + 4]).max() > 0.5 * np.abs(result.truth["primary_amp"][1])
