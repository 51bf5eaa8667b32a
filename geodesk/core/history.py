"""One app-wide undo/redo history of data diffs, grouped into labelled steps.

Every change to the picks model is a command object with ``apply()`` / ``revert()`` that really
undoes, plus a ``label`` and an ``nbytes`` estimate (for the memory bound). Use it like glue's
command stack and napari's grouped undo:

>>> h = History(limit=200)
>>> h.execute(cmd)                 # applies cmd, records one step "cmd.label"
>>> h.begin("Pick horizon H1")     # a mouse stroke or a tracker run ...
>>> h.execute(c1); h.execute(c2)   # ... applied immediately, so the view shows them
>>> h.commit()                     # ... recorded as ONE step (or h.abort() reverts c2, c1)
>>> h.undo(); h.redo()

Groups nest (an inner commit folds into the outer group; an inner abort reverts only its own
commands). ``transaction(label)`` is a context manager that commits, or aborts on exception.
``is_dirty`` / ``mark_clean()`` track unsaved changes; ``subscribe(fn)`` calls ``fn(history)``
after every change of the stack. ``execute`` with ``history=None`` is handled by
:func:`apply_command`, so model edit functions accept an optional history (importers, loaders).
Array edits store only the changed flat indices with their before/after values
(:class:`ArrayEdit`), never whole arrays.

Undo applies to what the user sees: ``scope`` names what is on screen (the session sets it to
the shown survey's interpretation) and every step remembers the scope it was recorded in;
undo/redo act on the newest step of the current scope (steps of different surveys touch
different objects, so they are independent). ``prepare(cmd)`` applies a command that only makes
room for an edit (the fault set created for the first stick, the velocity object of an opened
panel) and folds it into the next recorded step instead of recording a step of its own.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


class Command(Protocol):
    """Anything with a label, ``apply()``, ``revert()`` and an ``nbytes`` size estimate."""

    label: str

    def apply(self) -> None: ...

    def revert(self) -> None: ...

    @property
    def nbytes(self) -> int: ...


class HistoryError(RuntimeError):
    """Misuse of the history (commit without begin, undo inside an open stroke…)."""


@dataclass
class ArrayEdit:
    """Set ``arrays[k].flat[index] = after[k]`` on apply and ``before[k]`` on revert.

    All arrays share the same flat ``index`` (e.g. times, provenance and confidence of one
    horizon). ``notify(index)`` is called after apply and after revert so models emit events;
    ``meta_before``/``meta_after`` are restored through ``set_meta`` (who/when of the edit).
    """

    label: str
    arrays: Sequence[np.ndarray]
    index: np.ndarray
    before: Sequence[np.ndarray]
    after: Sequence[np.ndarray]
    notify: Callable[[np.ndarray], None] | None = None
    set_meta: Callable[[object], None] | None = None
    meta_before: object = None
    meta_after: object = None

    @classmethod
    def capture(cls, label: str, arrays: Sequence[np.ndarray], index: np.ndarray,
                after: Sequence[np.ndarray], **kw: object) -> ArrayEdit:
        """Build an edit, reading the current values at ``index`` as the before state."""
        index = np.asarray(index, dtype=np.int64).ravel()
        before = [a.reshape(-1)[index].copy() for a in arrays]
        after = [np.broadcast_to(np.asarray(v, dtype=a.dtype), index.shape).copy()
                 for v, a in zip(after, arrays)]
        return cls(label, list(arrays), index, before, after, **kw)  # type: ignore[arg-type]

    def _write(self, values: Sequence[np.ndarray], meta: object) -> None:
        for a, v in zip(self.arrays, values):
            a.reshape(-1)[self.index] = v
        if self.set_meta is not None:
            self.set_meta(meta)
        if self.notify is not None:
            self.notify(self.index)

    def apply(self) -> None:
        self._write(self.after, self.meta_after)

    def revert(self) -> None:
        self._write(self.before, self.meta_before)

    @property
    def nbytes(self) -> int:
        return int(self.index.nbytes + sum(v.nbytes for v in self.before)
                   + sum(v.nbytes for v in self.after))


@dataclass
class FunctionCommand:
    """A command made of two closures; for structural edits (add/remove/rename, stick points)."""

    label: str
    do: Callable[[], None]
    undo: Callable[[], None]
    size: int = 64

    def apply(self) -> None:
        self.do()

    def revert(self) -> None:
        self.undo()

    @property
    def nbytes(self) -> int:
        return self.size


@dataclass
class Group:
    """Several commands applied in order and reverted in reverse order, as one step."""

    label: str
    commands: list = field(default_factory=list)

    def apply(self) -> None:
        for c in self.commands:
            c.apply()

    def revert(self) -> None:
        for c in reversed(self.commands):
            c.revert()

    @property
    def nbytes(self) -> int:
        return sum(c.nbytes for c in self.commands)


@dataclass
class _Step:
    """A recorded step: the command, the scope it was recorded in, a unique number."""

    command: Command
    scope: object
    seq: int


def apply_command(history: History | None, command: Command) -> None:
    """Apply ``command`` through ``history`` (recorded) or directly when history is None."""
    if history is None:
        command.apply()
    else:
        history.execute(command)


class History:
    """Bounded undo/redo stack of labelled steps with stroke grouping and a clean marker.

    ``limit`` bounds the number of steps and ``max_bytes`` their summed ``nbytes``; the oldest
    steps are dropped first (the newest step is always kept). ``scope`` (see the module
    docstring) selects the steps undo and redo reach.
    """

    def __init__(self, limit: int = 200, max_bytes: int = 256 * 2**20) -> None:
        if limit < 1:
            raise ValueError("history limit must be at least 1")
        self.limit = int(limit)
        self.max_bytes = int(max_bytes)
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []
        self._groups: list[Group] = []
        self._pending: list[Command] = []  # prepared commands waiting for the next step
        self._seq = itertools.count()
        self._clean: frozenset[int] | None = frozenset()  # steps applied when clean
        self._listeners: list[Callable[[History], None]] = []
        self._busy = False
        self._scope: object = None

    # -- scope -------------------------------------------------------------------------------
    @property
    def scope(self) -> object:
        """What is on screen (None: everything); undo/redo reach this scope's steps."""
        return self._scope

    @scope.setter
    def scope(self, value: object) -> None:
        if value is not self._scope:
            self._scope = value
            self._pending = []  # a preparation of another survey never joins this one's step
            self._notify()

    def _reachable(self, step: _Step) -> bool:
        return step.scope is None or self._scope is None or step.scope is self._scope

    def _newest(self, steps: list[_Step]) -> int | None:
        return next((i for i in range(len(steps) - 1, -1, -1) if self._reachable(steps[i])),
                    None)

    # -- recording ---------------------------------------------------------------------------
    def execute(self, command: Command) -> None:
        """Apply ``command`` and record it (into the open group, or as a new step)."""
        if self._busy:
            raise HistoryError("a command may not execute commands while undoing/redoing")
        command.apply()
        self.record(command)

    def record(self, command: Command) -> None:
        """Record a command whose effect is already applied (e.g. a model loaded in place)."""
        if self._groups:
            self._groups[-1].commands.append(command)
        else:
            self._push(command)

    def prepare(self, command: Command) -> None:
        """Apply ``command`` now and record it with the next step (as part of it): implicit
        preparation such as creating the object a first edit goes into is no step of its own."""
        if self._busy:
            raise HistoryError("a command may not execute commands while undoing/redoing")
        command.apply()
        self._pending.append(command)

    def begin(self, label: str) -> None:
        """Open a group: following commands form one step (a stroke, a tracker run)."""
        self._groups.append(Group(label))

    def commit(self, label: str | None = None) -> bool:
        """Close the innermost group; returns True if it held any command. ``label`` renames it."""
        if not self._groups:
            raise HistoryError("commit() without begin()")
        g = self._groups.pop()
        if label is not None:
            g.label = label
        if not g.commands:
            self._notify()
            return False
        step: Command = g.commands[0] if len(g.commands) == 1 and not self._groups else g
        if len(g.commands) == 1:
            g.commands[0].label = g.label  # the step reads as the group did
        if self._groups:
            self._groups[-1].commands.append(step)
        else:
            self._push(step)
        return True

    def abort(self) -> None:
        """Close the innermost group, reverting its commands (a cancelled stroke)."""
        if not self._groups:
            raise HistoryError("abort() without begin()")
        g = self._groups.pop()
        g.revert()
        self._notify()

    @contextlib.contextmanager
    def transaction(self, label: str) -> Iterator[History]:
        """``with history.transaction("Track horizon H1"):`` commits, or aborts on error."""
        self.begin(label)
        try:
            yield self
        except BaseException:
            self.abort()
            raise
        self.commit()

    @property
    def in_group(self) -> bool:
        return bool(self._groups)

    def _push(self, command: Command) -> None:
        if self._pending:  # the preparation is undone with the step it made room for
            command = Group(command.label, [*self._pending, command])
            self._pending = []
        self._undo.append(_Step(command, self._scope, next(self._seq)))
        # a new edit ends the redo branch of what is on screen (other surveys keep theirs)
        self._redo = [st for st in self._redo if not self._reachable(st)]
        self._trim()
        self._notify()

    def _trim(self) -> None:
        total = sum(st.command.nbytes for st in self._undo)
        while len(self._undo) > 1 and (len(self._undo) > self.limit or total > self.max_bytes):
            dropped = self._undo.pop(0)
            total -= dropped.command.nbytes
            if self._clean is not None:  # the dropped step can no longer be undone
                self._clean = (self._clean - {dropped.seq} if dropped.seq in self._clean
                               else None)

    # -- undo / redo -------------------------------------------------------------------------
    def undo(self) -> bool:
        """Revert the newest step of the current scope; returns False if there is none."""
        self._check_idle("undo")
        i = self._newest(self._undo)
        if i is None:
            return False
        st = self._undo[i]
        self._busy = True
        try:
            st.command.revert()
        finally:
            self._busy = False
        del self._undo[i]
        self._redo.append(st)
        self._notify()
        return True

    def redo(self) -> bool:
        """Re-apply the newest undone step of the current scope; returns False if there is none."""
        self._check_idle("redo")
        i = self._newest(self._redo)
        if i is None:
            return False
        st = self._redo[i]
        self._busy = True
        try:
            st.command.apply()
        finally:
            self._busy = False
        del self._redo[i]
        self._undo.append(st)
        self._notify()
        return True

    def _check_idle(self, what: str) -> None:
        if self._groups:
            raise HistoryError(f"cannot {what} while a step is open ({self._groups[0].label!r})")

    def clear(self) -> None:
        """Forget all steps (e.g. after opening another project); the state becomes clean."""
        self._check_idle("clear")
        self._undo.clear()
        self._redo.clear()
        self._pending.clear()
        self._clean = frozenset()
        self._notify()

    def drop_scope(self, scope: object) -> None:
        """Forget the steps recorded in ``scope`` (a survey removed from the project): their
        effects stay, they can no longer be undone or redone."""
        self._check_idle("drop steps")
        self._undo = [st for st in self._undo if st.scope is not scope]
        self._redo = [st for st in self._redo if st.scope is not scope]
        self._notify()

    @property
    def can_undo(self) -> bool:
        return self._newest(self._undo) is not None and not self._groups

    @property
    def can_redo(self) -> bool:
        return self._newest(self._redo) is not None and not self._groups

    @property
    def undo_label(self) -> str | None:
        i = self._newest(self._undo)
        return None if i is None else self._undo[i].command.label

    @property
    def redo_label(self) -> str | None:
        i = self._newest(self._redo)
        return None if i is None else self._redo[i].command.label

    @property
    def labels(self) -> list[str]:
        """Labels of the steps undo can reach now, oldest first (for a history panel)."""
        return [st.command.label for st in self._undo if self._reachable(st)]

    @property
    def hidden_steps(self) -> int:
        """Undoable steps of other scopes (surveys not on screen), which undo leaves alone."""
        return sum(1 for st in self._undo if not self._reachable(st))

    def __len__(self) -> int:
        return len(self._undo)

    @property
    def nbytes(self) -> int:
        return sum(st.command.nbytes for st in self._undo) + \
            sum(st.command.nbytes for st in self._redo)

    # -- clean marker & listeners ------------------------------------------------------------
    def mark_clean(self) -> None:
        """Remember the current state as saved."""
        self._clean = frozenset(st.seq for st in self._undo)
        self._notify()

    @property
    def is_dirty(self) -> bool:
        """True when the data differs from the last :meth:`mark_clean` (or an open step exists)."""
        applied = frozenset(st.seq for st in self._undo)
        return self._clean != applied or any(g.commands for g in self._groups)

    def subscribe(self, callback: Callable[[History], None]) -> None:
        """Call ``callback(history)`` after every push, undo, redo, abort, clear, mark_clean or
        change of scope."""
        self._listeners.append(callback)

    def unsubscribe(self, callback: Callable[[History], None]) -> None:
        self._listeners.remove(callback)

    def _notify(self) -> None:
        for cb in list(self._listeners):
            cb(self)
