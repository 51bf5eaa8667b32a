"""to_state/from_state round trips are exact (NaN, provenance, seeds, sticks), through JSON too."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from geodesk.core.picks import (
    FaultSet,
    FirstBreaks,
    Horizon,
    Interpretation,
    VelocityFunctions,
)

PROVS = ["manual", "tracked", "corrected", "model:unet@1.0", "imported:top.xyz"]


def _through_json(state):
    """What the project layer does: meta through JSON, arrays copied (as HDF5 would)."""
    meta, arrays = state
    return json.loads(json.dumps(meta)), {k: np.array(v) for k, v in arrays.items()}


def _assert_same_state(a, b):
    ma, aa = a
    mb, ab = b
    assert ma == mb
    assert sorted(aa) == sorted(ab)
    for k in aa:
        assert aa[k].dtype == ab[k].dtype, k
        assert np.array_equal(aa[k], ab[k], equal_nan=aa[k].dtype.kind == "f"), k


times_grid = hnp.arrays(np.float32, hnp.array_shapes(min_dims=2, max_dims=2, max_side=6),
                        elements=st.floats(-1e4, 1e4, width=32) | st.just(np.nan))


@settings(max_examples=40, deadline=None)
@given(times=times_grid, data=st.data())
def test_horizon_round_trip_is_exact(times, data):
    ni, nx = times.shape
    hz = Horizon("H \u00e9", np.arange(ni) * 2 + 100, np.arange(nx) + 7, colour="#12ab34")
    for k in np.flatnonzero(np.isfinite(times)):
        prov = data.draw(st.sampled_from(PROVS[1:] + ["manual"]))
        conf = data.draw(st.none() | st.floats(0, 1, width=32))
        hz.set_times(None, [k], times.ravel()[k], provenance=prov, confidence=conf)
    seeds = data.draw(st.lists(st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6),
                                         st.floats(0, 1e4)), max_size=4))
    hz.set_seeds(None, seeds)
    state = hz.to_state()
    back = Horizon.from_state(*_through_json(state))
    _assert_same_state(state, back.to_state())
    assert back.seeds == [tuple(map(float, s)) for s in seeds]
    assert back.provenance_of(range(hz.times.size)) == hz.provenance_of(range(hz.times.size))
    np.testing.assert_array_equal(back.times, times)


@settings(max_examples=30, deadline=None)
@given(times=hnp.arrays(np.float32, st.integers(1, 12),
                        elements=st.floats(0, 5000, width=32) | st.just(np.nan)),
       data=st.data())
def test_first_breaks_round_trip_is_exact(times, data):
    n = times.size
    fb = FirstBreaks("FB", np.arange(n) // 3 + 1, np.arange(n) % 3 + 1)
    codes = data.draw(st.lists(st.sampled_from(PROVS), min_size=n, max_size=n))
    for k in range(n):
        fb.set_times(None, [k], times[k], provenance=codes[k], confidence=0.25)
    state = fb.to_state()
    _assert_same_state(state, FirstBreaks.from_state(*_through_json(state)).to_state())


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_fault_set_round_trip_is_exact(data):
    fs = FaultSet("Faults")
    for f in range(data.draw(st.integers(0, 3))):
        fs.add_fault(None, f"F{f}", colour=f"#0000{f:02d}")
        for _ in range(data.draw(st.integers(0, 3))):
            pts = data.draw(hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.just(3)),
                                       elements=st.floats(-1e5, 1e5)))
            kind = data.draw(st.sampled_from(["inline", "crossline", "line"]))
            fs.add_stick(None, f"F{f}", pts, kind, data.draw(st.integers(0, 999)),
                         provenance=data.draw(st.sampled_from(PROVS)))
    state = fs.to_state()
    back = FaultSet.from_state(*_through_json(state))
    _assert_same_state(state, back.to_state())
    if fs.n_sticks:  # a stick added after loading gets a fresh uid
        uid = back.add_stick(None, back.fault_names[0], [[0, 0, 0]], "line", 0)
        assert uid not in [s.uid for f in fs.faults for s in f.sticks]


@settings(max_examples=30, deadline=None)
@given(funcs=st.dictionaries(st.integers(0, 10_000), st.lists(
    st.tuples(st.floats(0, 6000), st.floats(1000, 6000), st.sampled_from(PROVS)),
    min_size=0, max_size=5), max_size=4))
def test_velocity_round_trip_is_exact(funcs):
    vf = VelocityFunctions("V")
    for cdp, picks in funcs.items():
        vf.set_function(None, cdp, [p[0] for p in picks], [p[1] for p in picks],
                        [p[2] for p in picks])
    state = vf.to_state()
    back = VelocityFunctions.from_state(*_through_json(state))
    _assert_same_state(state, back.to_state())
    for cdp in vf.cdps:
        assert back.function(cdp).provenance == vf.function(cdp).provenance


def test_interpretation_round_trip_holds_every_kind():
    store = Interpretation("demo.sgy")
    hz = store.add(None, Horizon("Top", [1, 2], [3, 4, 5]))
    hz.set_times(None, [1, 4], [100.0, np.nan], provenance="tracked", confidence=0.7)
    hz.add_seed(None, 1, 4, 100.0)
    fs = store.add(None, FaultSet("Faults"))
    fs.add_fault(None, "F1")
    fs.add_stick(None, "F1", [[1, 3, 10], [1, 4, 20]], "inline", 1)
    fb = store.add(None, FirstBreaks("FB", [1, 1], [1, 2]))
    fb.set_times(None, [0], 12.5, provenance="model:fb@2", confidence=0.9)
    vf = store.add(None, VelocityFunctions("Vel"))
    vf.set_function(None, 5, [100, 900], [1500, 2500])
    state = store.to_state()
    back = Interpretation.from_state(*_through_json(state))
    _assert_same_state(state, back.to_state())
    assert back.names("horizon") == ["Top"] and back.get("first_breaks", "FB").n_picked == 1
