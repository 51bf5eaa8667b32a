"""LabelMarks: what the interpreter said about picks beyond the picks themselves, for labels.

"Confirm gather" (these picks are right, as they are now), "section fully interpreted" (no
fault on that section outside the drawn sticks) and labels the interpreter deleted (excluded
by fingerprint, so the pick itself stays). Every edit is one undoable command; the marks live
on the :class:`~geodesk.core.picks.store.Interpretation` and are saved with the project.

State (``to_state() -> (meta, arrays)``): meta ``type`` "label_marks", ``format`` 1,
``confirmations`` [{object_kind, object_name, time, user}], ``sections`` [{section_kind,
section_number, time, user}], ``excluded`` [fingerprint strings]; arrays ``confirm_offsets``
int64 (c+1), ``confirm_index`` int64 and ``confirm_times`` float32 (the picks' flat indices and
their times when confirmed; confirmation k is ``[off[k]:off[k+1]]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from geodesk.core.history import FunctionCommand, History, apply_command
from geodesk.core.picks.base import Change, EditStamp, Event

MARKS_FORMAT = 1
SECTION_KINDS = ("inline", "crossline", "line")


@dataclass(frozen=True)
class Confirmation:
    """The picks ``index`` (flat indices) of one object declared right with ``times`` then."""

    object_kind: str
    object_name: str
    index: np.ndarray
    times: np.ndarray
    time: str
    user: str

    def __post_init__(self) -> None:
        idx = np.array(self.index, dtype=np.int64).ravel()
        t = np.array(self.times, dtype=np.float32).ravel()
        if idx.shape != t.shape:
            raise ValueError("a confirmation needs one time per confirmed pick")
        for a in (idx, t):
            a.setflags(write=False)
        object.__setattr__(self, "index", idx)
        object.__setattr__(self, "times", t)


@dataclass(frozen=True)
class SectionMark:
    """Section ``section_kind`` ``section_number`` is fully interpreted for faults."""

    section_kind: str
    section_number: float
    time: str
    user: str

    def __post_init__(self) -> None:
        if self.section_kind not in SECTION_KINDS:
            raise ValueError(f"section kind must be one of {SECTION_KINDS}")
        object.__setattr__(self, "section_number", float(self.section_number))


class LabelMarks:
    """Confirmations, fully interpreted sections and excluded label fingerprints of a survey."""

    kind = "label_marks"

    def __init__(self) -> None:
        self.confirmations: list[Confirmation] = []
        self.sections: list[SectionMark] = []
        self.excluded: frozenset[str] = frozenset()
        self.changed = Event()

    def __bool__(self) -> bool:  # an empty set of marks is not saved
        return bool(self.confirmations or self.sections or self.excluded)

    # -- queries -----------------------------------------------------------------------------
    def section_mark(self, section_kind: str, section_number: float) -> SectionMark | None:
        """The mark of a section, or None when it is not marked fully interpreted."""
        for m in self.sections:
            if m.section_kind == section_kind and m.section_number == float(section_number):
                return m
        return None

    # -- edits -------------------------------------------------------------------------------
    def _swap(self, history: History | None, label: str, attr: str, new: Any) -> None:
        old = getattr(self, attr)

        def put(v: Any) -> Any:
            def run() -> None:
                setattr(self, attr, v)
                self.changed.emit(Change(self, "labels", key=attr))
            return run

        apply_command(history, FunctionCommand(label, put(new), put(old)))

    def confirm(self, history: History | None, obj: Any, index: Any, label: str | None = None,
                user: str | None = None) -> Confirmation | None:
        """Confirm the picks of ``obj`` (FirstBreaks or Horizon) at ``index`` as they are now;
        unpicked traces are left out. None when nothing there is picked."""
        idx = obj.flat(index)
        times = obj.times.reshape(-1)[idx]
        keep = np.isfinite(times)
        if not keep.any():
            return None
        stamp = EditStamp.now(user)
        c = Confirmation(obj.kind, obj.name, idx[keep], times[keep], stamp.time, stamp.user)
        self._swap(history, label or f"Confirm {int(keep.sum())} picks of {obj.name}",
                   "confirmations", [*self.confirmations, c])
        return c

    def mark_section(self, history: History | None, section_kind: str, section_number: float,
                     user: str | None = None) -> SectionMark:
        """Mark a section fully interpreted for faults (a marked one keeps its first mark)."""
        have = self.section_mark(section_kind, section_number)
        if have is not None:
            return have
        stamp = EditStamp.now(user)
        m = SectionMark(section_kind, section_number, stamp.time, stamp.user)
        self._swap(history, f"Mark {section_kind} {section_number:g} fully interpreted",
                   "sections", [*self.sections, m])
        return m

    def unmark_section(self, history: History | None, section_kind: str,
                       section_number: float) -> None:
        """Forget that a section is fully interpreted (nothing happens when it is not marked)."""
        m = self.section_mark(section_kind, section_number)
        if m is not None:
            self._swap(history, f"Unmark {section_kind} {section_number:g}", "sections",
                       [s for s in self.sections if s is not m])

    def exclude(self, history: History | None, fingerprints: Any,
                label: str = "Delete label") -> None:
        """Exclude labels by fingerprint: they are no longer labels, their picks stay."""
        new = self.excluded | {str(f) for f in fingerprints}
        if new != self.excluded:
            self._swap(history, label, "excluded", frozenset(new))

    # -- state -------------------------------------------------------------------------------
    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """JSON-able metadata and numpy arrays that :meth:`from_state` restores exactly."""
        cs = self.confirmations
        meta = {"type": self.kind, "format": MARKS_FORMAT,
                "confirmations": [{"object_kind": c.object_kind, "object_name": c.object_name,
                                   "time": c.time, "user": c.user} for c in cs],
                "sections": [{"section_kind": s.section_kind,
                              "section_number": s.section_number, "time": s.time,
                              "user": s.user} for s in self.sections],
                "excluded": sorted(self.excluded)}
        arrays = {
            "confirm_offsets": np.concatenate(
                [[0], np.cumsum([c.index.size for c in cs])]).astype(np.int64),
            "confirm_index": np.concatenate([c.index for c in cs] or [np.empty(0)]
                                            ).astype(np.int64),
            "confirm_times": np.concatenate([c.times for c in cs] or [np.empty(0)]
                                            ).astype(np.float32),
        }
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> LabelMarks:
        """Rebuild marks from :meth:`to_state` output (check it first with
        :func:`geodesk.core.project.validate.check_label_marks`)."""
        if meta.get("type") != cls.kind:
            raise ValueError(f"state of type {meta.get('type')!r} is not {cls.kind}")
        if int(meta.get("format", 0)) > MARKS_FORMAT:
            raise ValueError(f"label marks format {meta.get('format')} is newer than this "
                             f"GeoDesk ({MARKS_FORMAT})")
        marks = cls()
        off = np.asarray(arrays["confirm_offsets"], dtype=np.int64)
        for k, c in enumerate(meta["confirmations"]):
            sl = slice(off[k], off[k + 1])
            marks.confirmations.append(Confirmation(
                c["object_kind"], c["object_name"], arrays["confirm_index"][sl],
                arrays["confirm_times"][sl], c["time"], c["user"]))
        marks.sections = [SectionMark(s["section_kind"], s["section_number"], s["time"],
                                      s["user"]) for s in meta["sections"]]
        marks.excluded = frozenset(meta["excluded"])
        return marks
