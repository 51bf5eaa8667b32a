"""Velocity picks by the velocity U-Net in the panel: sparse knots with the model's provenance,
one CMP at once or all in a job as one undo step, edited like any pick."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from geodesk.ml.registry import weight_id
from geodesk.qt.velocity.semblance_view import HAND_COLOUR, MODEL_COLOUR
from geodesk.synth.cmps import generate_cmps
from tests.qt.models import tiny_model_file


@pytest.fixture(scope="module")
def cmp_file(tmp_path_factory):
    d = tmp_path_factory.mktemp("vm")
    return generate_cmps((4, 24, 400), seed=11, snr_db=30.0).write(d / "cmps.sgy")


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    return tiny_model_file("velocities", tmp_path_factory.mktemp("vm_model") / "vel.pt")


@pytest.fixture
def picker(window, cmp_file, model_file, tmp_path, monkeypatch):
    monkeypatch.setenv("GEODESK_MODELS", str(tmp_path / "none"))  # nothing shipped
    assert window.open_path(cmp_file)
    panel = window.velocity.open_panel()
    window.resizeDocks([window.velocity.dock], [400], Qt.Orientation.Vertical)
    QApplication.processEvents()
    mp = window.velocity.model_picker
    mp.errors = []
    mp.error = mp.errors.append
    mp.models.error = mp.errors.append
    mp.models.ask_path = lambda: str(model_file)
    yield mp, panel
    window.velocity.close_panel()


def _wait(qtbot, handle):
    assert handle is not None
    if handle.running:
        with qtbot.waitSignal(handle.done, timeout=30000):
            pass


def test_model_pick_of_one_cmp_is_sparse_editable_and_one_step(qtbot, window, picker,
                                                               model_file):
    mp, panel = picker
    assert mp.button.parent() is not None  # the panel shows the Model picks button
    _wait(qtbot, mp.pick_cmp())  # the model is loaded and run in a job
    assert mp.errors == []
    f = panel.functions.function(panel.cdp)
    version = mp.models.model.version
    assert set(f.provenance) == {f"model:{weight_id(model_file, 'velocity-unet', version)}"}
    n_samples = panel.times.size
    assert 2 <= len(f) <= n_samples // 10  # knots, not every sample
    assert np.all(np.diff(f.times_ms) >= 40)
    assert window.history.undo_label.startswith("Auto-pick velocities with model")
    # the panel draws them and they edit like any pick: drag one, it becomes corrected
    t0, v0 = float(f.times_ms[1]), float(f.vrms_mps[1])
    panel.semblance_view.drag_data([(v0, t0), (v0 + 300.0, t0)])
    g = panel.functions.function(panel.cdp)
    assert g.provenance[1] == "corrected" and g.vrms_mps[1] == pytest.approx(v0 + 300, abs=40)
    # the knots show who made them: the corrected one in the hand colour, the rest the model's
    colours = [b.color().name() for b in panel.semblance_view.knots.data["brush"]]
    assert colours[1] == HAND_COLOUR and colours[0] == colours[2] == MODEL_COLOUR
    window.picking.undo()
    window.picking.undo()
    assert panel.cdp not in panel.functions.functions or len(
        panel.functions.function(panel.cdp)) == 0


def test_model_pick_of_all_cmps_is_a_job_and_one_undo_step(qtbot, window, picker):
    mp, panel = picker
    panel.semblance_view.click_data(2500.0, 600.0)  # a manual pick on the first CMP stays
    manual = panel.cdp
    steps = len(window.history)
    handle = mp.pick_all()
    with qtbot.waitSignal(handle.done, timeout=30000):
        pass
    assert handle.outcome == "finished" and mp.errors == []
    functions = panel.functions.functions
    others = [int(k) for k in panel.keys if int(k) != manual]
    assert all(k in functions and len(functions[k]) >= 2 for k in others)
    assert functions[manual].provenance == ("manual",)
    assert len(window.history) == steps + 1
    window.history.undo()
    assert all(k not in panel.functions.functions for k in others)


def test_a_bad_model_file_gives_a_message_and_changes_nothing(qtbot, window, picker, tmp_path):
    mp, panel = picker
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"junk")
    mp.models.choose(str(bad))
    handle = mp.pick_cmp()
    _wait(qtbot, handle)
    assert handle.outcome == "failed"
    assert mp.errors and "bad.pt" in mp.errors[-1] and mp.models.path is None
    assert panel.cdp not in panel.functions.functions
