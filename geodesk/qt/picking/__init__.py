"""Interactive picking in the workstation window: horizons, fault sticks and first breaks
picked with the mouse on sections, tracked, drawn and undone.

``install(session, window)`` adds the controller (tools ↔ view ↔ picks), the picking toolbar,
the Edit (undo/redo) and Pick menus and the parameters dock; it returns the controller, whose
``ui`` attribute holds the actions.
"""

from __future__ import annotations

from typing import Any

from geodesk.qt.picking.controller import TOOLS, PickingController


def install(session: Any, window: Any) -> PickingController:
    """Install picking into a :class:`~geodesk.qt.main_window.MainWindow`."""
    from geodesk.qt.picking.toolbar import PickingUI

    controller = PickingController(window)
    controller.ui = PickingUI(window, controller)
    return controller


__all__ = ["TOOLS", "PickingController", "install"]
