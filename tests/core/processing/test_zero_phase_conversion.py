"""Minimum- to zero-phase conversion puts a causal wavelet's reflections back on their reflectors."""

import numpy as np

from geodesk.core.processing.phase import minimum_phase, minimum_to_zero_phase


def _band(n_fft: int = 512, peak_bin: int = 40) -> np.ndarray:
    """A seismic-like amplitude spectrum (period n_fft / peak_bin samples), no DC."""
    f = np.arange(n_fft // 2 + 1, dtype=float)
    return np.exp(-0.5 * ((f - peak_bin) / 20.0) ** 2) * (1 - np.exp(-(f / 16.0) ** 2))


def test_a_minimum_phase_wavelet_is_causal_with_the_amplitude_asked_for():
    amp = _band()
    w = minimum_phase(amp)
    assert np.sum(w[len(w) // 2:] ** 2) < 0.01 * np.sum(w**2)  # nothing before t = 0
    assert np.allclose(np.abs(np.fft.rfft(w)), np.maximum(amp, 1e-6 * amp.max()), atol=1e-6)


def test_reflections_of_a_minimum_phase_wavelet_move_back_to_their_reflectors():
    w = minimum_phase(_band())[:200]
    r = np.zeros((6, 256))
    r[:, [60, 140, 200]] = [1.0, -0.8, 0.6]
    data = np.array([np.convolve(t, w)[:256] for t in r])
    z = minimum_to_zero_phase(data)
    for at in (60, 140, 200):
        window = slice(at - 20, at + 20)
        assert abs(np.argmax(np.abs(data[0, window])) - 20) >= 3  # late before
        assert abs(np.argmax(np.abs(z[0, window])) - 20) <= 1  # on the reflector after


def test_a_dead_section_stays_zero():
    assert not minimum_to_zero_phase(np.zeros((4, 64))).any()
