"""Parabolic Radon demultiple: the slow multiple goes, the primary stays."""

import numpy as np
import pytest

from geodesk.core.processing.radon import radon_demultiple, radon_forward, radon_inverse

T_MS = np.arange(0.0, 2000.0, 4.0)
OFFSETS = np.linspace(100.0, 2500.0, 40)
GUIDE = (np.array([0.0, 2000.0]), np.array([2200.0, 2200.0]))


def _ricker(t_s: np.ndarray, f_hz: float = 25.0) -> np.ndarray:
    a = (np.pi * f_hz * t_s) ** 2
    return (1.0 - 2.0 * a) * np.exp(-a)


def _hyperbola(t0_s: float, v: float, amp: float = 1.0) -> np.ndarray:
    tt = np.sqrt(t0_s ** 2 + (OFFSETS / v) ** 2)
    return (amp * _ricker(T_MS[None, :] / 1000.0 - tt[:, None])).astype(np.float32)


def _db(ref: np.ndarray, residual: np.ndarray) -> float:
    return 10.0 * np.log10(np.sum(ref ** 2) / np.sum(residual ** 2))


def test_slow_multiple_is_attenuated_and_primary_kept():
    primary = _hyperbola(1.0, 2200.0)
    multiple = _hyperbola(1.4, 1700.0, amp=1.5)
    out = radon_demultiple(primary + multiple, OFFSETS, T_MS, GUIDE, q_cut_ms=30.0)
    residual_multiple = out - primary
    assert _db(multiple, residual_multiple) > 15.0
    kept = np.sum(out * primary) / np.sum(primary ** 2)
    assert abs(kept - 1.0) < 0.05


def test_crossing_multiple_under_primary_is_attenuated():
    primary = _hyperbola(1.2, 2200.0)
    multiple = _hyperbola(1.2, 1600.0)
    out = radon_demultiple(primary + multiple, OFFSETS, T_MS, GUIDE, q_cut_ms=30.0)
    assert _db(multiple, out - primary) > 10.0
    assert abs(np.sum(out * primary) / np.sum(primary ** 2) - 1.0) < 0.1


def test_gather_of_primaries_only_is_left_nearly_unchanged():
    primary = _hyperbola(0.8, 2200.0) + _hyperbola(1.5, 2200.0, amp=0.5)
    out = radon_demultiple(primary, OFFSETS, T_MS, GUIDE, q_cut_ms=30.0)
    assert _db(primary, out - primary) > 20.0


def test_transform_models_back_flat_and_curved_events():
    q = np.arange(-100.0, 204.0, 4.0)
    data = np.zeros((OFFSETS.size, T_MS.size), dtype=np.float32)
    p = (OFFSETS / OFFSETS.max()) ** 2
    for t0, curv in ((600.0, 0.0), (1200.0, 120.0)):
        data += _ricker((T_MS[None, :] - t0 - curv * p[:, None]) / 1000.0).astype(np.float32)
    back = radon_inverse(radon_forward(data, OFFSETS, 4.0, q), OFFSETS, 4.0, q)
    assert _db(data, back - data) > 15.0


def test_dead_traces_and_muted_samples_stay_zero_and_tiny_gathers_pass_through():
    data = _hyperbola(1.0, 2200.0) + _hyperbola(1.4, 1700.0) + 0.01
    data[3] = 0.0
    data[20:, :200] = 0.0  # a mute on the far traces
    out = radon_demultiple(data, OFFSETS, T_MS, GUIDE)
    assert not out[3].any() and not out[20:, :200].any()
    small = data[:2]
    np.testing.assert_array_equal(radon_demultiple(small, OFFSETS[:2], T_MS, GUIDE), small)


@pytest.mark.parametrize("guide", ["water", "picks"])
def test_velocity_analysis_demultiple_removes_water_speed_energy(guide):
    from geodesk.core.processing.velpick import demultiple_gather

    primaries = _hyperbola(0.6, 2000.0) + _hyperbola(1.3, 2300.0)
    multiple = _hyperbola(0.95, 1500.0)
    out = demultiple_gather(primaries + multiple, OFFSETS, T_MS, guide=guide)
    assert _db(multiple, out - primaries) > 10.0
    assert abs(np.sum(out * primaries) / np.sum(primaries ** 2) - 1.0) < 0.1


def test_demultiple_guide_is_checked():
    from geodesk.core.processing.velpick import demultiple_gather

    with pytest.raises(ValueError, match="guide"):
        demultiple_gather(_hyperbola(1.0, 2000.0), OFFSETS, T_MS, guide="sea")
