"""View menu entries of the section display beyond the window's own: clip by value, smooth
density, and the intersection marks of the other section directions."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QInputDialog

from geodesk.qt.views.intersections import Intersections


class DisplayControls:
    """Clip-by-value and smooth-density actions of one window, and its intersection marks."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.intersections = Intersections(window)
        menu = window.menu("&View")
        menu.addSeparator()
        self.clip_value_action = menu.addAction("Clip by &value…", self.ask_clip_value)
        self.smooth_action = menu.addAction("S&mooth density", self.set_smooth)
        self.smooth_action.setCheckable(True)
        self.marks_action = menu.addAction("&Intersection marks", self.set_marks)
        self.marks_action.setCheckable(True)
        self.marks_action.setChecked(True)

    def ask_clip_value(self, value: float | None = None) -> bool:
        """Clip every section at one amplitude (asked, starting from the clip shown)."""
        view = self.window.view
        if value is None:
            value, ok = QInputDialog.getDouble(self.window, "Clip by value",
                                               "Clip at |amplitude|:", view.clip_value, 0.0,
                                               1e30, 6)
            if not ok:
                return False
        if value <= 0:
            return False
        view.set_clip_value(value)
        self.window.remember_display()  # project.json says what the window shows
        return True

    def set_smooth(self, enabled: bool | None = None) -> None:
        on = self.smooth_action.isChecked() if enabled is None else bool(enabled)
        self.smooth_action.setChecked(on)
        self.window.view.set_smooth(on)

    def set_marks(self, enabled: bool | None = None) -> None:
        on = self.marks_action.isChecked() if enabled is None else bool(enabled)
        self.marks_action.setChecked(on)
        self.intersections.set_enabled(on)


def install(session: Any, window: Any) -> DisplayControls:
    """Add the display controls and intersection marks to ``window``."""
    return DisplayControls(window)
