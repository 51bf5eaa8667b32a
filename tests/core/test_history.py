"""History: labelled steps, strokes as one step, abort, limits, clean marker, stateful property."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from geodesk.core.history import ArrayEdit, FunctionCommand, History, HistoryError
from geodesk.core.picks import Horizon


def _horizon() -> Horizon:
    return Horizon("H1", [1, 2, 3], [10, 11, 12, 13])


def test_undo_redo_restore_values_and_labels():
    h, hz = History(), _horizon()
    hz.set_times(h, [0, 5], [100.0, 200.0], label="Pick H1")
    hz.set_times(h, [5], 250.0, label="Move H1")
    assert h.undo_label == "Move H1" and h.can_undo and not h.can_redo
    assert h.undo()
    assert hz.times.ravel()[5] == 200.0 and h.redo_label == "Move H1"
    assert h.undo()
    assert hz.n_picked == 0 and not h.can_undo and not h.undo()
    assert h.redo() and h.redo() and not h.redo()
    assert hz.times.ravel()[5] == 250.0 and hz.times.ravel()[0] == 100.0


def test_stroke_is_one_step_and_abort_reverts_partial_stroke():
    h, hz = History(), _horizon()
    h.begin("Pick horizon H1")
    for k in range(4):
        hz.set_times(h, [k], 10.0 * k)
    assert hz.n_picked == 4 and len(h) == 0 and h.is_dirty
    assert h.commit()
    assert h.labels == ["Pick horizon H1"]
    h.begin("Erase")
    hz.erase(h, [0, 1])
    h.abort()
    assert hz.n_picked == 4 and h.labels == ["Pick horizon H1"]
    h.undo()
    assert hz.n_picked == 0


def test_empty_group_records_nothing_and_commit_can_relabel():
    h, hz = History(), _horizon()
    h.begin("Nothing")
    assert not h.commit() and len(h) == 0
    h.begin("Stroke")
    hz.set_times(h, [1], 5.0)
    h.commit(label="Add seed H1")
    assert h.undo_label == "Add seed H1"


def test_nested_groups_fold_into_outer_and_inner_abort_is_local():
    h, hz = History(), _horizon()
    h.begin("Outer")
    hz.set_times(h, [0], 1.0)
    h.begin("Inner kept")
    hz.set_times(h, [1], 2.0)
    h.commit()
    h.begin("Inner aborted")
    hz.set_times(h, [2], 3.0)
    h.abort()
    h.commit()
    assert h.labels == ["Outer"] and hz.n_picked == 2
    h.undo()
    assert hz.n_picked == 0


def test_transaction_aborts_on_exception():
    h, hz = History(), _horizon()
    with pytest.raises(RuntimeError), h.transaction("Track horizon H1"):
        hz.set_times(h, [0, 1], 7.0, provenance="tracked")
        raise RuntimeError("tracker failed")
    assert hz.n_picked == 0 and len(h) == 0 and not h.in_group


def test_undo_inside_open_step_is_refused():
    h, hz = History(), _horizon()
    hz.set_times(h, [0], 1.0)
    h.begin("Stroke")
    with pytest.raises(HistoryError):
        h.undo()
    h.abort()
    with pytest.raises(HistoryError):
        h.commit()


def test_new_edit_clears_redo():
    h, hz = History(), _horizon()
    hz.set_times(h, [0], 1.0)
    hz.set_times(h, [0], 2.0)
    h.undo()
    hz.set_times(h, [1], 3.0)
    assert not h.can_redo and h.redo_label is None


def test_limit_drops_oldest_steps():
    h, hz = History(limit=3), _horizon()
    for k in range(5):
        hz.set_times(h, [k], float(k + 1))
    assert len(h) == 3
    while h.undo():
        pass
    assert np.isfinite(hz.times.ravel()[:2]).all()  # the two oldest steps are gone
    assert not np.isfinite(hz.times.ravel()[2:5]).any()


def test_memory_bound_drops_oldest_but_keeps_newest():
    hz = _horizon()
    h = History(max_bytes=1)
    hz.set_times(h, [0, 1, 2], 1.0)
    hz.set_times(h, [3, 4], 2.0)
    assert len(h) == 1 and h.nbytes > 1


def test_array_edit_stores_only_changed_indices():
    h = History()
    hz = Horizon("Big", np.arange(200), np.arange(300))
    cmd = hz.set_times(h, [7, 8, 9], 5.0)
    assert isinstance(cmd, ArrayEdit) and cmd.index.tolist() == [7, 8, 9]
    assert cmd.nbytes < 200
    again = hz.set_times(h, [7, 8, 9, 10], 5.0)  # only index 10 changes
    assert again is not None and again.index.tolist() == [10]
    assert hz.set_times(h, [7], 5.0) is None and len(h) == 2


def test_clean_marker_tracks_unsaved_changes():
    h, hz = History(), _horizon()
    assert not h.is_dirty
    hz.set_times(h, [0], 1.0)
    assert h.is_dirty
    h.mark_clean()
    assert not h.is_dirty
    h.undo()
    assert h.is_dirty
    h.redo()
    assert not h.is_dirty
    h.undo()
    hz.set_times(h, [1], 1.0)  # the saved state is no longer reachable
    assert h.is_dirty
    h.undo()
    assert h.is_dirty


def test_callbacks_fire_on_every_change():
    h, hz = History(), _horizon()
    seen: list[tuple[bool, bool]] = []
    h.subscribe(lambda hist: seen.append((hist.can_undo, hist.can_redo)))
    hz.set_times(h, [0], 1.0)
    h.undo()
    h.redo()
    h.mark_clean()
    assert seen == [(True, False), (False, True), (True, False), (True, False)]


def test_function_command_undo():
    h = History()
    box = [1]
    h.execute(FunctionCommand("Set", lambda: box.__setitem__(0, 2), lambda: box.__setitem__(0, 1)))
    assert box == [2]
    h.undo()
    assert box == [1]


class HistoryMachine(RuleBasedStateMachine):
    """Random edits, strokes, aborts, undo and redo on two horizons against a snapshot model."""

    def __init__(self) -> None:
        super().__init__()
        self.history = History(limit=10_000)
        self.objs = [_horizon(), Horizon("H2", [5], [1, 2, 3])]
        self.start = self.snapshot()
        self.states = [self.start]  # snapshots after each recorded step (index = len(history))
        self.redo_states: list = []

    def snapshot(self) -> list:
        return [(o.times.copy(), o.provenance.copy(), o.confidence.copy(), list(o.seeds))
                for o in self.objs]

    def same(self, a: list, b: list) -> bool:
        return all(np.array_equal(x[0], y[0], equal_nan=True) and np.array_equal(x[1], y[1])
                   and np.array_equal(x[2], y[2], equal_nan=True) and x[3] == y[3]
                   for x, y in zip(a, b))

    def edit(self, data: st.DataObject) -> None:
        o = self.objs[data.draw(st.integers(0, 1))]
        n = o.times.size
        idx = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n))
        kind = data.draw(st.sampled_from(["manual", "tracked", "model:unet@1", "erase", "seed"]))
        if kind == "erase":
            o.erase(self.history, idx)
        elif kind == "seed":
            o.add_seed(self.history, float(o.inlines[0]), float(o.crosslines[0]), 1.5)
        else:
            t = data.draw(st.lists(st.floats(0, 4000, width=32), min_size=len(idx),
                                   max_size=len(idx)))
            conf = None if kind == "manual" else data.draw(st.floats(0, 1, width=32))
            o.set_times(self.history, idx, t, provenance=kind, confidence=conf)

    def _recorded(self) -> None:
        now = self.snapshot()
        if len(self.history) == len(self.states):  # one new step was pushed
            self.states.append(now)
            self.redo_states = []
        else:
            assert self.same(now, self.states[-1])  # nothing changed, nothing recorded

    @rule(data=st.data())
    def single_edit(self, data: st.DataObject) -> None:
        self.edit(data)
        self._recorded()

    @rule(data=st.data(), n=st.integers(1, 4), keep=st.booleans())
    def stroke(self, data: st.DataObject, n: int, keep: bool) -> None:
        before = self.snapshot()
        self.history.begin("Stroke")
        for _ in range(n):
            self.edit(data)
        if keep:
            self.history.commit()
            self._recorded()
        else:
            self.history.abort()
            assert self.same(self.snapshot(), before)

    @precondition(lambda self: self.history.can_undo)
    @rule()
    def undo(self) -> None:
        self.history.undo()
        self.redo_states.append(self.states.pop())
        assert self.same(self.snapshot(), self.states[-1])

    @precondition(lambda self: self.history.can_redo)
    @rule()
    def redo(self) -> None:
        self.history.redo()
        self.states.append(self.redo_states.pop())
        assert self.same(self.snapshot(), self.states[-1])

    @invariant()
    def stack_matches_model(self) -> None:
        assert len(self.history) == len(self.states) - 1
        assert self.history.can_redo == bool(self.redo_states)

    def teardown(self) -> None:
        while self.history.undo():
            pass
        assert self.same(self.snapshot(), self.start)


HistoryMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
TestHistoryStateful = HistoryMachine.TestCase
