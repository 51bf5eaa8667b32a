"""Attributes on signals whose answer is known: envelope of a modulated sine, instantaneous
frequency of a chirp, RMS and dominant frequency of a sine, dip of dipping events, coherence of
identical and of random traces, block-wise equal to one pass."""

import numpy as np
import pytest

from geodesk.core.processing import attributes as A

DT = 2.0
T = np.arange(1000) * DT / 1000.0  # 2 s at 2 ms


def test_envelope_of_an_amplitude_modulated_sine_is_its_modulation():
    modulation = 1.0 + 0.5 * np.sin(2 * np.pi * 2 * T)
    env = A.envelope((modulation * np.sin(2 * np.pi * 40 * T))[None])[0]
    np.testing.assert_allclose(env[100:-100], modulation[100:-100], atol=1e-3)


def test_instantaneous_frequency_of_a_linear_chirp_follows_its_sweep():
    f0, f1 = 10.0, 60.0
    phase = 2 * np.pi * (f0 * T + (f1 - f0) / (2 * T[-1]) * T**2)
    sweep = f0 + (f1 - f0) * T / T[-1]
    raw = A.instantaneous_frequency(np.sin(phase)[None], DT)[0]
    smooth = A.instantaneous_frequency(np.sin(phase)[None], DT, window_ms=20)[0]
    assert np.abs(raw - sweep)[100:-100].max() < 1.0
    assert np.abs(smooth - sweep)[100:-100].max() < 0.5


def test_instantaneous_phase_of_a_cosine_advances_with_time():
    ph = A.instantaneous_phase(np.cos(2 * np.pi * 25 * T)[None])[0]
    expected = np.angle(np.exp(1j * 2 * np.pi * 25 * T))
    err = np.angle(np.exp(1j * (ph - expected)))
    assert np.abs(err[100:-100]).max() < 0.01


def test_rms_and_dominant_frequency_of_a_sine():
    s = np.sin(2 * np.pi * 25 * T)[None]
    assert A.rms_amplitude(s, DT, 200)[0][100:-100] == pytest.approx(1 / np.sqrt(2), abs=0.01)
    assert A.dominant_frequency(s, DT, 200)[0][100:-100] == pytest.approx(25, abs=0.5)


def test_local_dip_of_dipping_events_is_their_slope_in_ms_per_trace():
    traces, t = np.arange(40), np.arange(300) * DT
    for slope in (-2.0, 0.0, 3.0):
        sec = np.sin(2 * np.pi * 20 * (t[None, :] - slope * traces[:, None]) / 1000)
        dip = A.local_dip(sec, DT)[0]
        assert np.median(dip[5:-5, 20:-20]) == pytest.approx(slope, abs=0.15)
        assert np.median(A.dip_magnitude(sec, DT)[5:-5, 20:-20]) == pytest.approx(abs(slope),
                                                                                 abs=0.15)


def test_coherence_is_one_for_identical_traces_and_low_for_random_ones():
    trace = np.sin(2 * np.pi * 20 * np.arange(300) * DT / 1000)
    assert A.coherence(np.tile(trace, (10, 1)), DT).min() == pytest.approx(1.0, abs=1e-6)
    noise = np.random.default_rng(0).normal(size=(10, 8, 300))
    assert A.coherence(noise, DT).mean() < 0.3


def test_attribute_blocks_equal_one_pass_over_the_volume():
    v = np.random.default_rng(1).normal(size=(30, 12, 100)).astype(np.float32)
    full = A.compute_attributes(v, DT)
    parts = [f for _s, f in A.attribute_blocks(lambda a, b: v[a:b], 30, DT, block=7)]
    np.testing.assert_allclose(np.concatenate(parts), full, rtol=1e-5, atol=1e-5)


def test_unknown_attribute_names_are_refused():
    with pytest.raises(ValueError, match="unknown attribute"):
        A.compute_attributes(np.zeros((2, 10)), DT, ("envelope", "sweetness"))


def test_steered_coherence_follows_dipping_events_the_flat_one_sees_shifted():
    traces, t = np.arange(20), np.arange(300) * DT
    sec = np.sin(2 * np.pi * 40 * (t[None, :] - 3.0 * traces[:, None]) / 1000)  # 3 ms / trace
    flat = A.coherence(sec, DT)[3:-3, 30:-30]
    steered = A.steered_coherence(sec, DT)[3:-3, 30:-30]
    assert np.median(steered) > 0.95
    assert np.median(flat) < 0.8
    noise = np.random.default_rng(0).normal(size=(10, 8, 300))
    assert A.steered_coherence(noise, DT).mean() < 0.35
