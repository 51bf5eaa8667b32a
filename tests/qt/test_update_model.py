"""Pick ▸ Update first-break model: corrections on two gathers → a new version in the project,
used by the auto-pick, whose picks moved toward the corrections; cancel keeps the old model."""

from __future__ import annotations

import numpy as np
import pytest

from geodesk.core.picks import CORRECTED, FirstBreaks
from geodesk.ml.base import read_model_file
from geodesk.ml.finetune import FineTuneSettings
from geodesk.qt.project.project_ui import demo_project
from geodesk.synth import generate_post3d
from geodesk.synth.shots import generate_shots
from tests.qt.models import tiny_model_file, wait_done


@pytest.fixture
def demo(tmp_path):
    shots = generate_shots((3, 16, 160), seed=5, dt_ms=2.0, snr_db=30.0)
    paths = {"post3d": generate_post3d((4, 5, 20), seed=1).write(tmp_path / "post3d.sgy"),
             "shots": shots.write(tmp_path / "shots.sgy"),
             "cmps": generate_post3d((4, 5, 20), seed=3).write(tmp_path / "cmps.sgy")}
    return demo_project(paths), paths, shots


@pytest.fixture
def ctrl(window, demo, tmp_path, monkeypatch):
    monkeypatch.setenv("GEODESK_MODELS", str(tmp_path / "none"))
    folder, paths, _ = demo
    assert window.project_controller.open_project(folder, survey_path=paths["shots"])
    c = window.features["update_model"]
    c.errors = []
    c.error = c.errors.append
    c.models.choose(str(tiny_model_file("firstbreaks", tmp_path / "base.pt")))
    c.settings = FineTuneSettings(steps=30, lr=3e-3, synthetic_fraction=0.0, eval_every=10)
    return c


def _run(qtbot, handle):
    return wait_done(qtbot, handle, 60000)


def _correct_two_gathers(window, shots):
    """Model picks everywhere, then the true first breaks written by hand on shots 1 and 2."""
    s = window.survey
    fb = FirstBreaks.like_survey("FB", s)
    window.picks.add(window.history, fb)
    truth = np.asarray(shots.truth["first_break_ms"], dtype=np.float32).reshape(-1)
    fb.set_times(None, np.arange(s.n_traces), np.full(s.n_traces, 5.0),
                 provenance="model:firstbreak-unet@4")
    corrected = np.concatenate([fb.gather_indices(k) for k in s.gather_keys[:2]])
    corrected = corrected[np.isfinite(truth[corrected])]
    fb.set_times(window.history, corrected, truth[corrected])
    window.set_active_pick(fb)
    return fb, truth, corrected


def test_update_model_writes_a_version_the_autopick_uses_and_picks_move_to_corrections(
        qtbot, window, ctrl, demo):
    folder, _, shots = demo
    fb, truth, corrected = _correct_two_gathers(window, shots)
    assert set(fb.provenance_of(corrected)) == {CORRECTED}
    base = ctrl.models.current_path()
    before = np.abs(ctrl.models.models.get(base, "firstbreaks").predict(window.section)
                    - truth[np.asarray(window.section.trace_index)])
    seen = []
    handle = ctrl.start()
    handle.published.connect(lambda p: seen.append(np.sort(p[0])))
    _run(qtbot, handle)
    assert handle.outcome == "finished", ctrl.errors
    new = folder / "models" / "firstbreaks-v1.pt"
    assert new.is_file() and ctrl.models.current_path() == str(new)
    np.testing.assert_array_equal(seen[0], np.sort(window.section.trace_index))  # shown first
    ft = read_model_file(new, meta_only=True)[0]["provenance"]["fine_tune"]
    assert ft["labels"] == corrected.size and ft["survey"] == "shots.sgy"
    # the corrections stay; the other picks are the new version's, closer to the truth
    np.testing.assert_array_equal(fb.times[corrected], truth[corrected])
    shown = np.asarray(window.section.trace_index)
    after = np.abs(fb.times[shown] - truth[shown])
    assert np.nanmean(np.where(np.isfinite(after), after, 500.0)) < \
        np.nanmean(np.where(np.isfinite(before), before, 500.0))
    others = np.setdiff1d(np.flatnonzero(np.isfinite(fb.times)), corrected)
    assert {p.split("#")[-1] for p in fb.provenance_of(others)} == \
        {ctrl.models.model.weight_id_.split("#")[-1]}
    # a second update starts from the base again and never overwrites the first version
    _run(qtbot, ctrl.start())
    v2 = folder / "models" / "firstbreaks-v2.pt"
    assert v2.is_file() and ctrl.models.current_path() == str(v2)
    assert read_model_file(v2, meta_only=True)[0]["provenance"]["fine_tune"]["base_path"] == \
        str(type(new)(base).resolve())


def test_cancel_keeps_the_previous_model(qtbot, window, ctrl, demo):
    folder, _, shots = demo
    _correct_two_gathers(window, shots)
    base = ctrl.models.current_path()
    ctrl.settings = FineTuneSettings(steps=100000, synthetic_fraction=0.0)
    handle = ctrl.start()
    texts = []
    handle.progress.connect(lambda _f, text: texts.append(text))
    qtbot.waitUntil(lambda: any("fine-tuning step" in t for t in texts), timeout=30000)
    handle.cancel()
    _run(qtbot, handle)
    assert handle.outcome == "cancelled"
    assert ctrl.models.current_path() == base
    assert not list((folder / "models").glob("*.pt"))


def test_update_needs_labels(window, ctrl):
    assert ctrl.start() is None and "No labels" in ctrl.errors[-1]


def test_a_chosen_version_that_is_gone_falls_back_to_the_shipped_base(qtbot, window, ctrl, demo,
                                                                       tmp_path, monkeypatch):
    folder, _, shots = demo
    _correct_two_gathers(window, shots)
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    tiny_model_file("firstbreaks", shipped / "firstbreaks.pt")
    monkeypatch.setenv("GEODESK_MODELS", str(shipped))
    ctrl.models.choose(str(tmp_path / "deleted-v3.pt"))
    _run(qtbot, ctrl.start())
    ft = read_model_file(folder / "models" / "firstbreaks-v1.pt", meta_only=True)[0]
    assert ft["provenance"]["fine_tune"]["base_path"] == str((shipped / "firstbreaks.pt").resolve())


def test_a_first_break_version_goes_into_the_projects_model_history(qtbot, window, ctrl, demo):
    from geodesk.core.project.project import Project

    folder, _, shots = demo
    _correct_two_gathers(window, shots)
    _run(qtbot, window.features["update_task"].start("firstbreaks"))
    v = window.project.model_history.active_version("firstbreaks")
    assert v.file == "models/firstbreaks-v1.pt" and v.labels > 0
    assert v.weight_id == ctrl.models.model.weight_id_
    window.project_controller.save()
    assert Project.open(folder).model_history.active_version("firstbreaks") == v
