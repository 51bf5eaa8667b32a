"""Next most uncertain: scores the model's first breaks in a job, goes to the shot likeliest
wrong, then (marking it reviewed) to the next; the picks get an uncertainty halo; another
measure or new model picks rescore the queue and keep what was reviewed."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.core.picks import FirstBreaks
from geodesk.core.processing.fb_survey import write_auto_picks
from geodesk.synth.shots import generate_shots

MODEL = "model:firstbreak-unet@v4#0123456789ab"


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    r = generate_shots((3, 32, 250), seed=5, dt_ms=2.0, snr_db=30.0)
    return r, r.write(tmp_path_factory.mktemp("review") / "shots.sgy")


def model_picks_on(window, shots, unsure: dict[int, float]):
    """Open the shots with true model picks, confidence 0.95 except ``unsure`` (shot number ->
    confidence), active; returns (first breaks, FFIDs, true times)."""
    r, path = shots
    assert window.open_path(path)
    fb = FirstBreaks.like_survey("FB model", window.survey)
    keys = [int(k) for k in window.survey.gather_keys]
    times = r.truth["first_break_ms"].reshape(-1).astype(float)
    conf = np.full(times.size, 0.95)
    for n, c in unsure.items():
        conf[fb.gather_indices(keys[n])] = c
    window.picks.add(window.history, fb)
    write_auto_picks(fb, window.history, np.arange(times.size), times, MODEL, "model picks",
                     confidence=conf)
    window.set_active_pick(fb)
    return fb, keys, times


def test_next_most_uncertain_goes_to_the_worst_shot_then_the_next(qtbot, window, shots):
    _fb, keys, _t = model_picks_on(window, shots, {2: 0.1, 0: 0.5})
    review = window.features["review"]
    review.measure = "confidence"  # a measure this test sets exactly (the classical one is
    # tested in tests/ml/test_uncertainty.py)
    assert review.next_action.shortcut().toString() == "Ctrl+U"
    assert review.next_action in review.toolbar.actions()
    window.go_to("gather", keys[1])

    review.next_action.trigger()  # scores first (a job), then goes
    qtbot.waitUntil(lambda: review.per_trace is not None, timeout=60000)
    qtbot.waitUntil(lambda: review.current() == keys[2], timeout=10000)
    assert review.queue.scores[keys[2]] > review.queue.scores[keys[0]] \
        > review.queue.scores[keys[1]]
    assert review.halo.isVisible()
    assert len(review.halo.data) == len(window.section.trace_index)

    assert review.next_most_uncertain() == keys[0]
    assert review.queue.is_reviewed(keys[2]) and window.navigator.value == keys[0]
    assert review.next_most_uncertain() == keys[1]
    assert review.next_most_uncertain() is None  # every shot reviewed


def test_new_model_picks_rescore_the_queue_and_keep_reviewed_shots(qtbot, window, shots):
    fb, keys, times = model_picks_on(window, shots, {1: 0.2})
    review = window.features["review"]
    review.measure = "confidence"
    window.go_to("gather", keys[0])
    review.next_most_uncertain()
    qtbot.waitUntil(lambda: review.per_trace is not None, timeout=60000)
    assert review.current() == keys[1]
    review.queue.mark_reviewed(keys[1])
    before = review.computed_for
    # a model update: new picks (shifted) where the new model is unsure on shot 2
    conf = np.full(times.size, 0.9)
    conf[fb.gather_indices(keys[2])] = 0.1
    write_auto_picks(fb, window.history, np.arange(times.size), times + 4.0, MODEL, "model v2",
                     overwrite=True, confidence=conf)
    qtbot.waitUntil(lambda: review.computed_for not in (None, before), timeout=60000)
    assert review.queue.is_reviewed(keys[1])
    assert review.queue.scores[keys[2]] > 0.8 and review.queue.next() == keys[2]


def test_choosing_another_measure_rescores(qtbot, window, shots):
    _fb, keys, _t = model_picks_on(window, shots, {0: 0.3})
    review = window.features["review"]
    from geodesk.ml.uncertainty import DEFAULT_MEASURE

    assert review.measure == DEFAULT_MEASURE and review.measure_actions[DEFAULT_MEASURE] \
        .isChecked()
    review.measure = "classical"
    review.next_most_uncertain()
    qtbot.waitUntil(lambda: review.per_trace is not None, timeout=60000)
    assert max(review.queue.scores.values()) > 0.2  # classical: mer_trend disagrees somewhere
    handle = review.set_measure("confidence")
    with qtbot.waitSignal(handle.done, timeout=60000):
        pass
    assert review.measure_actions["confidence"].isChecked()
    assert review.queue.scores[keys[0]] == pytest.approx(0.7, abs=1e-5)
    assert review.queue.scores[keys[1]] == pytest.approx(0.05, abs=1e-5)


def test_a_network_measure_runs_the_auto_pick_model_in_the_job(qtbot, window, shots, tmp_path):
    from tests.qt.models import tiny_model_file

    model_picks_on(window, shots, {})
    window.features["autopick"].models.choose(str(tiny_model_file("firstbreaks",
                                                                  tmp_path / "fb.pt")))
    review = window.features["review"]
    review.measure = "margin"
    review.next_most_uncertain()
    qtbot.waitUntil(lambda: review.per_trace is not None, timeout=60000)
    u = review.per_trace[np.isfinite(review.per_trace)]
    assert u.size and np.all((u >= 0) & (u <= 1))
    assert review.current() in review.queue.scores


def test_fault_uncertainty_overlay_follows_the_fault_probability(qtbot, window, tmp_path):
    from geodesk.ml.uncertainty import fault_uncertainty
    from geodesk.qt.models.review_ui import uncertainty_rgba
    from geodesk.synth.post3d import generate_post3d

    rgba = uncertainty_rgba(np.array([[0.0, 0.5, 1.0]]))
    assert rgba[0, 0, 3] == 0 and 0 < rgba[0, 1, 3] < rgba[0, 2, 3]
    path = generate_post3d((4, 32, 64), seed=21, n_faults=2, n_horizons=0).write(
        tmp_path / "v.sgy")
    assert window.open_path(path)
    overlay = window.features["review"].fault_overlay
    fo = window.features["fault_overlay"]
    overlay.toggle(True)
    assert fo.shown and overlay.shown and overlay.item in window.view.overlays
    assert any(r.startswith("fault uncertainty") for r in window.view.legend.labels())
    qtbot.waitUntil(lambda: fo.prob is not None and overlay.item.image is not None,
                    timeout=60000)
    expected = uncertainty_rgba(fault_uncertainty(fo.prob)).transpose(1, 0, 2)
    np.testing.assert_array_equal(overlay.item.image, expected)
    window.step(1)  # the next inline: drawn again from its probability
    first = fo.prob
    qtbot.waitUntil(lambda: fo.prob is not None and fo.prob is not first, timeout=60000)
    qtbot.waitUntil(lambda: np.array_equal(
        overlay.item.image, uncertainty_rgba(fault_uncertainty(fo.prob)).transpose(1, 0, 2)),
        timeout=10000)
    overlay.toggle(False)
    assert overlay.item not in window.view.overlays
    assert not any(r.startswith("fault uncertainty") for r in window.view.legend.labels())


def test_reviewed_shots_are_saved_with_the_project(qtbot, window, shots, tmp_path):
    from geodesk.core.project.project import Project

    r, path = shots
    proj = Project.create(tmp_path / "r.geodesk", path)
    assert window.project_controller.open_project(proj.folder, survey_path=path)
    fb = FirstBreaks.like_survey("FB model", window.survey)
    keys = [int(k) for k in window.survey.gather_keys]
    times = r.truth["first_break_ms"].reshape(-1).astype(float)
    conf = np.full(times.size, 0.95)
    conf[fb.gather_indices(keys[2])] = 0.1
    window.picks.add(window.history, fb)
    write_auto_picks(fb, window.history, np.arange(times.size), times, MODEL, "model picks",
                     confidence=conf)
    window.set_active_pick(fb)
    review = window.features["review"]
    review.measure = "confidence"
    window.go_to("gather", keys[1])
    review.next_action.trigger()
    qtbot.waitUntil(lambda: review.current() == keys[2], timeout=60000)
    assert review.next_most_uncertain() is not None  # shot keys[2] is now reviewed
    window.project_controller.save()
    assert Project.open(proj.folder).model_history.reviewed_keys("s0", "firstbreaks") == \
        [keys[2]]
    assert window.project_controller.open_project(proj.folder, survey_path=path)
    assert window.features["review"].queue.reviewed == {keys[2]}
