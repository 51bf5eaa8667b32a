"""AGC: balances amplitudes per window, keeps dead traces dead, works on Sections in ms."""

import numpy as np
import pytest

from geodesk.core.processing import agc, agc_section
from geodesk.core.section import Axis, Section


def test_agc_equalises_traces_of_different_gain():
    rng = np.random.default_rng(0)
    base = rng.standard_normal(500).astype(np.float32)
    data = np.stack([base, 100.0 * base])
    out = agc(data, 51)
    assert np.allclose(out[0], out[1], rtol=1e-4)


def test_agc_balances_decay_within_a_trace():
    t = np.arange(1000)
    trace = (np.sign(np.sin(t / 3.0)) * np.exp(-t / 200.0)).astype(np.float32)
    out = agc(trace[None, :], 41)[0]
    early, late = np.abs(out[50:150]).mean(), np.abs(out[850:950]).mean()
    assert np.abs(trace[850:950]).mean() < 0.05 * np.abs(trace[50:150]).mean()
    assert late == pytest.approx(early, rel=0.1)


def test_agc_of_constant_is_one_and_zero_stays_zero():
    assert np.allclose(agc(np.full((1, 20), 3.0), 5), 1.0)
    assert not agc(np.zeros((2, 20)), 5).any()


def test_agc_window_is_centred_and_truncated_at_ends():
    x = np.zeros(11, dtype=np.float32)
    x[5] = 2.0
    out = agc(x[None], 3)[0]
    assert out[5] == pytest.approx(3.0)  # 2 / mean(|0, 2, 0|)
    assert out[0] == 0.0


def test_agc_section_converts_window_ms_to_samples():
    data = np.zeros((1, 101), dtype=np.float32)
    data[0, 50] = 1.0
    sec = Section(data, Axis(np.array([1.0]), "trace"),
                  Axis(np.arange(101) * 4.0, "time", "ms"), "line")
    out = agc_section(sec, 20.0)  # 5 samples
    assert out.data[0, 50] == pytest.approx(5.0)
    assert out.axis1 is sec.axis1 and sec.data[0, 50] == 1.0


def test_agc_section_leaves_time_slices_alone():
    sec = Section(np.ones((2, 3), dtype=np.float32), Axis(np.arange(2.0), "inline"),
                  Axis(np.arange(3.0), "crossline"), "time")
    assert agc_section(sec, 100.0) is sec
