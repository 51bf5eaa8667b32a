"""Track in 3D that stops almost at once says how far it got, why, and what to change (issue 14,
defect 5) instead of a bare "finished"."""

from dataclasses import replace

import numpy as np
import pytest

from geodesk.core.processing.tracking import TrackParams
from geodesk.synth.post3d import generate_post3d


@pytest.fixture
def noisy(tmp_path):
    r = generate_post3d(shape=(12, 14, 120), seed=5, snr_db=-12.0, n_faults=0)
    return r.write(tmp_path / "noisy.sgy"), r


def test_a_track_that_stops_early_says_why_in_the_status_bar(qtbot, window, noisy):
    path, r = noisy
    assert window.open_path(path)
    il, xl = int(r.inlines[6]), int(r.crosslines[7])
    window.go_to("inline", il)
    c = window.picking
    c.set_params(replace(c.params, track=TrackParams(threshold=0.95), auto_track_seed=False))
    c.set_tool("horizon_seed")
    window.view.click_data(xl, 240.0)
    handle = c.track_3d()
    with qtbot.waitSignal(handle.done, timeout=20000):
        pass
    report = c.last_track_report
    assert handle.outcome == "finished" and not report.complete
    h = window.active_pick
    assert report.tracked == int(np.isfinite(h.times).sum()) and report.live == 12 * 14
    text = window.statusBar().currentMessage()
    assert text.startswith(f"Tracked {report.tracked} of {report.live} traces of {h.name}")
    hint = report.suggestion()  # the parameter to change (or what to check)
    assert hint and "it stopped at" in text and text.endswith(hint)
