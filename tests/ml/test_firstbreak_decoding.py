"""First-break decoding: a perfect segmentation gives the onset back at any dt."""

import numpy as np
import pytest

from geodesk.ml.tasks.firstbreaks import FirstBreakUNet, change_points, gather_section


@pytest.mark.parametrize("dt_ms", [0.25, 1.0, 2.0, 4.0])
def test_perfect_class_maps_decode_to_the_true_onsets(dt_ms):
    rng = np.random.default_rng(0)
    n_tr, ns = 9, int(300 / dt_ms)
    onset = rng.uniform(20.0, 250.0, n_tr)
    onset[3] = np.nan  # a trace without truth (dead)
    data = rng.standard_normal((n_tr, ns)).astype(np.float32)
    data[3] = 0.0
    model = FirstBreakUNet(depth=2, width=4, device="cpu")
    prep = model._prepare(gather_section(data, dt_ms, t0_ms=10.0), onset + 10.0)
    logits = np.log(np.clip(prep.target, 1e-6, 1.0))  # the network's ideal answer
    picks = model._finish(logits, prep)
    assert np.isnan(picks[3])
    ok = np.isfinite(onset)
    assert np.all(np.abs(picks[ok] - (onset[ok] + 10.0)) <= model.work_dt_ms)


def test_change_point_ignores_isolated_errors():
    p = np.zeros((3, 1, 40))
    p[0, 0, :25] = 0.9
    p[2, 0, :25] = 0.1
    p[2, 0, 25:] = 0.9
    p[0, 0, 25:] = 0.1
    p[:, 0, 5] = [0.1, 0.1, 0.8]  # a lone "after" inside "before"
    p[:, 0, 33] = [0.8, 0.1, 0.1]  # a lone "before" inside "after"
    assert change_points(p)[0] == 25
