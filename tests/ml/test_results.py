"""Model answers in workstation form: first-break confidence, sparse velocity knots, jobs that
publish per gather and put the gathers on screen first."""

import numpy as np
import pytest

from geodesk.core.jobs import JobContext
from geodesk.ml.run.results import (
    change_point_confidence,
    firstbreak_picks,
    model_velocity_function,
    pick_first_breaks_model,
    pick_velocities_model,
    priority_order,
    provenance_of,
    semblance_time_range,
    velocity_knots,
)


def _fitted(tiny_model, name):
    m = tiny_model(name)
    m._init_net()
    return m


def test_priority_order_puts_the_screen_first():
    assert priority_order([5, 6, 7, 8], [7, 99]) == [7, 5, 6, 8]
    assert priority_order([1, 2], []) == [1, 2]


def test_confidence_is_high_for_a_clean_change_point_and_low_for_a_blur():
    n = 40
    clean = np.zeros((3, 1, n))
    clean[0, 0, :20], clean[2, 0, 20:] = 1.0, 1.0
    blur = np.full((3, 1, n), 1 / 3)
    assert change_point_confidence(clean, np.array([20]))[0] == pytest.approx(1.0)
    assert change_point_confidence(blur, np.array([20]))[0] == pytest.approx(0.5, abs=0.2)
    # at the record's start only the "after" side counts
    assert change_point_confidence(clean[:, :, 20:], np.array([0]))[0] == pytest.approx(1.0)


def test_firstbreak_picks_are_predict_plus_a_confidence(tiny_model, tiny_examples):
    X, y = tiny_examples("firstbreaks")
    model = tiny_model("firstbreak-unet").fit(X, y)  # the tiny settings train it to pick
    gather = X[0]
    times, conf = firstbreak_picks(model, gather)
    np.testing.assert_array_equal(times, model.predict(gather))
    ok = np.isfinite(times)
    assert ok.any() and np.isfinite(conf[ok]).all()
    assert np.all((conf[ok] >= 0) & (conf[ok] <= 1)) and np.all(np.isnan(conf[~ok]))
    assert provenance_of(model) == f"model:firstbreak-unet@{model.version}"


def test_survey_job_picks_the_screen_shot_first_and_publishes_each(tiny_model, tmp_path):
    from geodesk.core.segy.reader import open_survey
    from geodesk.synth.shots import generate_shots

    model = _fitted(tiny_model, "firstbreak-unet")
    path = generate_shots((3, 12, 200), seed=2, dt_ms=2.0).write(tmp_path / "s.sgy")
    published = []
    ctx = JobContext(on_publish=published.append)
    with open_survey(path, kind="prestack") as s:
        keys = list(s.gather_keys)
        times, conf = pick_first_breaks_model(s, model, ctx, first=[keys[-1]])
        first_idx = np.asarray(s.gather(keys[-1]).trace_index)
        assert len(published) == len(keys)
        np.testing.assert_array_equal(np.sort(published[0][0]), np.sort(first_idx))
        np.testing.assert_allclose(times[first_idx], model.predict(s.gather(keys[-1])))
        assert times.shape == conf.shape == (s.n_traces,)


def test_velocity_knots_are_sparse_follow_bends_and_stay_in_range():
    t = np.arange(0, 2000.0, 4.0)
    v = np.where(t < 1000, 1500 + 0.5 * t, 2000 + 1.5 * (t - 1000))  # a bend at 1000 ms
    kt, kv = velocity_knots(t, v, t_min=300, t_max=1800, max_gap_ms=200)
    assert kt[0] == pytest.approx(300) and kt[-1] == pytest.approx(1800)
    assert np.any(np.abs(kt - 1000) <= 4)  # the bend is a knot
    assert np.all(np.diff(kt) <= 200 + 4) and np.all(np.diff(kt) >= 40)
    assert 8 <= kt.size <= 12  # far fewer than the 376 samples
    np.testing.assert_allclose(np.interp(t[75:450], kt, kv), v[75:450], rtol=0.006)
    assert set(kt) <= set(t)
    assert velocity_knots(t, np.full(t.size, np.nan))[0].size == 0


def test_semblance_time_range_is_where_the_panel_has_energy():
    vals = np.zeros((5, 100))
    vals[2, 20:80] = 0.8
    vals[3, 90] = 0.05
    assert semblance_time_range(vals, np.arange(100.0) * 4) == (80.0, 316.0)
    assert semblance_time_range(np.zeros((5, 100)), np.arange(100.0)) is None


def test_model_velocity_picks_on_cmps(tiny_model, tmp_path):
    from geodesk.core.segy.reader import open_survey
    from geodesk.synth.cmps import generate_cmps

    model = _fitted(tiny_model, "velocity-unet")
    path = generate_cmps((3, 24, 400), seed=5, snr_db=30.0).write(tmp_path / "c.sgy")
    with open_survey(path, kind="prestack") as s:
        keys = [int(k) for k in s.gather_keys]
        t, v = model_velocity_function(model, s.gather(keys[0]))
        assert 1 <= t.size <= 40 and np.all(np.diff(t) > 0)
        assert np.all((v >= model.vmin - 1) & (v <= model.vmax + 1))
        published = []
        out = pick_velocities_model(s, model, JobContext(on_publish=published.append),
                                    first=[keys[1]])
    assert set(out) == set(keys) and list(published[0]) == [keys[1]]
