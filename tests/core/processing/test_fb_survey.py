"""Survey-wide first-break picking: one job for every entry point, one undo step when written."""

from __future__ import annotations

import numpy as np
import pytest

import geodesk
from geodesk.core.history import History
from geodesk.core.jobs import Cancelled, JobContext
from geodesk.core.picks import FirstBreaks
from geodesk.core.processing.fb_survey import (
    FirstBreakParams,
    pick_gather,
    pick_survey_first_breaks,
    write_auto_picks,
)
from geodesk.core.processing.firstbreaks import PICKER_VERSION
from geodesk.core.survey import SurveyError
from geodesk.synth.post3d import generate_post3d
from geodesk.synth.shots import generate_shots


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    r = generate_shots((3, 24, 300), seed=1, dt_ms=2.0, snr_db=30.0)
    return r, r.write(tmp_path_factory.mktemp("fb") / "shots.sgy")


def test_survey_job_returns_each_gathers_picks_at_their_file_traces(shots):
    r, path = shots
    params = FirstBreakParams()
    seen = []
    times = pick_survey_first_breaks(path, params, JobContext(on_progress=lambda f, t:
                                                              seen.append(f)))
    assert times.shape == (r.data.shape[0] * r.data.shape[1],) and seen[-1] == 1.0
    with geodesk.open(path, kind="prestack") as s:
        for key in s.gather_keys:
            g = s.gather(int(key))
            np.testing.assert_allclose(times[g.trace_index], pick_gather(g, params), rtol=1e-6)
    truth = r.truth["first_break_ms"].ravel()
    live = np.isfinite(truth)
    assert np.isfinite(times[live]).mean() > 0.9
    assert np.nanmedian(np.abs(times - truth)[live]) < 6.0


def test_a_cdp_sorted_survey_is_picked_per_shot_with_the_same_result(shots):
    _, path = shots
    params = FirstBreakParams(method="energy_ratio")
    by_path = pick_survey_first_breaks(path, params, JobContext())
    with geodesk.open(path, kind="prestack") as s, s.regroup("cdp") as cdps:
        assert cdps.gather_key == "cdp"
        np.testing.assert_array_equal(pick_survey_first_breaks(cdps, params, JobContext()),
                                      by_path)


def test_cancel_stops_the_job(shots):
    ctx = JobContext()
    ctx.cancel()
    with pytest.raises(Cancelled):
        pick_survey_first_breaks(shots[1], FirstBreakParams(), ctx)


def test_post_stack_files_are_refused(tmp_path):
    path = generate_post3d((3, 4, 30), seed=0, snr_db=None).write(tmp_path / "v.sgy")
    with pytest.raises(SurveyError, match="pre-stack"):
        pick_survey_first_breaks(path, FirstBreakParams(), JobContext(), kind="post3d")


def test_params_validate_and_name_the_picker_in_the_provenance():
    with pytest.raises(ValueError):
        FirstBreakParams(method="aic")
    assert FirstBreakParams(method="energy_ratio").provenance == \
        f"model:energy_ratio@{PICKER_VERSION}"


def test_writing_keeps_manual_picks_unless_overwrite_and_is_one_step():
    fb = FirstBreaks("FB", np.repeat([1, 2], 3), np.tile([1, 2, 3], 2))
    h = History()
    fb.set_times(h, [0], 50.0)
    fb.set_times(h, [1], 60.0, provenance="tracked")
    fb.set_times(h, [1], 61.0)  # a manual edit of a machine pick: corrected
    prov = FirstBreakParams().provenance
    n = write_auto_picks(fb, h, np.arange(6), [10, 11, np.nan, 13, 14, 15], prov, "Auto")
    assert n == 3 and h.undo_label == "Auto" and len(h) == 4
    assert fb.times[0] == 50.0 and fb.times[1] == 61.0 and np.isnan(fb.times[2])
    assert fb.provenance_of([0, 1, 3]) == ["manual", "corrected", prov]
    n = write_auto_picks(fb, h, np.arange(6), [10, 11, np.nan, 13, 14, 15], prov, "Again",
                         overwrite=True)
    assert n == 2 and fb.times[0] == 10.0 and fb.provenance_of([1]) == [prov]
    h.undo()
    assert fb.times[0] == 50.0 and fb.provenance_of([1]) == ["corrected"]
