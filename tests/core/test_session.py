"""The Qt-free Session: survey, picks, history, active pick and their change signals."""

from geodesk.core.picks import Horizon, Interpretation
from geodesk.core.segy.reader import open_survey
from geodesk.core.session import Session
from geodesk.synth.post3d import generate_post3d


def _volume(tmp_path, name="v.sgy"):
    return generate_post3d((3, 6, 40), seed=1, n_faults=0, n_horizons=1).write(tmp_path / name)


def test_a_new_file_replaces_the_picks_and_a_regroup_of_the_same_file_keeps_them(tmp_path):
    session, seen = Session(), []
    session.picks_replaced.connect(lambda picks, history: seen.append(picks))
    first = open_survey(_volume(tmp_path))
    session.set_survey(first)
    picks = session.picks
    assert seen == [picks] and picks.survey_name == first.name
    again = open_survey(first.path)  # same file (e.g. re-sorted): the interpretation stays
    assert session.set_survey(again) is first and session.picks is picks and len(seen) == 1
    other = open_survey(_volume(tmp_path, "w.sgy"))
    session.set_survey(other)
    assert session.picks is not picks and len(seen) == 2
    session.close()


def test_replacing_picks_clears_the_active_object_and_tells_listeners(tmp_path):
    session, active = Session(), []
    session.active_pick_changed.connect(active.append)
    h = Horizon("H1", [1, 2], [10, 11])
    session.set_active_pick(h)
    assert session.active_pick is h
    history = session.history
    session.set_picks(Interpretation("x"))
    assert session.active_pick is None and active == [h, None]
    assert session.history is not history  # a fresh undo history with new picks


def test_closing_the_session_drops_loaded_models():
    class Models:
        cleared = 0

        def get(self, path, task, device="auto"):
            return None

        def clear(self):
            self.cleared += 1

    models = Models()
    Session(models=models).close()
    assert models.cleared == 1
