"""Interpretation: all horizons, fault sets, first breaks and velocity functions of one survey."""

from __future__ import annotations

from typing import Any

import numpy as np

from geodesk.core.history import FunctionCommand, History, apply_command
from geodesk.core.picks.arrays import STATE_FORMAT
from geodesk.core.picks.base import Change, Event
from geodesk.core.picks.faults import FaultSet
from geodesk.core.picks.firstbreaks import FirstBreaks
from geodesk.core.picks.horizon import Horizon
from geodesk.core.picks.marks import LabelMarks
from geodesk.core.picks.velocity import VelocityFunctions

PickObject = Horizon | FaultSet | FirstBreaks | VelocityFunctions
#: Object kinds in a fixed order, with their classes (``obj.kind`` names them).
KINDS: dict[str, type] = {"horizon": Horizon, "fault_set": FaultSet,
                          "first_breaks": FirstBreaks, "velocity_functions": VelocityFunctions}


class Interpretation:
    """Container of one survey's pick objects, unique names per kind, history-aware edits.

    ``changed`` emits ``Change(self, "added"|"removed"|"renamed", key=(kind, name))`` for
    structural edits and forwards every member object's own :class:`Change` (source = object).
    """

    def __init__(self, survey_name: str = "") -> None:
        self.survey_name = str(survey_name)
        self._objects: dict[str, dict[str, PickObject]] = {k: {} for k in KINDS}
        self.changed = Event()
        self.label_marks = LabelMarks()  # confirmations etc. of geodesk.core.labels
        self.label_marks.changed.connect(self._forward)

    def set_label_marks(self, marks: LabelMarks) -> None:
        """Replace the label marks (a project being opened), without recording an edit."""
        self.label_marks.changed.disconnect(self._forward)
        self.label_marks = marks
        marks.changed.connect(self._forward)

    # -- queries -----------------------------------------------------------------------------
    @property
    def horizons(self) -> dict[str, Horizon]:
        return dict(self._objects["horizon"])  # type: ignore[arg-type]

    @property
    def fault_sets(self) -> dict[str, FaultSet]:
        return dict(self._objects["fault_set"])  # type: ignore[arg-type]

    @property
    def first_breaks(self) -> dict[str, FirstBreaks]:
        return dict(self._objects["first_breaks"])  # type: ignore[arg-type]

    @property
    def velocities(self) -> dict[str, VelocityFunctions]:
        return dict(self._objects["velocity_functions"])  # type: ignore[arg-type]

    def get(self, kind: str, name: str) -> PickObject:
        try:
            return self._objects[kind][name]
        except KeyError:
            raise KeyError(f"no {kind} named {name!r}") from None

    def names(self, kind: str) -> list[str]:
        return list(self._objects[kind])

    def objects(self) -> list[PickObject]:
        """All objects, kinds in :data:`KINDS` order, each kind in insertion order."""
        return [o for k in KINDS for o in self._objects[k].values()]

    def unique_name(self, kind: str, base: str) -> str:
        """``base`` or ``base 2``, ``base 3``… whichever is free for ``kind``."""
        name, n = base, 1
        while name in self._objects[kind]:
            n += 1
            name = f"{base} {n}"
        return name

    # -- edits -------------------------------------------------------------------------------
    def _forward(self, change: Change) -> None:
        self.changed.emit(change)

    def _insert(self, obj: PickObject, pos: int | None = None) -> None:
        d = self._objects[obj.kind]
        items = list(d.items())
        items.insert(len(items) if pos is None else pos, (obj.name, obj))
        self._objects[obj.kind] = dict(items)
        obj.changed.connect(self._forward)
        self.changed.emit(Change(self, "added", key=(obj.kind, obj.name)))

    def _pop(self, obj: PickObject) -> int:
        d = self._objects[obj.kind]
        pos = list(d).index(obj.name)
        del d[obj.name]
        obj.changed.disconnect(self._forward)
        self.changed.emit(Change(self, "removed", key=(obj.kind, obj.name)))
        return pos

    def add(self, history: History | None, obj: PickObject, *,
            implicit: bool = False) -> PickObject:
        """Add an object (its name must be free within its kind). ``implicit``: made for the
        edit about to follow (the fault set of a first stick), so its creation is part of that
        edit's undo step, not a step of its own (:meth:`History.prepare`)."""
        if obj.kind not in KINDS:
            raise TypeError(f"cannot store {type(obj).__name__} in an interpretation")
        if obj.name in self._objects[obj.kind]:
            raise ValueError(f"a {obj.kind} named {obj.name!r} already exists")
        cmd = FunctionCommand(f"Add {obj.kind.replace('_', ' ')} {obj.name}",
                              lambda: self._insert(obj), lambda: self._pop(obj))
        if implicit and history is not None:
            history.prepare(cmd)
        else:
            apply_command(history, cmd)
        return obj

    def remove(self, history: History | None, kind: str, name: str) -> None:
        """Remove an object; undo puts it back at the same place."""
        obj = self.get(kind, name)
        pos = list(self._objects[kind]).index(name)
        apply_command(history, FunctionCommand(f"Delete {kind.replace('_', ' ')} {name}",
                                               lambda: self._pop(obj),
                                               lambda: self._insert(obj, pos)))

    def rename(self, history: History | None, kind: str, name: str, new_name: str) -> None:
        """Rename an object (the new name must be free within its kind)."""
        obj = self.get(kind, name)
        if new_name in self._objects[kind] and new_name != name:
            raise ValueError(f"a {kind} named {new_name!r} already exists")

        def put(old: str, new: str) -> Any:
            def run() -> None:
                d = self._objects[kind]
                self._objects[kind] = {(new if k == old else k): v for k, v in d.items()}
                obj.name = new
                self.changed.emit(Change(self, "renamed", key=(kind, new)))
            return run

        apply_command(history, FunctionCommand(f"Rename {name} to {new_name}",
                                               put(name, str(new_name)), put(str(new_name), name)))

    # -- state -------------------------------------------------------------------------------
    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Metadata listing every object's own meta, and their arrays under ``"<n>/<key>"``
        where ``n`` is the object's position in ``meta["objects"]``."""
        objects, arrays = [], {}
        for n, obj in enumerate(self.objects()):
            m, a = obj.to_state()
            objects.append(m)
            arrays.update({f"{n}/{k}": v for k, v in a.items()})
        meta = {"type": "interpretation", "format": STATE_FORMAT,
                "survey_name": self.survey_name, "objects": objects}
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict[str, Any],
                   arrays: dict[str, np.ndarray]) -> Interpretation:
        """Rebuild an interpretation from :meth:`to_state` output."""
        if meta.get("type") != "interpretation":
            raise ValueError(f"state of type {meta.get('type')!r} is not an interpretation")
        store = cls(meta.get("survey_name", ""))
        for n, m in enumerate(meta["objects"]):
            prefix = f"{n}/"
            a = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
            store.add(None, KINDS[m["type"]].from_state(m, a))
        return store
