"""The View submenu that switches a derived result between Original / result / difference."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtGui import QAction, QActionGroup


def add_show_menu(window, title: str, labels: Mapping[str, str],
                  set_show: Callable[[str], None]) -> dict[str, QAction]:
    """Add ``title`` under View with one exclusive checkable action per mode of ``labels``
    (the first one checked); each calls ``set_show(mode)``. Returns the actions by mode."""
    sub = window.view_menu.addMenu(title)
    group = QActionGroup(window)
    actions: dict[str, QAction] = {}
    for mode, label in labels.items():
        act = sub.addAction(label)
        act.setCheckable(True)
        act.triggered.connect(lambda _c=False, m=mode: set_show(m))
        group.addAction(act)
        actions[mode] = act
    next(iter(actions.values())).setChecked(True)
    return actions
