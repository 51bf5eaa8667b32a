"""Derived-data layers in the window: View ▸ Derived layers, and the views beside the section.

Each of the session's :class:`~geodesk.core.derived.DerivedLayer` is listed with where it is
shown (instead of the data, in a view beside it, over it) and, for layers drawn over the data,
its opacity. A layer shown beside gets its own dock with a section view that follows the
navigation; the window's main view shows the last layer placed instead of the data.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QDockWidget, QInputDialog, QMenu

from geodesk.core.derived import PLACEMENTS
from geodesk.qt.views.section_view import SectionView

PLACEMENT_LABELS = {"instead": "Instead of the data", "beside": "In a view beside",
                    "over": "Over the data"}


class LayersController:
    """The View ▸ Derived layers menu and one beside-view dock per layer placed beside."""

    def __init__(self, session: Any, window: Any) -> None:
        self.session, self.window = session, window
        self.docks: dict[str, QDockWidget] = {}
        self._submenus: list[QMenu] = []
        self._new: set[str] = set()  # docks not yet linked to the main view
        self.menu = window.menu("&View").addMenu("Derived &layers")
        self.menu.aboutToShow.connect(self._fill)
        session.layers.connect(self._on_layer)
        session.section_changed.connect(lambda _s: self.refresh_beside())
        window.sig_display_refreshed.connect(self.refresh_beside)
        self._fill()

    # -- menu -----------------------------------------------------------------------------------
    def _fill(self) -> None:
        self.menu.clear()
        for old in self._submenus:
            old.deleteLater()
        self._submenus = []
        layers = list(self.session.layers)
        self.menu.setEnabled(bool(layers))
        for layer in layers:
            sub = QMenu(layer.name, self.menu)  # kept: the menu's wrapper must outlive _fill
            self._submenus.append(sub)
            self.menu.addMenu(sub)
            group = QActionGroup(sub)
            for placement in PLACEMENTS:
                act = sub.addAction(PLACEMENT_LABELS[placement])
                act.setCheckable(True)
                act.setChecked(layer.placement == placement)
                act.triggered.connect(lambda _c=False, n=layer.name, p=placement:
                                      self.set_placement(n, p))
                group.addAction(act)
            sub.addSeparator()
            sub.addAction("&Opacity…", lambda n=layer.name: self.ask_opacity(n))

    def set_placement(self, name: str, placement: str) -> None:
        self.session.layers.update(name, placement=placement)

    def set_opacity(self, name: str, opacity: float) -> None:
        self.session.layers.update(name, opacity=float(opacity))

    def ask_opacity(self, name: str) -> None:
        layer = self.session.layers.get(name)
        value, ok = QInputDialog.getDouble(self.window, layer.name, "Opacity (0 to 1):",
                                           layer.opacity, 0.0, 1.0, 2)
        if ok:
            self.set_opacity(name, value)

    # -- beside views ---------------------------------------------------------------------------
    def _on_layer(self, name: str) -> None:
        self.window.refresh_display()  # a layer that left or joined the main view
        self.refresh_beside()

    def _dock_for(self, name: str) -> QDockWidget:
        dock = self.docks.get(name)
        if dock is None:
            dock = QDockWidget(name, self.window)
            dock.setObjectName(f"beside:{name}")
            dock.setWidget(SectionView())
            w = self.window
            w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            interp = w.findChild(QDockWidget, "Interpretation")
            if interp is not None and w.dockWidgetArea(interp) == w.dockWidgetArea(dock):
                w.splitDockWidget(interp, dock, Qt.Orientation.Horizontal)  # a column of its own
            self.docks[name] = dock
            self._new.add(name)
        return dock

    def refresh_beside(self) -> None:
        """Show every visible layer placed beside in its dock; hide docks of the others."""
        section = self.session.section
        wanted = {ly.name: ly for ly in self.session.layers.placed("beside")}
        for name, dock in list(self.docks.items()):
            if name not in wanted:
                dock.hide()
        if section is None:
            return
        for name, layer in wanted.items():
            out = layer.transform(section) if layer.transform is not None else None
            if out is None:
                if name in self.docks:
                    self.docks[name].hide()
                continue
            dock = self._dock_for(name)
            view: SectionView = dock.widget()
            view.set_section(out[0], clip_reference=out[1])
            dock.show()
            if name in self._new:  # link once it shows data: it pans and zooms with the data
                self._new.discard(name)
                main = self.window.view.view_box
                view.view_box.setXLink(main)
                view.view_box.setYLink(main)
                w = self.window
                w.resizeDocks([dock], [max(w.width() * 2 // 5, 300)], Qt.Orientation.Horizontal)


def install(session: Any, window: Any) -> LayersController:
    """Add View ▸ Derived layers and the beside views to ``window``."""
    return LayersController(session, window)
