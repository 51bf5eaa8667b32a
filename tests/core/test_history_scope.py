"""Undo reaches what is on screen (steps remember their scope) and implicit preparation joins
the edit it made room for (issue 14, defect 3)."""

from geodesk.core.history import FunctionCommand, History


class Box:
    """A value changed through the history."""

    def __init__(self) -> None:
        self.value = 0

    def set(self, h: History, value: int, label: str = "set") -> None:
        old = self.value
        h.execute(FunctionCommand(label, lambda: setattr(self, "value", value),
                                  lambda: setattr(self, "value", old)))


def test_undo_leaves_the_steps_of_a_survey_not_on_screen_alone():
    h, a, b = History(), Box(), Box()
    h.scope = "A"
    a.set(h, 1, "pick on A")
    h.scope = "B"
    assert not h.can_undo and h.undo_label is None and h.hidden_steps == 1
    assert not h.undo() and a.value == 1  # nothing of B to undo: A's pick stays
    b.set(h, 5, "pick on B")
    assert h.undo_label == "pick on B" and h.labels == ["pick on B"]
    assert h.undo() and b.value == 0 and a.value == 1
    h.scope = "A"
    assert h.undo_label == "pick on A" and h.undo() and a.value == 0
    assert h.redo() and a.value == 1
    h.scope = "B"
    assert h.redo_label == "pick on B" and h.redo() and b.value == 5


def test_a_new_edit_drops_only_the_redo_of_the_survey_on_screen():
    h, a, b = History(), Box(), Box()
    h.scope = "A"
    a.set(h, 1)
    h.undo()
    h.scope = "B"
    b.set(h, 2)
    h.undo()
    b.set(h, 3)  # B's redo goes, A's stays
    assert not h.can_redo
    h.scope = "A"
    assert h.can_redo and h.redo() and a.value == 1


def test_dirty_flag_follows_undo_and_redo_out_of_order():
    h, a, b = History(), Box(), Box()
    h.scope = "A"
    a.set(h, 1)
    h.scope = "B"
    b.set(h, 2)
    h.mark_clean()
    h.scope = "A"
    h.undo()
    assert h.is_dirty
    h.redo()
    assert not h.is_dirty  # the same steps applied as at the save, in another order


def test_prepared_creation_is_undone_with_the_first_edit_in_one_step():
    h, made = History(), []
    h.prepare(FunctionCommand("Add fault set", lambda: made.append("set"),
                              lambda: made.remove("set")))
    assert made == ["set"] and len(h) == 0 and not h.can_undo and not h.is_dirty
    with h.transaction("Add fault stick"):
        h.execute(FunctionCommand("stick", lambda: made.append("stick"),
                                  lambda: made.remove("stick")))
    assert len(h) == 1 and h.undo_label == "Add fault stick"
    assert h.undo() and made == [] and not h.can_undo
    assert h.redo() and made == ["set", "stick"]


def test_scope_change_tells_the_listeners():
    h, seen = History(), []
    h.subscribe(lambda hist: seen.append(hist.scope))
    h.scope = "A"
    h.scope = "A"
    assert seen == ["A"]


def test_dropping_a_scope_forgets_its_steps_and_keeps_the_others():
    h, a, b = History(), Box(), Box()
    h.scope = "A"
    a.set(h, 1, "on A")
    h.scope = "B"
    b.set(h, 2, "on B")
    h.drop_scope("A")
    assert h.hidden_steps == 0 and h.labels == ["on B"] and a.value == 1
    assert h.undo() and b.value == 0


def test_a_preparation_left_on_another_survey_does_not_join_this_surveys_step():
    h, made, b = History(), [], Box()
    h.scope = "A"
    h.prepare(FunctionCommand("Add fault set", lambda: made.append("set"),
                              lambda: made.remove("set")))
    h.scope = "B"
    b.set(h, 4, "on B")
    assert h.undo() and made == ["set"]  # A's empty fault set stays where it was made
