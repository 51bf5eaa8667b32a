"""The Interpretation dock: the pick objects of ``window.picks`` by kind, with counts and
provenance, and undoable New / Rename / Delete / Colour.

Selecting an object makes it ``window.active_pick`` (the object the picking tools edit). The
tree follows ``sig_picks_replaced`` and the Interpretation's ``changed`` event; value changes
(a stroke emits one per mouse move) are coalesced into one refresh per event-loop turn.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QDockWidget,
    QHBoxLayout,
    QInputDialog,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from geodesk.core.overlay_colours import contrasting, drawn_colour
from geodesk.core.picks import FaultSet, FirstBreaks, Horizon, Interpretation, VelocityFunctions
from geodesk.core.picks.base import Change

if TYPE_CHECKING:
    from geodesk.qt.main_window import MainWindow

#: Kinds in display order with their group titles and default base names.
GROUPS = (("horizon", "Horizons", "Horizon"), ("fault_set", "Fault sets", "Faults"),
          ("first_breaks", "First breaks", "First breaks"),
          ("velocity_functions", "Velocity functions", "Velocities"))
NEW_LABELS = {"horizon": "Horizon", "fault_set": "Fault set", "first_breaks": "First breaks",
              "velocity_functions": "Velocity functions"}
ROLE = Qt.ItemDataRole.UserRole


def count_text(obj: Any) -> str:
    """What an object holds: picked traces, faults and sticks, or functions."""
    if isinstance(obj, FaultSet):
        return f"{_n(len(obj.faults), 'fault')}, {_n(obj.n_sticks, 'stick')}"
    if isinstance(obj, VelocityFunctions):
        n = sum(len(f) for f in obj.functions.values())
        return f"{_n(len(obj.functions), 'function')}, {_n(n, 'pick')}"
    return f"{obj.n_picked} / {obj.times.size} traces"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def provenance_summary(obj: Any) -> str:
    """Counts by provenance, largest first: 'tracked 1200, manual 40, corrected 3'."""
    if isinstance(obj, FaultSet):
        c = Counter(s.provenance for f in obj.faults for s in f.sticks)
    elif isinstance(obj, VelocityFunctions):
        c = Counter(p for f in obj.functions.values() for p in f.provenance)
    else:
        codes = obj.provenance.ravel()
        n = np.bincount(codes[codes >= 0].astype(np.int64),
                        minlength=len(obj.provenance_table.names))
        c = Counter({obj.provenance_table.names[k]: int(v) for k, v in enumerate(n) if v})
    return ", ".join(f"{name} {n}" for name, n in c.most_common()) or "empty"


def _swatch(colour: str) -> QIcon:
    pm = QPixmap(12, 12)
    pm.fill(QColor(colour))
    return QIcon(pm)


class InterpretationDock(QDockWidget):
    """Tree of the window's pick objects; ``sig_*`` of the window drive it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__("Interpretation", window)
        self.setObjectName("Interpretation")
        self.window_ = window
        self._picks: Interpretation | None = None
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Name", "Picks", "Provenance"])
        self.tree.setUniformRowHeights(True)
        self.tree.itemSelectionChanged.connect(self._on_selection)
        self.tree.itemDoubleClicked.connect(lambda *_: self.rename_selected())
        self.new_button = QToolButton()
        self.new_button.setText("New")
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.new_button)
        for kind, _title, _base in GROUPS:
            menu.addAction(NEW_LABELS[kind], lambda _c=False, k=kind: self.new_object(k))
        self.new_button.setMenu(menu)
        self.rename_button = QPushButton("Rename")
        self.rename_button.clicked.connect(lambda: self.rename_selected())
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        self.colour_button = QPushButton("Colour…")
        self.colour_button.clicked.connect(lambda: self.choose_colour())
        buttons = QHBoxLayout()
        for b in (self.new_button, self.rename_button, self.delete_button, self.colour_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(buttons)
        lay.addWidget(self.tree, 1)
        self.setWidget(body)
        self.setMinimumWidth(300)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self.refresh)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
        window.resizeDocks([self], [400], Qt.Orientation.Horizontal)

        window.menu("&View").addAction(self.toggleViewAction())
        window.sig_picks_replaced.connect(self._on_replaced)
        window.sig_active_pick_changed.connect(self._select)
        window.view.sig_colormap_changed.connect(lambda _name: self.refresh())  # drawn colours
        self._on_replaced(window.picks, window.history)

    # -- dialogs (replaced in tests) -----------------------------------------------------------
    def ask_name(self, title: str, default: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, "Name:", text=default)
        return text.strip() if ok and text.strip() else None

    def ask_colour(self, current: str) -> str | None:
        c = QColorDialog.getColor(QColor(current), self, "Colour")
        return c.name() if c.isValid() else None

    def error(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    # -- model following -----------------------------------------------------------------------
    def _on_replaced(self, picks: Interpretation, _history: object = None) -> None:
        if self._picks is not None:
            self._picks.changed.disconnect(self._on_change)
        self._picks = picks
        picks.changed.connect(self._on_change)
        self.refresh()

    def _on_change(self, _change: Change) -> None:
        self._refresh_timer.start()

    def refresh(self) -> None:
        """Rebuild the tree from ``window.picks`` (keeps the selection)."""
        self._refresh_timer.stop()
        picks = self.window_.picks
        active = self.window_.active_pick
        with QSignalBlocker(self.tree):
            expanded = {self.tree.topLevelItem(i).data(0, ROLE): self.tree.topLevelItem(i)
                        .isExpanded() for i in range(self.tree.topLevelItemCount())}
            self.tree.clear()
            for kind, title, _base in GROUPS:
                objs = [o for o in picks.objects() if o.kind == kind]
                group = QTreeWidgetItem(self.tree, [f"{title} ({len(objs)})"])
                group.setData(0, ROLE, kind)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                group.setForeground(0, QBrush(QColor("#606060")))
                for obj in objs:
                    item = QTreeWidgetItem(group, [obj.name, count_text(obj),
                                                   provenance_summary(obj)])
                    item.setData(0, ROLE, obj)
                    item.setToolTip(0, _tooltip(obj))
                    if isinstance(obj, Horizon):
                        item.setIcon(0, _swatch(self._drawn(obj.colour)))
                    if isinstance(obj, FaultSet):
                        for f in obj.faults:
                            sub = QTreeWidgetItem(item, [f.name, _n(len(f.sticks), "stick"), ""])
                            sub.setData(0, ROLE, (obj, f.name))
                            sub.setIcon(0, _swatch(self._drawn(f.colour)))
                        item.setExpanded(True)
                    if obj is active:
                        item.setSelected(True)
                group.setExpanded(expanded.get(kind, True))
            for c in range(2):
                self.tree.resizeColumnToContents(c)
        self._update_buttons()

    def _drawn(self, colour: str) -> str:
        """The colour the section view draws ``colour`` in (see geodesk.core.overlay_colours)."""
        return drawn_colour(colour, self.window_.view.colormap)

    def _items(self) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            g = self.tree.topLevelItem(i)
            for j in range(g.childCount()):
                out.append(g.child(j))
                out.extend(g.child(j).child(k) for k in range(g.child(j).childCount()))
        return out

    def item_for(self, obj: Any) -> QTreeWidgetItem | None:
        """The tree item showing ``obj`` (None if absent); flushes a pending refresh first."""
        if self._refresh_timer.isActive():
            self.refresh()
        return next((it for it in self._items() if it.data(0, ROLE) is obj), None)

    def _select(self, obj: Any) -> None:
        with QSignalBlocker(self.tree):
            self.tree.clearSelection()
            item = self.item_for(obj) if obj is not None else None
            if item is not None:
                item.setSelected(True)
                self.tree.setCurrentItem(item)
        self._update_buttons()

    # -- selection -----------------------------------------------------------------------------
    def selected(self) -> tuple[Any, str | None]:
        """The selected pick object and, for a fault row, the fault's name."""
        items = self.tree.selectedItems()
        data = items[0].data(0, ROLE) if items else None
        if isinstance(data, tuple):
            return data[0], data[1]
        return (data, None) if data is not None and not isinstance(data, str) else (None, None)

    def select(self, obj: Any) -> None:
        """Select ``obj`` in the tree (as a click does): it becomes the active pick object."""
        item = self.item_for(obj)
        if item is not None:
            self.tree.clearSelection()
            item.setSelected(True)

    def _on_selection(self) -> None:
        obj, _fault = self.selected()
        if obj is not self.window_.active_pick:
            self.window_.set_active_pick(obj)
        self._update_buttons()

    def _update_buttons(self) -> None:
        obj, _fault = self.selected()
        self.rename_button.setEnabled(obj is not None)
        self.delete_button.setEnabled(obj is not None)
        coloured = isinstance(obj, (Horizon, FaultSet))
        self.colour_button.setEnabled(coloured)
        self.colour_button.setToolTip(
            "Colour of the selected horizon, fault or every fault of a fault set" if coloured
            or obj is None else "First breaks are coloured by provenance and velocity "
            "functions in the velocity panel: no colour of their own")

    # -- edits (all through window.history: undoable) ------------------------------------------
    def new_object(self, kind: str, name: str | None = None) -> Any:
        """Create an empty object of ``kind`` on the shown survey, add it and make it active."""
        w = self.window_
        base = next(b for k, _t, b in GROUPS if k == kind)
        name = name or self.ask_name(f"New {kind.replace('_', ' ')}",
                                     w.picks.unique_name(kind, base))
        if not name:
            return None
        if name in w.picks.names(kind):
            self.error("Name in use", f"a {kind.replace('_', ' ')} named {name!r} already exists")
            return None
        survey = w.survey
        try:
            if kind == "horizon":
                if survey is None or survey.kind not in ("post3d", "post2d"):
                    raise ValueError("a horizon needs a post-stack 3D volume or 2D line")
                obj: Any = Horizon.like_survey(name, survey, colour=_next_colour(
                    w.picks, w.view.colormap))
            elif kind == "first_breaks":
                if survey is None or survey.kind != "prestack":
                    raise ValueError("first breaks need a pre-stack survey (shot gathers)")
                obj = FirstBreaks.like_survey(name, survey)
            elif kind == "fault_set":
                obj = FaultSet(name)
                obj.add_fault(None, "Fault 1")
            else:
                obj = VelocityFunctions(name)
            w.picks.add(w.history, obj)
        except ValueError as exc:
            self.error(f"New {kind.replace('_', ' ')}", str(exc).splitlines()[0])
            return None
        self.refresh()
        w.set_active_pick(obj)
        return obj

    def rename_selected(self, new_name: str | None = None) -> bool:
        obj, fault = self.selected()
        if obj is None:
            return False
        w = self.window_
        old = fault or obj.name
        new_name = new_name or self.ask_name(f"Rename {old}", old)
        if not new_name or new_name == old:
            return False
        try:
            if fault is not None:
                obj.rename_fault(w.history, fault, new_name)
            else:
                w.picks.rename(w.history, obj.kind, obj.name, new_name)
        except (ValueError, KeyError) as exc:
            self.error("Rename", str(exc).splitlines()[0])
            return False
        return True

    def delete_selected(self) -> bool:
        """Delete the selected object (or fault); undo brings it back."""
        obj, fault = self.selected()
        if obj is None:
            return False
        w = self.window_
        if fault is not None:
            obj.remove_fault(w.history, fault)
            return True
        if w.active_pick is obj:
            w.set_active_pick(None)
        w.picks.remove(w.history, obj.kind, obj.name)
        return True

    def choose_colour(self, colour: str | None = None) -> bool:
        """Colour the selected horizon or fault, or every fault of a selected fault set (one
        undo step)."""
        obj, fault = self.selected()
        if fault is not None:
            current = obj.fault(fault).colour
        elif isinstance(obj, Horizon):
            current = obj.colour
        elif isinstance(obj, FaultSet) and obj.faults:
            current = obj.faults[0].colour
        else:
            return False
        colour = colour or self.ask_colour(self._drawn(current))
        if not colour or colour == current:
            return False
        history = self.window_.history
        if fault is not None:
            obj.set_fault_colour(history, fault, colour)
        elif isinstance(obj, FaultSet):
            with history.transaction(f"Colour faults of {obj.name}"):
                for f in obj.faults:
                    obj.set_fault_colour(history, f.name, colour)
        else:
            obj.set_colour(history, colour)
        return True


def _next_colour(picks: Interpretation, colormap: str) -> str:
    """A colour no horizon has yet, the most visible on ``colormap`` first."""
    used = tuple(h.colour for h in picks.horizons.values())
    return contrasting(colormap, exclude=used)[0]


def _tooltip(obj: Any) -> str:
    who = obj.stamp.user or "unknown user"
    when = obj.stamp.time or "never edited"
    return f"{obj.name}: last edit by {who}, {when}"


def install(session: Any, window: Any) -> InterpretationDock:
    """Add the InterpretationDock to ``window``."""
    return InterpretationDock(window)
