"""Projects in the window: save/reopen, dirty title and close prompt, autosave, crash recovery,
relinking a moved survey. Dialog methods are answered by plain attributes (never blocking)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from geodesk.core.picks import Horizon
from geodesk.core.project.project import Project
from geodesk.qt import settings as app_settings
from geodesk.qt.project.project_ui import CANCEL, DISCARD, SAVE, demo_project
from geodesk.synth.post3d import generate_post3d


class Answers:
    """Scripted replies for a ProjectController's dialog methods (and what it said)."""

    def __init__(self, ctrl, save=DISCARD, recover=None, relink=None, locate="", path=""):
        self.save, self.recover, self.relink, self.locate, self.path = (
            save, recover, relink, locate, path)
        self.errors: list[tuple[str, str]] = []
        self.asked: list[str] = []
        ctrl.ask_save_changes = lambda name: self.asked.append(f"save {name}") or self.save
        ctrl.ask_recover = lambda when: self.asked.append(f"recover {when}") or self.recover
        ctrl.ask_relink = lambda issue: self.asked.append(issue.problem) or self.relink
        ctrl.locate_file = lambda ref: self.locate
        ctrl.get_save_path = lambda title: self.path
        ctrl.get_open_path = lambda: self.path
        ctrl.error = lambda title, text: self.errors.append((title, text))


@pytest.fixture
def volume(tmp_path):
    (tmp_path / "data").mkdir()
    return generate_post3d((6, 8, 40), seed=3, snr_db=None).write(tmp_path / "data" / "vol.sgy")


@pytest.fixture
def ctrl(window):
    c = window.project_controller
    c.answers = Answers(c)
    return c


def add_horizon(window, name="H1"):
    """A horizon with a few manual picks, made through the model with the window's history."""
    h = Horizon.like_survey(name, window.survey)
    window.picks.add(window.history, h)
    rows, cols = np.array([0, 1, 5]), np.array([0, 3, 7])
    h.set_times(window.history, (rows, cols), [100.0, 104.5, 120.25])
    return h


def state_arrays(picks):
    meta, arrays = picks.to_state()
    return [(m["type"], m["name"]) for m in meta["objects"]], arrays


def assert_same_picks(a, b):
    names_a, arr_a = state_arrays(a)
    names_b, arr_b = state_arrays(b)
    assert names_a == names_b
    assert arr_a.keys() == arr_b.keys()
    for k in arr_a:
        np.testing.assert_array_equal(arr_a[k], arr_b[k], err_msg=k)


def test_new_project_save_close_reopen_gives_identical_picks(window, ctrl, volume, tmp_path):
    window.open_path(volume)
    assert ctrl.new_project(tmp_path / "work")
    proj = window.project
    assert proj.folder.name == "work.geodesk" and window.picks is proj.picks
    h = add_horizon(window)
    h.set_colour(window.history, "#123456")
    assert "work*" in window.windowTitle()
    assert ctrl.save()
    assert "work*" not in window.windowTitle() and "work" in window.windowTitle()
    saved = window.picks
    assert ctrl.close_project() and window.project is None
    assert window.picks.objects() == [] and window.survey is not None
    assert ctrl.open_project(proj.folder)
    assert window.picks is not saved and window.picks is window.project.picks
    assert_same_picks(window.picks, saved)
    assert window.history is window.project.history and not window.project.is_dirty
    assert app_settings.recent_projects(window.settings)[0] == str(proj.folder.resolve())
    assert ctrl.answers.errors == []


def test_picks_made_before_a_project_move_into_the_new_project(window, ctrl, volume, tmp_path):
    window.open_path(volume)
    add_horizon(window, "Early")
    before = window.picks
    assert ctrl.new_project(tmp_path / "later")
    assert window.picks.names("horizon") == ["Early"]
    assert_same_picks(window.picks, before)
    reopened = Project.open(tmp_path / "later.geodesk")
    assert_same_picks(reopened.picks, before)


def test_closing_with_unsaved_changes_asks_save_discard_cancel(window, ctrl, volume, tmp_path):
    ans = ctrl.answers
    window.open_path(volume)
    ctrl.new_project(tmp_path / "p")
    add_horizon(window)
    ans.save = CANCEL
    assert not window.close()  # cancel keeps the window and the picks
    assert window.isVisible() and window.picks.names("horizon") == ["H1"]
    assert ans.asked == ["save p"]
    ans.save = SAVE
    assert ctrl.close_project()
    assert Project.open(tmp_path / "p.geodesk").picks.names("horizon") == ["H1"]
    ctrl.open_project(tmp_path / "p.geodesk")
    window.picks.remove(window.history, "horizon", "H1")
    ans.save = DISCARD
    assert ctrl.close_project()
    assert Project.open(tmp_path / "p.geodesk").picks.names("horizon") == ["H1"]


def test_failed_save_keeps_the_previous_save_and_says_why(window, ctrl, volume, tmp_path,
                                                          monkeypatch):
    window.open_path(volume)
    ctrl.new_project(tmp_path / "p")
    add_horizon(window)
    ctrl.save()
    window.picks.get("horizon", "H1").erase(window.history, [0, 1])

    def fail(*_a, **_k):
        raise OSError("No space left on device")

    monkeypatch.setattr("geodesk.core.project.project.write_save", fail)
    assert not ctrl.save()
    assert "No space left" in ctrl.answers.errors[-1][1]
    assert window.project.is_dirty and "p*" in window.windowTitle()
    on_disk = Project.open(tmp_path / "p.geodesk").picks.get("horizon", "H1")
    assert on_disk.n_picked == 3  # the previous save is intact


def test_autosave_by_timer_and_after_a_finished_job(qtbot, window, ctrl, volume, tmp_path):
    now = [1000.0]
    ctrl.clock = lambda: now[0]
    window.open_path(volume)
    ctrl.new_project(tmp_path / "p")
    assert ctrl.timer.isActive() and ctrl.timer.interval() <= 120_000
    h = add_horizon(window)
    assert not ctrl.autosave_tick()  # the 2-minute interval has not passed
    now[0] += 121.0
    assert ctrl.autosave_tick()
    proj = Project.open(tmp_path / "p.geodesk")
    assert proj.autosave_pending and proj.picks.names("horizon") == []  # main save untouched
    assert not ctrl.autosave_tick()  # nothing new to save
    h.set_times(window.history, [2], [140.0])
    handle = window.runner.submit(lambda ctx: 42, "tiny job")
    with qtbot.waitSignal(handle.done, timeout=5000):
        pass
    assert ctrl.autosaver.count == 2
    proj = Project.open(tmp_path / "p.geodesk")
    proj.recover()
    assert proj.picks.get("horizon", "H1").times.ravel()[2] == 140.0


def test_recovery_prompt_after_a_crash_brings_the_edits_back(qtbot, window, ctrl, volume,
                                                             tmp_path, settings):
    from geodesk.qt.main_window import MainWindow

    window.open_path(volume)
    ctrl.new_project(tmp_path / "p")
    add_horizon(window)
    ctrl.save()
    window.picks.get("horizon", "H1").set_times(window.history, [10, 11], [200.0, 201.0])
    assert ctrl.job_done()  # autosave as after a job; then the process "crashes"
    edited = window.picks
    for recover, expected in ((None, None), (True, edited)):
        other = MainWindow(settings=settings)
        qtbot.addWidget(other)
        ans = Answers(other.project_controller, recover=recover)
        assert other.project_controller.open_project(tmp_path / "p.geodesk")
        assert ans.asked and ans.asked[0].startswith("recover ")
        if expected is not None:
            assert_same_picks(other.picks, expected)
            assert other.project.is_dirty and "p*" in other.windowTitle()
        else:  # "decide later" opens the last save and keeps the autosave
            assert other.picks.get("horizon", "H1").n_picked == 3
            assert other.project.autosave_pending
        other.close()
    other = MainWindow(settings=settings)
    qtbot.addWidget(other)
    ans = Answers(other.project_controller, recover=False)
    other.project_controller.open_project(tmp_path / "p.geodesk")
    assert other.picks.get("horizon", "H1").n_picked == 3  # declined: the last save
    assert not (tmp_path / "p.geodesk" / "autosave").exists()
    other.close()


def test_moved_survey_is_relinked_through_locate_the_file(window, ctrl, volume, tmp_path):
    window.open_path(volume)
    ctrl.new_project(tmp_path / "p")
    add_horizon(window)
    ctrl.save()
    ctrl.close_project()
    moved = tmp_path / "elsewhere" / "vol.sgy"
    moved.parent.mkdir()
    window.survey.close()
    shutil.move(volume, moved)
    ans = ctrl.answers
    ans.relink = None  # first: the user cancels; the picks still open, the survey does not
    assert ctrl.open_project(tmp_path / "p.geodesk")
    assert ans.asked[-1] == "missing" and "missing" in ans.errors[-1][1]
    assert window.picks.names("horizon") == ["H1"]
    ans.save = DISCARD
    ctrl.close_project()
    ans.relink, ans.locate = "locate", str(moved)
    assert ctrl.open_project(tmp_path / "p.geodesk")
    assert window.survey is not None and window.survey.path.resolve() == moved.resolve()
    assert window.project.surveys[0].path == str(moved.resolve())
    assert window.project.is_dirty  # the relink is saved with the next save
    assert window.picks is window.project.picks and window.picks.names("horizon") == ["H1"]
    ctrl.save()
    assert Project.open(tmp_path / "p.geodesk").check_surveys() == []


def test_opening_another_survey_adds_it_to_the_project(window, ctrl, volume, tmp_path):
    other = generate_post3d((5, 7, 32), seed=4).write(tmp_path / "data" / "two.sgy")
    window.open_path(volume)
    ctrl.new_project(tmp_path / "p")
    add_horizon(window)
    first = window.picks
    window.open_path(other)
    assert len(window.project.surveys) == 2
    assert window.picks is window.project.interpretation("s1") and window.picks is not first
    assert window.history is window.project.history
    window.open_path(volume)
    assert window.picks is first


def test_demo_project_references_the_demo_files_and_reopens(window, ctrl, tmp_path):
    paths = {k: generate_post3d((4, 5, 20), seed=k).write(tmp_path / f"{k}.sgy")
             for k in (1, 2, 3)}
    paths = {"post3d": paths[1], "shots": paths[2], "cmps": paths[3]}
    folder = demo_project(paths)
    assert folder == tmp_path / "demo.geodesk"
    assert [s.path for s in Project.open(folder).surveys] == [str(p) for p in paths.values()]
    assert demo_project(paths) == folder  # second start opens the same project
    assert ctrl.open_project(folder, survey_path=paths["shots"])
    assert window.survey.path.resolve() == paths["shots"].resolve()


def test_closing_with_picks_and_no_project_offers_to_save_them_in_a_new_project(
        window, ctrl, volume, tmp_path):
    ans = ctrl.answers
    ctrl.interactive = True  # the shared fixture makes windows unattended
    window.open_path(volume)
    add_horizon(window)
    ans.save = CANCEL
    assert not window.close()  # cancel keeps the window and the picks
    assert window.isVisible() and window.picks.names("horizon") == ["H1"]
    assert ans.asked == ["save None"]
    ans.save, ans.path = SAVE, str(tmp_path / "kept")  # Save → Save as… a new project
    assert window.close()
    assert ans.asked == ["save None", "save None"]
    assert Project.open(tmp_path / "kept.geodesk").picks.names("horizon") == ["H1"]


def test_closing_with_picks_and_no_project_discards_or_stays_silent_when_unattended(
        window, ctrl, volume):
    ans = ctrl.answers
    window.open_path(volume)
    add_horizon(window)
    ans.save = CANCEL
    assert window.close() and ans.asked == []  # not interactive: no question
    window.show()
    ctrl.interactive = True
    ans.save = DISCARD
    assert window.close() and ans.asked == ["save None"]


def test_damaged_project_offers_the_earlier_save_and_never_opens_altered(window, ctrl, volume,
                                                                         tmp_path):
    import json

    window.open_path(volume)
    ctrl.new_project(tmp_path / "p")
    add_horizon(window)
    ctrl.save()
    window.picks.get("horizon", "H1").erase(window.history, [0])
    ctrl.save()
    folder = tmp_path / "p.geodesk"
    gen = folder / json.loads((folder / "project.json").read_text())["generation"]
    (gen / "picks.h5").write_bytes((gen / "picks.h5").read_bytes()[:-100])  # truncated
    window.project.history.mark_clean()
    offered = []
    ctrl.ask_open_earlier = lambda name, msg, alts: offered.append(alts) and None
    assert not ctrl.open_project(folder)
    assert "damaged" in ctrl.answers.errors[-1][1] and offered[0][0][0] == "gen-000002"
    ctrl.ask_open_earlier = lambda name, msg, alts: alts[0][0]
    assert ctrl.open_project(folder)
    assert window.picks.get("horizon", "H1").n_picked == 3 and window.project.is_dirty
