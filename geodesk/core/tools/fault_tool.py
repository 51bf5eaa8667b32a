"""Fault-stick picking on an inline / crossline / 2D line section.

Click adds a point to the stick in progress; double-click or Enter ends it (one step "Add fault
stick"); pressing near a node of an existing stick drags that node (one step "Move stick node";
a click that leaves the node where it was selects the stick and records no step);
pressing near a stick's line selects it; Delete/Backspace removes the selected stick; Escape
aborts a node drag, else drops the stick in progress, else clears the selection.
"""

from __future__ import annotations

import itertools

import numpy as np

from geodesk.core.history import History
from geodesk.core.picks import FaultSet
from geodesk.core.section import Section
from geodesk.core.tools.base import (
    Modifiers,
    OverlayItem,
    key_to_position,
    position_to_key,
    section_keys,
)


class FaultStickTool:
    """Pick and edit fault sticks; ``tolerance`` = (traces, ms) hit radius from the adapter."""

    def __init__(self, fault_set: FaultSet, history: History, section: Section,
                 line: float | None = None, fault: str | None = None,
                 tolerance: tuple[float, float] = (1.5, 10.0)) -> None:
        self.fault_set = fault_set
        self.history = history
        self.current_fault = fault
        self.tolerance = tolerance
        self.selected: int | None = None
        self._active: list[tuple[float, float]] = []
        self._hover: tuple[float, float] | None = None
        self._drag: tuple[int, int] | None = None
        self._dragged = False
        self._grab: tuple[float, float] = (0.0, 0.0)  # pointer position at the node press
        self._drag_start: np.ndarray | None = None  # the stick's points at the node press
        self.set_section(section, line)

    def set_section(self, section: Section, line: float | None = None) -> None:
        """Show another section (a drag or a stick in progress is dropped)."""
        self.cancel()
        il, xl = section_keys(section, line)
        line = float(xl[0] if section.kind == "crossline" else il[0])
        self.section = section
        self.line = line
        self.selected = None

    # -- coordinates ----------------------------------------------------------------------------
    def _to_point(self, x: float, t: float) -> tuple[float, float, float]:
        key = position_to_key(self.section.axis0.values, x)
        if self.section.kind == "crossline":
            return key, self.line, float(t)
        return self.line, key, float(t)

    def _to_xy(self, points: np.ndarray) -> np.ndarray:
        key = points[:, 0] if self.section.kind == "crossline" else points[:, 1]
        return np.column_stack([key_to_position(self.section.axis0.values, key), points[:, 2]])

    def sticks_here(self) -> list[tuple[int, np.ndarray, str]]:
        """(uid, (n, 2) trace position/time, fault colour) of sticks picked on this section."""
        return [(s.uid, self._to_xy(s.points), f.colour)
                for f, s in self.fault_set.sticks_on(self.section.kind, self.line)]

    def _dist(self, xy: np.ndarray, x: float, t: float) -> np.ndarray:
        tx, tt = self.tolerance
        return np.hypot((xy[:, 0] - x) / tx, (xy[:, 1] - t) / tt)

    def hit_node(self, x: float, t: float) -> tuple[int, int] | None:
        """(uid, node) of the nearest stick node within tolerance, else None."""
        best, hit = 1.0, None
        for uid, xy, _ in self.sticks_here():
            d = self._dist(xy, x, t)
            k = int(np.argmin(d))
            if d[k] <= best:
                best, hit = float(d[k]), (uid, k)
        return hit

    def hit_stick(self, x: float, t: float) -> int | None:
        """uid of the nearest stick whose polyline passes within tolerance, else None."""
        tx, tt = self.tolerance
        p = np.array([x / tx, t / tt])
        best, hit = 1.0, None
        for uid, xy, _ in self.sticks_here():
            q = xy / np.array([tx, tt])
            for a, b in itertools.pairwise(q) if len(q) > 1 else [(q[0], q[0])]:
                ab = b - a
                w = 0.0 if not ab.any() else float(np.clip(np.dot(p - a, ab) / ab.dot(ab), 0, 1))
                d = float(np.hypot(*(a + w * ab - p)))
                if d <= best:
                    best, hit = d, uid
        return hit

    # -- events ---------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        """True while a stick is being drawn or a node dragged."""
        return bool(self._active) or self._drag is not None

    def press(self, x: float, t: float, button: str = "left", modifiers: Modifiers = ()) -> None:
        if button != "left" or self._drag is not None:
            return
        if not self._active:
            node = self.hit_node(x, t)
            if node is not None:
                self.selected = node[0]
                self._drag, self._dragged = node, False
                self._grab = (float(x), float(t))
                self._drag_start = self.fault_set.stick(node[0]).points.copy()
                self.history.begin("Move stick node")
                return
            uid = self.hit_stick(x, t)
            if uid is not None:
                self.selected = uid
                return
            self.selected = None
        self._active.append((float(x), float(t)))

    def move(self, x: float, t: float, modifiers: Modifiers = ()) -> None:
        self._hover = (float(x), float(t))
        if self._drag is not None:
            if not self._dragged and self._hover == self._grab:
                return  # the pointer has not left the press: a click only selects
            uid, node = self._drag
            self.fault_set.move_node(self.history, uid, node, self._to_point(x, t))
            self._dragged = True

    def release(self, x: float, t: float, button: str = "left",
                modifiers: Modifiers = ()) -> None:
        if self._drag is None:
            return
        self.move(x, t)
        uid, _ = self._drag
        self._drag = None
        if np.array_equal(self.fault_set.stick(uid).points, self._drag_start):
            self.history.abort()  # a click, or a drag back to the start: no empty step
        else:
            self.history.commit()

    def double_click(self, x: float, t: float, button: str = "left",
                     modifiers: Modifiers = ()) -> None:
        if self._drag is not None or not self._active:
            return
        last = np.array([self._active[-1]])
        if self._dist(last, x, t)[0] > 1.0:
            self._active.append((float(x), float(t)))
        self.finish_stick()

    def key(self, name: str, modifiers: Modifiers = ()) -> bool:
        """Enter/Return ends the stick, Delete/Backspace removes the selection, Escape cancels."""
        if name in ("Return", "Enter"):
            return self.finish_stick() is not None
        if name in ("Delete", "Backspace") and self.selected is not None and not self.active:
            self.fault_set.remove_stick(self.history, self.selected)
            self.selected = None
            return True
        if name == "Escape":
            if self.cancel():
                return True
            if self.selected is not None:
                self.selected = None
                return True
        return False

    def cancel(self) -> bool:
        """Abort a node drag (restoring the node) or drop the stick in progress."""
        if getattr(self, "_drag", None) is not None:
            self._drag = None
            self.history.abort()
            return True
        if getattr(self, "_active", None):
            self._active = []
            return True
        return False

    def finish_stick(self) -> int | None:
        """End the stick in progress; with two or more points it is added as one step
        (creating the current fault if needed). Returns the new stick's uid."""
        pts, self._active = self._active, []
        if len(pts) < 2:
            return None
        points = [self._to_point(x, t) for x, t in pts]
        with self.history.transaction("Add fault stick"):
            name = self.current_fault
            if name is None or name not in self.fault_set.fault_names:
                name = name or _free_name(self.fault_set)
                self.fault_set.add_fault(self.history, name)
                self.current_fault = name
            uid = self.fault_set.add_stick(self.history, name, points, self.section.kind,
                                           self.line)
        self.selected = uid
        return uid

    # -- drawing --------------------------------------------------------------------------------
    def overlay(self) -> list[OverlayItem]:
        """Sticks on this section (selected one flagged), their nodes, the stick in progress
        and its rubber band to the pointer."""
        items = []
        for uid, xy, colour in self.sticks_here():
            role = "stick_selected" if uid == self.selected else "stick"
            items.append(OverlayItem("line", xy, role, colour))
            items.append(OverlayItem("points", xy, "node", colour))
        if self._active:
            xy = np.asarray(self._active, dtype=float)
            items.append(OverlayItem("line", xy, "stick_active"))
            items.append(OverlayItem("points", xy, "node"))
            if self._hover is not None:
                items.append(OverlayItem("line", np.array([xy[-1], self._hover]), "rubber_band"))
        return items


def _free_name(fault_set: FaultSet) -> str:
    n = 1
    while f"Fault {n}" in fault_set.fault_names:
        n += 1
    return f"Fault {n}"
