"""The evaluation CMP family: its truth is self-consistent and its gathers vary as promised."""

import numpy as np
from evalgen.cmps import eval_cmp, layered_model, scored_span_ms, vrms_of


def test_vrms_is_the_time_average_of_squared_interval_velocity():
    t = np.arange(0, 2.0, 0.002)
    vint = np.where(t < 1.0, 1500.0, 2500.0)
    v = vrms_of(t, vint)
    assert abs(v[np.searchsorted(t, 0.5)] - 1500.0) < 1.0
    expect = np.sqrt((1500.0 ** 2 * 1.0 + 2500.0 ** 2 * 0.8) / 1.8)
    assert abs(v[np.searchsorted(t, 1.8)] - expect) < 0.005 * expect


def test_layered_models_include_inversions_and_strong_gradients():
    t = np.arange(0, 6.0, 0.004)
    drops = grads = 0
    for seed in range(30):
        vint, _, tops = layered_model(np.random.default_rng(seed), t, marine=seed % 2 == 0)
        steps = np.array([vint[top["i"]] - vint[top["i"] - 1] for top in tops if top["i"] > 0])
        drops += int((steps < -0.07 * vint.mean()).any())
        grads += int((np.diff(vint) / 0.004 > 500.0).any())
    assert drops >= 5 and grads >= 5


def test_the_same_seed_gives_the_same_gather_and_other_seeds_vary_the_recording():
    a, b = eval_cmp(7, 10.0), eval_cmp(7, 10.0)
    assert np.array_equal(a.data, b.data) and np.array_equal(a.offsets_m, b.offsets_m)
    ps = [eval_cmp(s, 10.0).params for s in range(24)]
    assert {p["dt_ms"] for p in ps} == {1.0, 2.0, 3.0, 4.0}
    assert {p["wavelet"] for p in ps} == {"minimum_phase", "ormsby", "ormsby_rotated"}
    assert {p["mute"] for p in ps} == {"stretch", "hard", "none"}
    recs = [p["record_s"] for p in ps]
    assert min(recs) < 2.0 and max(recs) > 4.0 and all(1.0 <= r <= 6.0 for r in recs)


def test_primaries_lie_on_the_truth_hyperbola():
    c = eval_cmp(11, 40.0, dt_ms=2.0, record_s=2.0, multiples=False, coherent=False,
                 bursts=False, mute="none", eta_max=0.0)
    live = np.flatnonzero((c.data != 0).any(axis=1))
    t, x = c.times_ms / 1000.0, c.offsets_m[live]
    k = int(np.argmax(np.abs(c.truth["primary_amp"])))
    t0 = c.truth["primary_t0_ms"][k] / 1000.0
    v = c.truth["vrms"][np.searchsorted(t, t0)]

    def stacked(vel):
        tt = np.sqrt(t0 ** 2 + (x / vel) ** 2)
        return abs(sum(np.interp(tt[i], t, c.data[j]) for i, j in enumerate(live)))

    assert stacked(v) > 2.0 * max(stacked(0.85 * v), stacked(1.15 * v))


def test_offsets_are_irregular_or_missing_and_dead_traces_are_zero():
    gaps = 0
    for seed in range(20):
        c = eval_cmp(seed, 5.0)
        d = np.diff(np.sort(c.offsets_m))
        gaps += int(d.max() > 2.5 * np.median(d))
        assert not c.data[c.truth["dead"]].any()
        assert np.isfinite(c.data).all()
    assert gaps >= 3


def test_scored_span_lies_between_strong_primaries():
    c = eval_cmp(3, 10.0)
    lo, hi = scored_span_ms(c)
    assert c.truth["primary_t0_ms"].min() <= lo < hi <= c.truth["primary_t0_ms"].max()
