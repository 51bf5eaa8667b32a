"""Linear moveout: reduced display aligns the reduction-velocity arrival; times map back exactly."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodesk.core.processing.moveout import (
    reduce_gather,
    reduce_section,
    reduce_times,
    unreduce_gather,
    unreduce_times,
)
from geodesk.core.section import Axis, Section

DT = 2.0


def spike_gather(offsets, v, t0=100.0, ns=600):
    g = np.zeros((len(offsets), ns), np.float32)
    idx = np.rint((t0 + 1000 * np.abs(offsets) / v) / DT).astype(int)
    g[np.arange(len(offsets)), idx] = 1.0
    return g


def test_reduction_flattens_an_arrival_at_the_reduction_velocity():
    offsets = np.arange(-12, 12) * 40.0  # |x|/v is a whole number of samples at 2000 m/s
    g = spike_gather(offsets, 2000.0)
    red = reduce_gather(g, offsets, DT, 2000.0)
    assert (np.argmax(red, axis=1) == 50).all()
    np.testing.assert_allclose(red.max(axis=1), 1.0)


def test_fractional_shifts_round_trip_on_a_smooth_signal():
    offsets = np.array([13.0, -77.0, 151.0])  # fractional sample shifts at 1700 m/s
    t = np.arange(400) * DT
    g = np.tile(np.sin(2 * np.pi * 8.0 * t / 1000.0), (3, 1)).astype(np.float32)
    back = unreduce_gather(reduce_gather(g, offsets, DT, 1700.0), offsets, DT, 1700.0)
    inner = slice(60, 340)  # away from the zeroed ends
    np.testing.assert_allclose(back[:, inner], g[:, inner], atol=0.01)


def test_whole_sample_shifts_round_trip_exactly():
    offsets = np.array([0.0, 20.0, -40.0, 100.0])  # 0, 5, 10, 25 samples at 2000 m/s, dt 2 ms
    g = np.random.default_rng(1).standard_normal((4, 200)).astype(np.float32)
    back = unreduce_gather(reduce_gather(g, offsets, DT, 2000.0), offsets, DT, 2000.0)
    for i, s in enumerate([0, 5, 10, 25]):
        np.testing.assert_allclose(back[i, s:], g[i, s:], atol=1e-6)
        assert not back[i, :s].any()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-5000, 5000), min_size=1, max_size=20),
       st.floats(100, 8000), st.floats(-1000, 5000))
def test_reduce_and_unreduce_times_are_inverse(offsets, v, t):
    times = np.full(len(offsets), t)
    red = reduce_times(times, offsets, v)
    np.testing.assert_allclose(unreduce_times(red, offsets, v), times, rtol=0, atol=1e-9)
    assert (red <= times + 1e-12).all()


def test_pick_on_reduced_display_maps_to_the_arrival_in_recorded_time():
    offsets = np.arange(1, 20) * 50.0
    g = spike_gather(offsets, 2500.0, t0=80.0)
    red = reduce_gather(g, offsets, DT, 2500.0)
    picked_reduced = np.argmax(red, axis=1) * DT
    recorded = unreduce_times(picked_reduced, offsets, 2500.0)
    np.testing.assert_allclose(recorded, np.argmax(g, axis=1) * DT, atol=DT)


def test_reduce_section_keeps_headers_and_relabels_time():
    offsets = np.arange(8) * 100.0
    sec = Section(spike_gather(offsets, 2000.0, ns=300), Axis(np.arange(8.0), "trace"),
                  Axis(np.arange(300) * DT, "time", "ms"), "gather",
                  headers={"offset": offsets})
    red = reduce_section(sec, 2000.0)
    assert red.kind == "gather" and "2000" in red.axis1.label
    assert (np.argmax(red.data, axis=1) == 50).all()
    with pytest.raises(ValueError):
        reduce_section(Section(sec.data, sec.axis0, sec.axis1, "gather"), 2000.0)


def test_bad_velocity_or_shapes_are_rejected():
    with pytest.raises(ValueError):
        reduce_gather(np.zeros((3, 10)), np.zeros(3), DT, 0.0)
    with pytest.raises(ValueError):
        reduce_gather(np.zeros((3, 10)), np.zeros(4), DT, 1000.0)
