"""Section tracking: follows the chosen phase to within a sample and stops where it should."""

import numpy as np
import pytest

from geodesk.core.processing.tracking import TrackParams, track_section

DT = 4.0
TIMES = np.arange(0, 800, DT)


def ricker(t_ms, f=30.0):
    a = (np.pi * f * np.asarray(t_ms) / 1000.0) ** 2
    return (1 - 2 * a) * np.exp(-a)


def section(truth, noise=0.05, seed=0, amp=None):
    amp = np.ones_like(truth) if amp is None else amp
    data = amp[:, None] * ricker(TIMES[None, :] - truth[:, None])
    rng = np.random.default_rng(seed)
    return (data + noise * rng.standard_normal(data.shape)).astype(np.float32)


def folded(n=150):
    x = np.arange(n)
    return 300 + 0.6 * x + 25 * np.sin(x / 14.0)


def test_folded_reflector_recovered_within_one_sample():
    truth = folded()
    data = section(truth)
    t, conf = track_section(data, TIMES, [(75, truth[75] + 5)], TrackParams(event="peak"))
    assert np.isfinite(t).all()
    assert np.max(np.abs(t - truth)) < DT
    assert np.median(np.abs(t - truth)) < DT / 4  # sub-sample refinement at work
    assert conf[75] == 1.0 and conf.min() > 0.9


@pytest.mark.parametrize("event, phase_ms", [
    ("peak", 0.0),
    # Ricker side-lobe minima sit at +/- sqrt(1.5)/(pi f); zero crossings at +/- 1/(sqrt(2) pi f)
    ("trough", np.sqrt(1.5) / (np.pi * 30.0) * 1000),
    ("zc+", 1000 / (np.sqrt(2) * np.pi * 30.0)),
    ("zc-", -1000 / (np.sqrt(2) * np.pi * 30.0)),
])
def test_each_event_type_picks_its_phase(event, phase_ms):
    truth = folded(80)
    data = section(truth, noise=0.02)
    seed_t = truth[40] + phase_ms
    t, _ = track_section(data, TIMES, [(40, seed_t)], TrackParams(event=event))
    assert np.isfinite(t).all()
    assert np.max(np.abs(t - (truth + phase_ms))) < DT / 2


def test_seed_snaps_to_nearest_event_of_the_kind():
    truth = np.full(20, 400.0)
    data = section(truth, noise=0.0)
    t, _ = track_section(data, TIMES, [(10, 409.0)], TrackParams(event="peak", search_ms=12))
    assert np.allclose(t, 400.0, atol=0.5)


def test_stops_at_fault_throw_larger_than_max_jump():
    truth = np.full(100, 300.0)
    truth[60:] += 40.0  # fault between traces 59 and 60
    data = section(truth, noise=0.05)
    t, conf = track_section(data, TIMES, [(20, 300.0)],
                            TrackParams(max_jump_ms=8, search_ms=12, threshold=0.7))
    assert np.isfinite(t[:60]).all()
    assert np.isnan(t[60:]).all()
    assert (conf[60:] == 0).all()


def test_crosses_small_throw_within_max_jump():
    truth = np.full(100, 300.0)
    truth[60:] += 6.0
    data = section(truth, noise=0.05)
    t, _ = track_section(data, TIMES, [(20, 300.0)], TrackParams(max_jump_ms=8))
    assert np.isfinite(t).all()
    assert np.max(np.abs(t - truth)) < DT


def test_stops_where_correlation_falls_below_threshold():
    truth = np.full(100, 300.0)
    amp = np.where(np.arange(100) < 50, 1.0, 0.0)  # reflector fades into pure noise
    data = section(truth, noise=0.1, amp=amp)
    t, conf = track_section(data, TIMES, [(10, 300.0)], TrackParams(threshold=0.8))
    assert np.isfinite(t[:50]).all()
    assert np.isnan(t[52:]).all()
    assert conf[:50].min() >= 0.8


def test_tracks_both_ways_from_several_seeds_without_overwriting():
    truth = folded(120)
    data = section(truth)
    seeds = [(10, truth[10]), (100, truth[100])]
    t, conf = track_section(data, TIMES, seeds)
    assert np.isfinite(t).all()
    assert np.max(np.abs(t - truth)) < DT
    assert conf[10] == 1.0 and conf[100] == 1.0


def test_skips_dead_traces():
    truth = folded(60)
    data = section(truth)
    live = np.ones(60, dtype=bool)
    live[30:32] = False
    data[30:32] = 0
    t, _ = track_section(data, TIMES, [(5, truth[5])], TrackParams(), live=live)
    assert np.isnan(t[30:32]).all()
    assert np.isfinite(t[32:]).all()
    assert np.max(np.abs(t[32:] - truth[32:])) < DT


def test_seed_reference_mode_also_tracks():
    truth = folded(60)
    data = section(truth)
    t, _ = track_section(data, TIMES, [(30, truth[30])], TrackParams(reference="seed"))
    assert np.max(np.abs(t - truth)) < DT


def test_bad_parameters_are_rejected():
    with pytest.raises(ValueError):
        TrackParams(event="max")
    with pytest.raises(ValueError):
        TrackParams(threshold=1.5)
    with pytest.raises(ValueError):
        track_section(np.zeros((3, 10)), TIMES[:10], [(5, 10.0)])
