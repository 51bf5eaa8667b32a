"""Velocity picks from a model's trend: semblance peaks near it, and no invented inversions."""

import numpy as np

from geodesk.core.section import Axis, Section
from geodesk.ml.tasks.velocities import model_velocity_picks
from geodesk.synth import generate_cmps


class BendingTrend:
    """A stand-in velocity model: the true Vrms above 1.2 s, then a trend that falls away."""

    vmin, vmax = 1400.0, 6000.0

    def __init__(self, t_ms, vrms):
        self.t, self.v = np.asarray(t_ms, float), np.asarray(vrms, float)

    def predict(self, panel, ctx=None):
        v = np.interp(panel.times_ms, self.t, self.v)
        return np.where(panel.times_ms > 1200.0, v - 0.5 * (panel.times_ms - 1200.0), v)


def test_picks_sit_on_semblance_peaks_and_the_trend_beyond_them_never_inverts():
    c = generate_cmps((1, 40, 500), seed=3, dt_ms=4.0, snr_db=20.0)
    t = np.asarray(c.truth["t0_ms"], float)
    sec = Section(c.data[0], Axis(np.arange(40, dtype=float), "trace"), Axis(t, "time", "ms"),
                  "gather", headers={"offset": c.offsets_m[0]})
    model = BendingTrend(t, c.truth["vrms"][0])
    times, vrms = model_velocity_picks(model, sec, knot_ms=100.0)
    assert np.all(np.diff(times) > 0)
    truth = np.interp(times, t, c.truth["vrms"][0])
    picked = times <= 1200.0  # where the trend is right, the knots are within 2 % of the truth
    assert picked.any() and np.all(np.abs(vrms[picked] - truth[picked]) <= 0.02 * truth[picked])
    deepest = int(np.argmax(times > 1200.0)) - 1
    assert np.all(np.diff(vrms[deepest:]) >= -1e-6)  # the falling trend is not followed


def test_notch_removes_the_multiples_of_the_picks_and_keeps_the_primaries():
    from geodesk.core.processing.semblance import SemblancePanel
    from geodesk.ml.tasks.velocities import notch_multiples

    t = np.arange(0.0, 3000.0, 4.0)
    v = np.arange(1400.0, 3001.0, 20.0)
    panel = SemblancePanel(np.ones((len(v), len(t)), np.float32), v, t, 40, 1)
    picks_t, picks_v = np.array([500.0, 900.0, 1400.0]), np.array([1500.0, 1900.0, 2200.0])
    out = notch_multiples(panel, picks_t, picks_v).values

    def at(tm, vm):
        return out[np.argmin(np.abs(v - vm)), np.argmin(np.abs(t - tm))]

    assert at(1000.0, 1500.0) < 0.1 and at(1500.0, 1500.0) < 0.1  # sea-floor multiples
    assert at(1400.0, 1760.0) < 0.1  # peg-leg 500 + 900 ms
    for tp, vp in zip(picks_t, picks_v):
        assert at(tp, vp) > 0.95
    assert at(1000.0, 2000.0) > 0.95  # where the primaries' trend runs, nothing is notched
