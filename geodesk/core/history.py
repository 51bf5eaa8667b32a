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
"""

from __future__ import annotations

import contextlib
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


def apply_command(history: History | None, command: Command) -> None:
    """Apply ``command`` through ``history`` (recorded) or directly when history is None."""
    if history is None:
        command.apply()
    else:
        history.execute(command)


class History:
    """Bounded undo/redo stack of labelled steps with stroke grouping and a clean marker.

    ``limit`` bounds the number of steps and ``max_bytes`` their summed ``nbytes``; the oldest
    steps are dropped first (the newest step is always kept).
    """

    def __init__(self, limit: int = 200, max_bytes: int = 256 * 2**20) -> None:
        if limit < 1:
            raise ValueError("history limit must be at least 1")
        self.limit = int(limit)
        self.max_bytes = int(max_bytes)
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._groups: list[Group] = []
        self._clean: int | None = 0  # len(_undo) at the clean point; None: unreachable
        self._listeners: list[Callable[[History], None]] = []
        self._busy = False

    # -- recording ---------------------------------------------------------------------------
    def execute(self, command: Command) -> None:
        """Apply ``command`` and record it (into the open group, or as a new step)."""
        if self._busy:
            raise HistoryError("a command may not execute commands while undoing/redoing")
        command.apply()
        if self._groups:
            self._groups[-1].commands.append(command)
        else:
            self._push(command)

    def record(self, command: Command) -> None:
        """Record a command whose effect is already applied (e.g. a model loaded in place)."""
        if self._groups:
            self._groups[-1].commands.append(command)
        else:
            self._push(command)

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
        if self._clean is not None and self._clean > len(self._undo):
            self._clean = None  # the clean state lived on the redo branch we drop now
        self._undo.append(command)
        self._redo.clear()
        self._trim()
        self._notify()

    def _trim(self) -> None:
        total = sum(c.nbytes for c in self._undo)
        while len(self._undo) > 1 and (len(self._undo) > self.limit or total > self.max_bytes):
            total -= self._undo.pop(0).nbytes
            if self._clean is not None:
                self._clean = self._clean - 1 if self._clean > 0 else None

    # -- undo / redo -------------------------------------------------------------------------
    def undo(self) -> bool:
        """Revert the newest step; returns False if there is none."""
        self._check_idle("undo")
        if not self._undo:
            return False
        c = self._undo.pop()
        self._busy = True
        try:
            c.revert()
        finally:
            self._busy = False
        self._redo.append(c)
        self._notify()
        return True

    def redo(self) -> bool:
        """Re-apply the newest undone step; returns False if there is none."""
        self._check_idle("redo")
        if not self._redo:
            return False
        c = self._redo.pop()
        self._busy = True
        try:
            c.apply()
        finally:
            self._busy = False
        self._undo.append(c)
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
        self._clean = 0
        self._notify()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo) and not self._groups

    @property
    def can_redo(self) -> bool:
        return bool(self._redo) and not self._groups

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    @property
    def labels(self) -> list[str]:
        """Labels of the undoable steps, oldest first (for a history panel)."""
        return [c.label for c in self._undo]

    def __len__(self) -> int:
        return len(self._undo)

    @property
    def nbytes(self) -> int:
        return sum(c.nbytes for c in self._undo) + sum(c.nbytes for c in self._redo)

    # -- clean marker & listeners ------------------------------------------------------------
    def mark_clean(self) -> None:
        """Remember the current state as saved."""
        self._clean = len(self._undo)
        self._notify()

    @property
    def is_dirty(self) -> bool:
        """True when the data differs from the last :meth:`mark_clean` (or an open step exists)."""
        return self._clean != len(self._undo) or any(g.commands for g in self._groups)

    def subscribe(self, callback: Callable[[History], None]) -> None:
        """Call ``callback(history)`` after every push, undo, redo, abort, clear or mark_clean."""
        self._listeners.append(callback)

    def unsubscribe(self, callback: Callable[[History], None]) -> None:
        self._listeners.remove(callback)

    def _notify(self) -> None:
        for cb in list(self._listeners):
            cb(self)
