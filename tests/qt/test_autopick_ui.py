"""First-break auto-pick job: one undo step with the picker's provenance, cancel changes nothing;
the Pick menu's "all gathers" entry runs the same dialog and job."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import pytest

from geodesk.core.picks import FirstBreaks
from geodesk.core.processing import fb_survey
from geodesk.core.processing.firstbreaks import PICKER_VERSION
from geodesk.qt.models.autopick_ui import AutopickDialog, AutopickParams
from geodesk.synth.shots import generate_shots


@pytest.fixture
def shots(window, tmp_path):
    result = generate_shots((3, 24, 300), seed=1, dt_ms=2.0, snr_db=30.0)
    window.open_path(result.write(tmp_path / "shots.sgy"))
    return result


@pytest.fixture
def ctrl(window):
    c = window.autopick
    c.errors = []
    c.error = lambda title, text: c.errors.append(text)
    return c


def run(qtbot, ctrl, params):
    handle = ctrl.start(params)
    with qtbot.waitSignal(handle.done, timeout=20000):
        pass
    return handle


def test_autopick_writes_model_picks_near_the_truth_as_one_undo_step(qtbot, window, ctrl,
                                                                       shots):
    handle = run(qtbot, ctrl, AutopickParams(target="FB auto"))
    assert handle.outcome == "finished" and ctrl.errors == []
    fb = window.picks.get("first_breaks", "FB auto")
    assert window.active_pick is fb and len(window.history) == 1
    live = ~shots.truth["dead"].ravel()
    truth = shots.truth["first_break_ms"].ravel()
    picked = np.isfinite(fb.times)
    assert picked[live].mean() > 0.9
    err = np.abs(fb.times - truth)[picked & live]
    assert np.median(err) < 6.0  # within a few samples (2 ms) of the true onset
    # the default picker
    assert set(fb.provenance_of(np.flatnonzero(picked))) == {f"model:mer_trend@{PICKER_VERSION}"}
    window.history.undo()  # one step removes the object and its picks
    assert window.picks.names("first_breaks") == []


def test_manual_picks_stay_unless_overwrite(qtbot, window, ctrl, shots):
    fb = FirstBreaks.like_survey("FB", window.survey)
    window.picks.add(window.history, fb)
    fb.set_times(window.history, [0, 5], [123.0, 77.0])
    window.set_active_pick(fb)
    run(qtbot, ctrl, AutopickParams(target="FB", method="energy_ratio"))
    assert fb.times[0] == 123.0 and fb.times[5] == 77.0
    assert fb.provenance_of([0, 5]) == ["manual", "manual"]
    assert fb.n_picked > 0.9 * fb.n_traces
    window.history.undo()
    assert fb.n_picked == 2  # the whole job was one step
    run(qtbot, ctrl, AutopickParams(target="FB", overwrite=True))
    assert fb.provenance_of([0])[0] == f"model:mer_trend@{PICKER_VERSION}"
    assert fb.times[0] != 123.0


def test_cancel_leaves_the_picks_unchanged(qtbot, window, ctrl, shots, monkeypatch):
    gate = threading.Event()
    real = fb_survey.pick_gather

    def slow(*a, **k):
        gate.wait(10)
        return real(*a, **k)

    monkeypatch.setattr(fb_survey, "pick_gather", slow)
    fb = FirstBreaks.like_survey("FB", window.survey)
    window.picks.add(window.history, fb)
    steps = len(window.history)
    handle = ctrl.start(AutopickParams(target="FB"))
    handle.cancel()
    gate.set()
    with qtbot.waitSignal(handle.done, timeout=20000):
        pass
    assert handle.outcome == "cancelled"
    assert fb.n_picked == 0 and len(window.history) == steps


def test_autopick_needs_a_prestack_survey(window, ctrl):
    assert ctrl.start(AutopickParams()) is None
    assert "pre-stack" in ctrl.errors[-1]


def test_dialog_reads_method_and_parameters(qtbot):
    dlg = AutopickDialog(AutopickParams(), ["FB", "FB 2"])
    qtbot.addWidget(dlg)
    dlg.method.setCurrentIndex(dlg.method.findData("energy_ratio"))
    dlg.spins["window_ms"].setValue(16.0)
    dlg.target.setCurrentText("FB 2")
    dlg.overwrite.setChecked(True)
    p = dlg.params()
    assert (p.method, p.window_ms, p.target, p.overwrite) == ("energy_ratio", 16.0, "FB 2", True)
    assert not dlg.spins["sta_ms"].isEnabled() and not dlg.spins["trigger"].isEnabled()
    assert p.picker() == fb_survey.FirstBreakParams(method="energy_ratio", window_ms=16.0)


def test_pick_menu_all_gathers_runs_the_same_dialog_from_the_dock_settings(qtbot, window, ctrl,
                                                                            shots, monkeypatch):
    seen = []

    def ask(params, targets):
        seen.append(params)
        return params

    monkeypatch.setattr(ctrl, "ask_params", ask)
    c = window.picking
    c.set_params(replace(c.params, fb_method="energy_ratio", fb_window_ms=12.0,
                         fb_max_residual_ms=0.0))
    window.picking.ui.auto_pick_all_action.trigger()
    assert [(p.method, p.window_ms, p.max_residual_ms) for p in seen] == [
        ("energy_ratio", 12.0, 0.0)]
    handle = ctrl.handle
    with qtbot.waitSignal(handle.done, timeout=20000):
        pass
    fb = window.picks.get("first_breaks", "First breaks")
    assert window.active_pick is fb and len(window.history) == 1
    assert fb.n_picked > 0.9 * fb.n_traces
    assert set(fb.provenance_of(np.flatnonzero(np.isfinite(fb.times)))) == {
        f"model:energy_ratio@{PICKER_VERSION}"}
