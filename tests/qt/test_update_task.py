"""Update model for the task on screen (faults on post-stack): fault sticks corrected on two
sections → a new version whose predictions there moved toward the corrections, in the model
history (saved with the project, restored on open, switch back), cancel keeps the old version,
live mode retrains after corrections."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.core.labels import LabelSet
from geodesk.core.picks import FaultSet
from geodesk.core.project.project import Project
from geodesk.ml.finetune_faults import fault_settings
from geodesk.qt.project.project_ui import demo_project
from geodesk.synth import generate_post3d
from geodesk.synth.shots import generate_shots
from tests.qt.models import tiny_model_file, wait_done


@pytest.fixture
def demo(tmp_path):
    post = generate_post3d((6, 40, 64), seed=1, dt_ms=4.0, n_faults=2)
    paths = {"post3d": post.write(tmp_path / "post3d.sgy"),
             "shots": generate_shots((2, 16, 120), seed=5, dt_ms=2.0).write(tmp_path / "s.sgy"),
             "cmps": generate_post3d((4, 5, 20), seed=3).write(tmp_path / "cmps.sgy")}
    return demo_project(paths), paths


@pytest.fixture
def ctrl(window, demo, tmp_path, monkeypatch):
    monkeypatch.setenv("GEODESK_MODELS", str(tmp_path / "none"))
    folder, paths = demo
    assert window.project_controller.open_project(folder, survey_path=paths["post3d"])
    c = window.features["update_task"]
    c.errors = []
    c.error = c.notice = c.errors.append
    overlay = window.features["fault_overlay"]
    overlay.error = c.errors.append
    overlay.models.choose(str(tiny_model_file("faults", tmp_path / "base.pt")))
    s = fault_settings()
    s.steps, s.lr, s.synthetic_fraction, s.eval_every = 30, 3e-3, 0.0, 10
    c.settings["faults"] = s
    return c


def _correct_sticks_on_two_sections(window):
    """Model sticks on two inlines, moved by hand a few crosslines (the corrections); both
    sections marked fully interpreted."""
    s = window.survey
    fs = FaultSet("Faults")
    window.picks.add(window.history, fs)
    fs.add_fault(None, "F1")
    model = "model:fault-unet@v2#000000000000"
    xl = s.crosslines
    out = []
    for k in (1, 4):
        il = float(s.inlines[k])
        pts = np.array([[il, xl[8], 20.0], [il, xl[12], 230.0]])
        uid = fs.add_stick(None, "F1", pts, "inline", il, provenance=model)
        fs.set_stick_points(window.history, uid, pts + [0.0, 14.0, 0.0])
        window.picks.label_marks.mark_section(window.history, "inline", il)
        out.append(il)
    return out


def _label_error(model, window, inlines):
    """Mean |probability - label| over the label pixels of the corrected sections."""
    from geodesk.ml.finetune_faults import interpretation_fault_labels, labelled_sections

    items = labelled_sections(window.survey, interpretation_fault_labels(window.picks))
    assert sorted(i.key[1] for i in items) == sorted(inlines)
    return float(np.mean([np.abs(model.predict(i.section) - i.target)[i.mask].mean()
                          for i in items]))


def test_update_faults_writes_a_version_that_moved_toward_the_corrections(qtbot, window, ctrl,
                                                                           demo):
    folder, _ = demo
    inlines = _correct_sticks_on_two_sections(window)
    assert ctrl.task() == "faults"
    overlay = window.features["fault_overlay"]
    base = overlay.models.current_path()
    before = _label_error(overlay.models.models.get(base, "faults"), window, inlines)
    handle = ctrl.start()
    wait_done(qtbot, handle, 60000)
    assert handle.outcome == "finished", ctrl.errors
    new = folder / "models" / "faults-v1.pt"
    assert new.is_file() and overlay.models.current_path() == str(new)
    assert _label_error(overlay.models.models.get(str(new), "faults"), window, inlines) < before
    # the version is in the project's history, saved with it and in use again after opening
    history = window.project.model_history
    v = history.active_version("faults")
    assert v.file == "models/faults-v1.pt" and v.labels == ctrl.last["labels"] > 0
    window.project_controller.save()
    again = Project.open(folder)
    assert again.model_history.active_version("faults") == v
    kinds = [lb.kind for lb in LabelSet.from_project(again).filter(task="faults")]
    assert kinds.count("no_fault") == 2 and kinds.count("corrected") == 2
    # switch back to the base, then to the version
    assert ctrl.use_version("faults", None) is None and overlay.models.current_path() != str(new)
    assert ctrl.use_version("faults", v.weight_id) == str(new)
    dialog = ctrl.show_history()
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 5).text() == "yes"
    assert [r["model"] for r in dialog.rows][-1] == "faults-v1"
    dialog.close()


def test_a_version_whose_file_is_gone_is_replaced_by_the_base_on_open(qtbot, window, ctrl, demo):
    folder, paths = demo
    _correct_sticks_on_two_sections(window)
    wait_done(qtbot, ctrl.start(), 60000)
    window.project_controller.save()
    (folder / "models" / "faults-v1.pt").unlink()
    assert window.project_controller.open_project(folder, survey_path=paths["post3d"])
    assert any("labels stay" in e for e in ctrl.errors)
    assert window.project.model_history.active_version("faults") is None
    assert len(window.project.model_history.of_task("faults")) == 1


def test_cancel_keeps_the_previous_version(qtbot, window, ctrl, demo):
    folder, _ = demo
    _correct_sticks_on_two_sections(window)
    overlay = window.features["fault_overlay"]
    base = overlay.models.current_path()
    ctrl.settings["faults"].steps = 100000
    handle = ctrl.start()
    texts = []
    handle.progress.connect(lambda _f, text: texts.append(text))
    qtbot.waitUntil(lambda: any("fine-tuning step" in t for t in texts), timeout=30000)
    handle.cancel()
    wait_done(qtbot, handle, 30000)
    assert handle.outcome == "cancelled"
    assert overlay.models.current_path() == base
    assert not list((folder / "models").glob("*.pt"))
    assert window.project.model_history.active_version("faults") is None


def test_update_needs_fault_labels(window, ctrl):
    assert ctrl.start() is None and "No faults labels" in ctrl.errors[-1]


def test_live_mode_retrains_after_corrections_once_quiet(qtbot, window, ctrl, demo):
    ctrl.live.delay_s = 0.0
    ctrl.set_live(True)
    assert ctrl.live_action.isChecked()
    assert ctrl._poll() is None  # no labels yet: nothing starts
    _correct_sticks_on_two_sections(window)
    handle = ctrl._poll()
    assert handle is not None
    wait_done(qtbot, handle, 60000)
    assert handle.outcome == "finished", ctrl.errors
    assert window.features["fault_overlay"].models.current_path().endswith("faults-v1.pt")
    assert ctrl._poll() is None  # nothing changed since: no second run
    ctrl.set_live(False)
    assert not ctrl.timer.isActive()


def test_update_velocities_on_cmps_writes_a_version_the_velocity_model_uses(qtbot, window,
                                                                             tmp_path):
    from geodesk.core.picks import VelocityFunctions
    from geodesk.synth import generate_cmps

    c = generate_cmps((4, 24, 200), seed=2, dt_ms=4.0)
    src = c.write(tmp_path / "cmps.sgy")
    proj = Project.create(tmp_path / "v.geodesk", src)
    assert window.project_controller.open_project(proj.folder, survey_path=src)
    ctrl = window.features["update_task"]
    ctrl.errors = []
    ctrl.error = ctrl.notice = ctrl.errors.append
    picker = window.features["velocity"].model_picker
    picker.error = ctrl.errors.append
    picker.models.choose(str(tiny_model_file("velocities", tmp_path / "vbase.pt")))
    s = window.survey
    vf = VelocityFunctions("Velocities")
    window.picks.add(window.history, vf)
    cdps = [int(k) for k in np.unique(s.header_values(s.header_bytes.cdp))][:2]
    t = np.array([100.0, 400.0, 700.0])
    corrected = {}
    for k, cdp in enumerate(cdps):
        vf.set_function(None, cdp, t, [1500.0, 1600.0, 1700.0],
                        provenance="model:velocity-unet@v1#000000000000")
        corrected[cdp] = np.interp(t, c.truth["t0_ms"], c.truth["vrms"][k])
        vf.set_function(window.history, cdp, t, corrected[cdp])  # the interpreter's knots
    ctrl.settings["velocities"].steps = 6
    ctrl.settings["velocities"].synthetic_fraction = 0.0
    handle = ctrl.start("velocities")
    wait_done(qtbot, handle, 60000)
    assert handle.outcome == "finished", ctrl.errors
    new = proj.folder / "models" / "velocities-v1.pt"
    assert picker.models.current_path() == str(new)
    assert window.project.model_history.active_version("velocities").labels == 6
    if picker.job is not None:  # the re-pick of the CMPs nobody edited
        wait_done(qtbot, picker.job, 60000)
    for cdp in cdps:  # the corrections stay
        np.testing.assert_allclose(vf.function(cdp).vrms_mps, corrected[cdp])


def test_another_projects_version_is_not_used_in_a_project_without_one(qtbot, window, ctrl,
                                                                        demo, tmp_path):
    _, paths = demo
    _correct_sticks_on_two_sections(window)
    wait_done(qtbot, ctrl.start(), 60000)
    overlay = window.features["fault_overlay"]
    assert overlay.models.current_path().endswith("faults-v1.pt")
    window.project_controller.save()
    other = Project.create(tmp_path / "other.geodesk", paths["post3d"])
    assert window.project_controller.open_project(other.folder, survey_path=paths["post3d"])
    assert overlay.models.path is None  # the base again
