"""First breaks by the U-Net in the workstation: the shot on screen first (preview while the job
runs), one undo step with the model's provenance and confidence, ordinary editable picks."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from geodesk.core.picks import FirstBreaks
from geodesk.ml.registry import weight_id
from geodesk.qt.models.autopick_ui import AutopickDialog, AutopickParams
from geodesk.synth.shots import generate_shots
from tests.qt.models import tiny_model_file, wait_done


@pytest.fixture(scope="module")
def shots_file(tmp_path_factory):
    d = tmp_path_factory.mktemp("fbm")
    return generate_shots((3, 16, 200), seed=1, dt_ms=2.0, snr_db=30.0).write(d / "shots.sgy")


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    return tiny_model_file("firstbreaks", tmp_path_factory.mktemp("fbm_model") / "fb.pt")


@pytest.fixture
def ctrl(window, shots_file, tmp_path, monkeypatch):
    monkeypatch.setenv("GEODESK_MODELS", str(tmp_path / "none"))  # nothing shipped
    assert window.open_path(shots_file)
    c = window.autopick
    c.errors = []
    c.error = lambda title, text: c.errors.append(text)
    c.models.error = c.errors.append
    c.models.ask_path = lambda: ""
    return c


def run(qtbot, handle):
    return wait_done(qtbot, handle, 30000)


def test_model_picks_the_shown_shot_first_then_all_as_one_undo_step(qtbot, window, ctrl,
                                                                      model_file):
    window.go_to("gather", window.survey.gather_keys[1])
    shown = np.asarray(window.section.trace_index)
    seen = []
    handle = ctrl.start(AutopickParams(method="unet", target="FB model",
                                       model_path=str(model_file)))
    handle.published.connect(lambda p: seen.append(
        (np.sort(p[0]), ctrl.preview.item.isVisible())))
    run(qtbot, handle)
    assert handle.outcome == "finished" and ctrl.errors == []
    assert len(seen) == 3
    np.testing.assert_array_equal(seen[0][0], np.sort(shown))  # the shot on screen first
    assert seen[0][1]  # ... drawn at once as a preview, before the other shots are done
    model = ctrl.models.model
    provenance = f"model:{weight_id(model_file, 'firstbreak-unet', model.version)}"
    fb = window.picks.get("first_breaks", "FB model")
    assert window.active_pick is fb and len(window.history) == 1
    assert "U-Net" in window.history.undo_label
    picked = np.flatnonzero(np.isfinite(fb.times))
    assert set(fb.provenance_of(picked)) == {provenance}
    np.testing.assert_allclose(fb.times[shown], model.predict(window.section), equal_nan=True)
    conf = fb.confidence[picked]
    assert np.all((conf >= 0) & (conf <= 1))
    assert not ctrl.preview.item.isVisible()  # the written picks replace the preview
    window.history.undo()
    assert window.picks.names("first_breaks") == []


def test_model_picks_keep_manual_ones_and_are_edited_like_any_pick(qtbot, window, ctrl,
                                                                   model_file):
    fb = FirstBreaks.like_survey("FB", window.survey)
    window.picks.add(window.history, fb)
    ti = np.asarray(window.section.trace_index)
    fb.set_times(window.history, [ti[0]], [33.0])
    window.set_active_pick(fb)
    run(qtbot, ctrl.start(AutopickParams(method="unet", target="FB",
                                         model_path=str(model_file))))
    assert fb.times[ti[0]] == 33.0 and fb.provenance_of([ti[0]]) == ["manual"]
    machine = [k for k in ti[1:] if np.isfinite(fb.times[k])]
    assert machine, "the tiny model picked nothing on the shown shot"
    k = int(machine[0])
    channel = float(window.section.axis0.values[list(ti).index(k)])
    window.picking.set_tool("first_breaks")
    window.view.click_data(channel, 150.0)  # a manual fix of a model pick
    assert fb.provenance_of([k]) == ["corrected"]
    assert fb.times[k] == pytest.approx(150.0, abs=2.0)
    window.picking.set_tool("navigate")


def test_without_a_shipped_model_it_asks_for_a_file_or_says_why(qtbot, window, ctrl,
                                                                model_file):
    assert ctrl.start(AutopickParams(method="unet")) is None
    assert ctrl.errors and "No first-break model" in ctrl.errors[-1]
    assert window.picks.names("first_breaks") == []
    ctrl.models.ask_path = lambda: str(model_file)
    run(qtbot, ctrl.start(AutopickParams(method="unet", target="Asked")))
    assert window.picks.get("first_breaks", "Asked").n_picked > 0


def test_dialog_offers_the_model_and_keeps_the_choice(qtbot, window, ctrl, model_file):
    dlg = AutopickDialog(AutopickParams(method="unet", model_path=str(model_file)), [],
                         window, ctrl.models)
    qtbot.addWidget(dlg)
    assert dlg.method.currentText() == "U-Net model"
    assert dlg.model_button.isEnabled() and not dlg.spins["threshold"].isEnabled()
    assert "fb.pt" in dlg.model_label.text()
    p = dlg.params()
    assert p.method == "unet" and p.model_path == str(model_file)
    assert p.picker().method == "mer_trend"  # the classical settings stay usable
    dlg.method.setCurrentIndex(dlg.method.findData("stalta"))
    assert not dlg.model_button.isEnabled() and dlg.spins["threshold"].isEnabled()
    fresh = AutopickDialog(AutopickParams(method="unet"), [], window, ctrl.models)
    qtbot.addWidget(fresh)
    assert "no first-break model is shipped" in fresh.model_label.text()


def test_low_confidence_first_breaks_are_drawn_hollow(window, shots_file):
    from geodesk.qt.picking.overlays import LOW_CONFIDENCE

    assert window.open_path(shots_file)
    fb = FirstBreaks.like_survey("FB", window.survey)
    window.picks.add(window.history, fb)
    idx = np.asarray(window.section.trace_index)
    conf = np.where(np.arange(idx.size) % 2 == 0, 0.9, LOW_CONFIDENCE / 2).astype(np.float32)
    fb.set_times(window.history, idx, np.full(idx.size, 50.0), provenance="model:x@1",
                 confidence=conf)
    window.picking.redisplay()
    (item,) = [it for it in window.picking.layer.items[id(fb)] if len(it.data)]
    hollow = [b.style() == Qt.BrushStyle.NoBrush for b in item.data["brush"]]
    assert hollow == list(conf < LOW_CONFIDENCE)
