"""Picking toolbar, Edit menu (undo/redo with history labels), Pick menu and parameters dock."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDockWidget, QToolBar

from geodesk.core.history import History
from geodesk.qt.picking.controller import TOOL_LABELS, TOOLS, PickingController
from geodesk.qt.picking.params import ParamsWidget


class PickingUI:
    """The actions, toolbar, menus and parameters dock of one window's picking controller."""

    def __init__(self, window: Any, controller: PickingController) -> None:
        self.window = window
        self.controller = c = controller
        self.tool_actions: dict[str, QAction] = {}
        group = QActionGroup(window)
        for name in TOOLS:
            act = QAction(TOOL_LABELS[name], window)
            act.setCheckable(True)
            act.setObjectName(f"pick_{name}")
            act.triggered.connect(lambda _c=False, n=name: c.set_tool(n))
            group.addAction(act)
            self.tool_actions[name] = act
        self.tool_actions["navigate"].setChecked(True)
        self.tool_actions["navigate"].setShortcut("Ctrl+0")

        self.undo_action = QAction("&Undo", window)
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.undo_action.triggered.connect(c.undo)
        self.redo_action = QAction("&Redo", window)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.triggered.connect(c.redo)

        self.track_section_action = QAction("&Track on this section", window)
        self.track_section_action.setShortcut("Ctrl+T")
        self.track_section_action.triggered.connect(c.track_section)
        self.track_3d_action = QAction("Track in &3D", window)
        self.track_3d_action.setShortcut("Ctrl+Shift+T")
        self.track_3d_action.triggered.connect(c.track_3d)
        self.auto_pick_action = QAction("&Auto-pick first breaks (this gather)", window)
        self.auto_pick_action.triggered.connect(c.auto_pick_gather)
        self.auto_pick_all_action = QAction("Auto-pick first breaks (all &gathers)", window)
        self.auto_pick_all_action.triggered.connect(c.auto_pick_all)
        self.reduce_action = QAction("&Reduced display (linear moveout)", window)
        self.reduce_action.setCheckable(True)
        self.reduce_action.toggled.connect(self._toggle_reduce)
        self.new_fault_action = QAction("New &fault", window)
        self.new_fault_action.triggered.connect(c.new_fault)
        for act, short in ((self.track_section_action, "Track section"),
                           (self.track_3d_action, "Track 3D"),
                           (self.auto_pick_action, "Auto-pick"),
                           (self.reduce_action, "Reduce"), (self.new_fault_action, "New fault")):
            act.setIconText(short)

        self.params_widget = ParamsWidget(c.params)
        self.params_widget.sig_changed.connect(self._params_changed)
        self.params_dock = QDockWidget("Picking parameters", window)
        self.params_dock.setObjectName("Picking parameters")
        self.params_dock.setWidget(self.params_widget)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.params_dock)
        self.params_dock.hide()

        self.toolbar = QToolBar("Picking", window)
        self.toolbar.setObjectName("Picking toolbar")
        for name in TOOLS:
            self.toolbar.addAction(self.tool_actions[name])
        self.toolbar.addSeparator()
        for act in (self.undo_action, self.redo_action, self.track_section_action,
                    self.track_3d_action, self.new_fault_action, self.auto_pick_action,
                    self.reduce_action):
            self.toolbar.addAction(act)
        self.toolbar.addAction(self.params_dock.toggleViewAction())
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self._build_menus()
        c.sig_tool_changed.connect(self._tool_changed)
        c.sig_history_changed.connect(self.update_undo_actions)
        window.sig_section_changed.connect(lambda _s: self._enable())
        window.sig_survey_changed.connect(lambda _s: self._enable())
        self.update_undo_actions(window.history)
        self._enable()

    def _build_menus(self) -> None:
        self.edit_menu = self.window.menu("&Edit")
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.pick_menu = self.window.menu("&Pick")
        for name in TOOLS:
            self.pick_menu.addAction(self.tool_actions[name])
        self.pick_menu.addSeparator()
        for act in (self.track_section_action, self.track_3d_action, self.new_fault_action):
            self.pick_menu.addAction(act)
        self.pick_menu.addSeparator()
        for act in (self.auto_pick_action, self.auto_pick_all_action, self.reduce_action):
            self.pick_menu.addAction(act)
        self.pick_menu.addSeparator()
        self.pick_menu.addAction(self.params_dock.toggleViewAction())

    def update_undo_actions(self, history: History) -> None:
        """Undo/Redo menu texts name the step they act on ("Undo Track horizon H1"), marked
        "(this survey)" while other surveys have steps of their own; the toolbar buttons keep
        a fixed "Undo"/"Redo" (the step in their tooltip) so the toolbar never reflows."""
        scoped = " (this survey)" if history.hidden_steps else ""
        for act, verb, label, keys in ((self.undo_action, "Undo", history.undo_label, "Ctrl+Z"),
                                       (self.redo_action, "Redo", history.redo_label,
                                        "Ctrl+Shift+Z")):
            act.setText(f"&{verb} {label}{scoped}" if label else f"&{verb}{scoped}")
            act.setIconText(verb)
            act.setToolTip(f"{verb} {label}{scoped} ({keys})" if label else
                           f"Nothing to {verb.lower()}{' on this survey' if scoped else ''}")
        self.undo_action.setEnabled(history.can_undo)
        self.redo_action.setEnabled(history.can_redo)

    def _tool_changed(self, name: str) -> None:
        self.tool_actions[name].setChecked(True)

    def _enable(self) -> None:
        s = self.window.survey
        kind = None if s is None else s.kind
        gather = self.window.section is not None and self.window.section.kind == "gather"
        for name in ("horizon_seed", "horizon_draw", "horizon_erase", "faults"):
            self.tool_actions[name].setEnabled(kind in ("post3d", "post2d"))
        self.tool_actions["first_breaks"].setEnabled(kind == "prestack")
        self.track_section_action.setEnabled(kind in ("post3d", "post2d"))
        self.track_3d_action.setEnabled(kind == "post3d")
        self.new_fault_action.setEnabled(kind in ("post3d", "post2d"))
        self.auto_pick_action.setEnabled(gather)
        self.auto_pick_all_action.setEnabled(kind == "prestack")
        self.reduce_action.setEnabled(kind == "prestack")

    def _params_changed(self, params) -> None:
        self.reduce_action.blockSignals(True)
        self.reduce_action.setChecked(params.reduce)
        self.reduce_action.blockSignals(False)
        self.controller.set_params(params)

    def _toggle_reduce(self, on: bool) -> None:
        w = self.params_widget
        w.reduce.blockSignals(True)
        w.reduce.setChecked(on)
        w.reduce.blockSignals(False)
        w.params = replace(w.params, reduce=bool(on))
        self.controller.set_params(w.params)
