"""FaultSet: named faults, each a list of sticks picked on one section, with provenance.

A stick a model made keeps its model points once an edit replaces them (``model_points``), so the
(prediction, correction) pair survives once the undo history is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from geodesk.core.history import FunctionCommand, History, apply_command
from geodesk.core.picks.arrays import STATE_FORMAT
from geodesk.core.picks.base import (
    MANUAL,
    Change,
    EditStamp,
    Event,
    ProvenanceTable,
    check_provenance,
    edited_provenance,
    is_model,
)

STICK_SECTION_KINDS = ("inline", "crossline", "line")


@dataclass(frozen=True)
class Stick:
    """A polyline of ``(inline, crossline, time_ms)`` points picked on one section.

    ``section_kind`` is inline/crossline/line and ``section_number`` the line number it was
    picked on. Sticks are immutable: edits replace them (same ``uid``) so undo is a swap.
    """

    uid: int
    points: np.ndarray
    section_kind: str
    section_number: float
    provenance: str = MANUAL
    model_points: np.ndarray | None = None  # the model's points an edit replaced
    model_provenance: str | None = None

    def __post_init__(self) -> None:
        for key in ("points", "model_points"):
            if key == "model_points" and self.model_points is None:
                continue
            pts = np.array(getattr(self, key), dtype=np.float64).reshape(-1, 3)
            pts.setflags(write=False)
            object.__setattr__(self, key, pts)
        if self.section_kind not in STICK_SECTION_KINDS:
            raise ValueError(f"stick section kind must be one of {STICK_SECTION_KINDS}")
        check_provenance(self.provenance)
        if (self.model_points is None) != (self.model_provenance is None):
            raise ValueError("a stick's model points and model provenance go together")
        if self.model_provenance is not None:
            check_provenance(self.model_provenance)


@dataclass
class Fault:
    """A named, coloured fault made of sticks."""

    name: str
    colour: str = "#ff3030"
    sticks: list[Stick] = field(default_factory=list)


class FaultSet:
    """Named faults with history-aware edits; ``changed`` emits a :class:`Change` per edit."""

    kind = "fault_set"

    def __init__(self, name: str) -> None:
        self.name = str(name)
        self.faults: list[Fault] = []
        self.stamp = EditStamp()
        self.changed = Event()
        self._next_uid = 1

    # -- queries -----------------------------------------------------------------------------
    def fault(self, name: str) -> Fault:
        for f in self.faults:
            if f.name == name:
                return f
        raise KeyError(f"no fault {name!r} in {self.name!r}")

    @property
    def fault_names(self) -> list[str]:
        return [f.name for f in self.faults]

    def find_stick(self, uid: int) -> tuple[Fault, int]:
        """The fault holding stick ``uid`` and its position there."""
        for f in self.faults:
            for k, s in enumerate(f.sticks):
                if s.uid == uid:
                    return f, k
        raise KeyError(f"no stick {uid} in {self.name!r}")

    def stick(self, uid: int) -> Stick:
        f, k = self.find_stick(uid)
        return f.sticks[k]

    def sticks_on(self, section_kind: str, section_number: float) -> list[tuple[Fault, Stick]]:
        """Sticks picked on the given section (for drawing and hit-testing)."""
        return [(f, s) for f in self.faults for s in f.sticks
                if s.section_kind == section_kind and s.section_number == section_number]

    @property
    def n_sticks(self) -> int:
        return sum(len(f.sticks) for f in self.faults)

    # -- edits -------------------------------------------------------------------------------
    def _run(self, history: History | None, label: str, do: Callable[[], None],
             undo: Callable[[], None], what: str, key: Any = None, size: int = 64) -> None:
        before = EditStamp(self.stamp.user, self.stamp.time)
        after = EditStamp.now()

        def wrap(fn: Callable[[], None], stamp: EditStamp) -> Callable[[], None]:
            def run() -> None:
                fn()
                self.stamp = stamp
                self.changed.emit(Change(self, what, key=key))
            return run

        apply_command(history, FunctionCommand(label, wrap(do, after), wrap(undo, before), size))

    def add_fault(self, history: History | None, name: str, colour: str = "#ff3030") -> Fault:
        """Add an empty fault (names are unique within the set)."""
        if name in self.fault_names:
            raise ValueError(f"fault {name!r} already exists in {self.name!r}")
        f = Fault(str(name), str(colour))
        self._run(history, f"Add fault {name}", lambda: self.faults.append(f),
                  lambda: self.faults.remove(f), "faults", name)
        return f

    def remove_fault(self, history: History | None, name: str) -> None:
        """Remove a fault with all its sticks."""
        f = self.fault(name)
        pos = self.faults.index(f)
        self._run(history, f"Delete fault {name}", lambda: self.faults.remove(f),
                  lambda: self.faults.insert(pos, f), "faults", name)

    def rename_fault(self, history: History | None, name: str, new_name: str) -> None:
        """Rename a fault (the new name must be free)."""
        f = self.fault(name)
        if new_name != name and new_name in self.fault_names:
            raise ValueError(f"fault {new_name!r} already exists in {self.name!r}")

        def put(v: str) -> Callable[[], None]:
            return lambda: setattr(f, "name", v)

        self._run(history, f"Rename fault {name} to {new_name}", put(str(new_name)), put(name),
                  "faults", new_name)

    def set_fault_colour(self, history: History | None, name: str, colour: str) -> None:
        f = self.fault(name)
        old = f.colour
        self._run(history, f"Colour fault {name}", lambda: setattr(f, "colour", str(colour)),
                  lambda: setattr(f, "colour", old), "faults", name)

    def add_stick(self, history: History | None, fault: str, points: Any, section_kind: str,
                  section_number: float, provenance: str = MANUAL,
                  label: str | None = None) -> int:
        """Add a stick to ``fault``; returns its uid."""
        f = self.fault(fault)
        s = Stick(self._next_uid, points, section_kind, float(section_number), provenance)
        if len(s.points) < 1:
            raise ValueError("a stick needs at least one point")
        self._next_uid += 1
        self._run(history, label or "Add fault stick", lambda: f.sticks.append(s),
                  lambda: f.sticks.remove(s), "sticks", s.uid, s.points.nbytes + 64)
        return s.uid

    def remove_stick(self, history: History | None, uid: int, label: str | None = None) -> None:
        """Delete stick ``uid``."""
        f, k = self.find_stick(uid)
        s = f.sticks[k]
        self._run(history, label or "Delete fault stick", lambda: f.sticks.remove(s),
                  lambda: f.sticks.insert(k, s), "sticks", uid, s.points.nbytes + 64)

    def set_stick_points(self, history: History | None, uid: int, points: Any,
                         provenance: str = MANUAL, label: str | None = None) -> None:
        """Replace the points of stick ``uid``; a manual edit of a model stick → corrected (the
        model's points are kept beside it, see :class:`Stick`)."""
        f, k = self.find_stick(uid)
        old = f.sticks[k]
        keep = {}
        if is_model(provenance):
            keep = {"model_points": None, "model_provenance": None}
        elif is_model(old.provenance) and old.model_points is None:
            keep = {"model_points": old.points, "model_provenance": old.provenance}
        new = replace(old, points=np.array(points, dtype=np.float64),
                      provenance=edited_provenance(old.provenance, provenance), **keep)

        def put(s: Stick) -> Callable[[], None]:
            def run() -> None:
                ff, kk = self.find_stick(uid)
                ff.sticks[kk] = s
            return run

        self._run(history, label or "Edit fault stick", put(new), put(old), "sticks", uid,
                  old.points.nbytes + new.points.nbytes + 64)

    def move_node(self, history: History | None, uid: int, node: int, point: Any,
                  label: str | None = None) -> None:
        """Move node ``node`` of stick ``uid`` to ``point`` (inline, crossline, time_ms)."""
        pts = self.stick(uid).points.copy()
        pts[node] = np.asarray(point, dtype=np.float64)
        self.set_stick_points(history, uid, pts, label=label or "Move stick node")

    # -- state -------------------------------------------------------------------------------
    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Metadata (faults' names/colours) and flat arrays of all sticks; exact round trip."""
        table = ProvenanceTable()
        sticks = [(n, s) for n, f in enumerate(self.faults) for s in f.sticks]
        counts = [len(s.points) for _, s in sticks]
        meta = {"type": self.kind, "format": STATE_FORMAT, "name": self.name,
                "faults": [{"name": f.name, "colour": f.colour} for f in self.faults],
                "next_uid": self._next_uid, "last_user": self.stamp.user,
                "last_modified": self.stamp.time}
        arrays = {
            "points": (np.concatenate([s.points for _, s in sticks]) if sticks
                       else np.empty((0, 3))).astype(np.float64),
            "stick_offsets": np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
            "stick_fault": np.array([n for n, _ in sticks], dtype=np.int32),
            "stick_uid": np.array([s.uid for _, s in sticks], dtype=np.int64),
            "stick_provenance": np.array([table.code(s.provenance) for _, s in sticks],
                                         dtype=np.int16),
            "stick_section_kind": np.array(
                [STICK_SECTION_KINDS.index(s.section_kind) for _, s in sticks], dtype=np.int8),
            "stick_section_number": np.array([s.section_number for _, s in sticks],
                                             dtype=np.float64),
        }
        originals = [(n, s) for n, (_, s) in enumerate(sticks) if s.model_points is not None]
        if originals:  # older GeoDesk ignores these extra arrays
            arrays.update(
                model_stick=np.array([n for n, _ in originals], dtype=np.int64),
                model_offsets=np.concatenate(
                    [[0], np.cumsum([len(s.model_points) for _, s in originals])]
                ).astype(np.int64),
                model_points=np.concatenate([s.model_points for _, s in originals]),
                model_provenance=np.array([table.code(s.model_provenance)
                                           for _, s in originals], dtype=np.int16))
        meta["provenance_names"] = list(table.names)
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> FaultSet:
        """Rebuild a fault set from :meth:`to_state` output."""
        if meta.get("type") != cls.kind:
            raise ValueError(f"state of type {meta.get('type')!r} is not a {cls.kind}")
        fs = cls(meta["name"])
        fs.faults = [Fault(d["name"], d["colour"]) for d in meta["faults"]]
        names = list(meta["provenance_names"])
        off = np.asarray(arrays["stick_offsets"], dtype=np.int64)
        pts = np.asarray(arrays["points"], dtype=np.float64).reshape(-1, 3)
        models = {}
        if "model_stick" in arrays:
            stick = np.asarray(arrays["model_stick"], dtype=np.int64)
            codes = np.asarray(arrays["model_provenance"], dtype=np.int64)
            if stick.size != codes.size or (stick.size and (
                    stick.min() < 0 or stick.max() >= len(off) - 1 or codes.min() < 0
                    or codes.max() >= len(names))):
                raise ValueError("damaged model originals of fault sticks")
            moff = np.asarray(arrays["model_offsets"], dtype=np.int64)
            mpts = np.asarray(arrays["model_points"], dtype=np.float64).reshape(-1, 3)
            for m, n in enumerate(np.asarray(arrays["model_stick"], dtype=np.int64)):
                models[int(n)] = {"model_points": mpts[moff[m]:moff[m + 1]],
                                  "model_provenance": names[int(arrays["model_provenance"][m])]}
        for n in range(len(off) - 1):
            s = Stick(int(arrays["stick_uid"][n]), pts[off[n]:off[n + 1]],
                      STICK_SECTION_KINDS[int(arrays["stick_section_kind"][n])],
                      float(arrays["stick_section_number"][n]),
                      names[int(arrays["stick_provenance"][n])], **models.get(n, {}))
            fs.faults[int(arrays["stick_fault"][n])].sticks.append(s)
        uids = np.asarray(arrays["stick_uid"], dtype=np.int64)
        fs._next_uid = max(int(meta.get("next_uid", 1)), int(uids.max(initial=0)) + 1)
        fs.stamp = EditStamp(str(meta.get("last_user", "")), str(meta.get("last_modified", "")))
        return fs
