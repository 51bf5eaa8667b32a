"""Every QAction of every menu and toolbar, triggered on each demo survey: none may raise or
show an error dialog (View ▸ AGC raised a TypeError for months because nothing triggered it).

Dialogs are recorded, never shown: message boxes are replaced by recorders (a warning or critical
box is a failure; an information box is an action saying what it needs first), modal dialogs
(``QDialog.exec``, file/input/colour pickers) are cancelled, and windows an action opens are
closed after it. Jobs an action starts are waited for, so their failures count too. The demo
surveys are built small (a few seconds) and the window opens each through ``open_path``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QApplication,
    QColorDialog,
    QDialog,
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QToolBar,
)

#: Small demo surveys: (inlines|shots|cmps, crosslines|channels|offsets, samples)
SMALL = {"post3d": (24, 28, 160), "shots": (4, 48, 400), "cmps": (10, 24, 300)}
#: Actions left out, with why: Quit closes the window the test is driving (the window
#: fixture's teardown closes it and checks that).
SKIPPED = {"&Quit"}
JOB_TIMEOUT_MS = 60000


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from geodesk.synth.demo import demo_paths

    return demo_paths(tmp_path_factory.mktemp("demo"), sizes=SMALL)


@pytest.fixture
def dialogs(monkeypatch, demo):
    """Record message boxes, cancel modal dialogs; the demo actions use the small demo."""
    seen: list[tuple[str, str, str]] = []

    def recorder(level, answer):
        def box(parent, title, text, *a, **k):
            seen.append((level, str(title), str(text)))
            return answer
        return staticmethod(box)

    b = QMessageBox.StandardButton
    monkeypatch.setattr(QMessageBox, "critical", recorder("critical", b.Ok))
    monkeypatch.setattr(QMessageBox, "warning", recorder("warning", b.Ok))
    monkeypatch.setattr(QMessageBox, "information", recorder("information", b.Ok))
    monkeypatch.setattr(QMessageBox, "question", recorder("question", b.No))
    monkeypatch.setattr(QMessageBox, "about", recorder("about", None))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: seen.append(
        ("box", self.windowTitle(), self.text())) or int(b.Cancel))
    monkeypatch.setattr(QDialog, "exec", lambda self: int(QDialog.DialogCode.Rejected))
    monkeypatch.setattr(QMenu, "exec", lambda self, *a, **k: None)
    for name in ("getOpenFileName", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([], "")))
    for name in ("getDouble", "getInt", "getText", "getItem", "getMultiLineText"):
        monkeypatch.setattr(QInputDialog, name, staticmethod(lambda *a, **k: (None, False)))
    monkeypatch.setattr(QColorDialog, "getColor", staticmethod(lambda *a, **k: QColor()))
    import geodesk.synth.demo as demo_module
    from geodesk.ml import ddtf

    monkeypatch.setattr(demo_module, "demo_paths", lambda *a, **k: demo)
    # learning a full DDTF frame takes minutes even on the small demo: a short one runs the
    # same code paths in seconds
    full = ddtf.model_for
    monkeypatch.setattr(ddtf, "model_for", lambda survey, **kw: full(survey, **{
        "iterations": 2, "n_patches": 300, "pocs_iterations": 2, **kw}))
    return seen


def submenu(parent, act: QAction) -> QMenu | None:
    """The menu ``act`` opens, or None (not ``QAction.menu()``: under PySide6 6.10 the menu it
    returns is deleted when that wrapper goes away)."""
    return next((m for m in parent.findChildren(QMenu) if m.menuAction() is act), None)


def menu_actions(window) -> Iterator[tuple[str, QAction]]:
    """(path, action) of every leaf action of the menu bar and of every toolbar, as found now
    (showing a menu may rebuild it: use each action before walking on)."""

    def walk(menu: QMenu, path: str) -> Iterator[tuple[str, QAction]]:
        menu.aboutToShow.emit()  # menus filled when shown (recent files, surveys)
        for act in list(menu.actions()):
            sub = submenu(menu, act)
            if sub is not None:
                yield from walk(sub, f"{path} > {act.text()}")
            elif not act.isSeparator():
                yield f"{path} > {act.text()}", act

    for act in list(window.menuBar().actions()):
        sub = submenu(window.menuBar(), act)
        if sub is not None:
            yield from walk(sub, act.text())
    for bar in window.findChildren(QToolBar):
        for act in bar.actions():
            if not act.isSeparator() and submenu(bar, act) is None:
                yield f"toolbar {bar.windowTitle()} > {act.text()}", act


def wait_for_jobs(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.runner.active == 0, timeout=JOB_TIMEOUT_MS)
    QApplication.processEvents()


def close_new_windows(before: list) -> None:
    """Close the windows opened since ``before`` (the widgets themselves: ids of wrappers that
    went away are reused)."""
    for w in QApplication.topLevelWidgets():
        if w.isVisible() and not any(w is b for b in before):
            w.close()
    QApplication.processEvents()


def reopen_if_switched(window, path) -> None:
    """Actions such as 'Open demo project' switch survey: come back for the next action."""
    if window.survey is None or str(window.survey.path) != str(path):
        assert window.open_path(path)


def find_action(window, name: str, known: dict[str, QAction]) -> QAction | None:
    """The action at ``name`` now: the one found before while it lives, else looked up again
    (menus such as Open recent are rebuilt as they are shown)."""
    act = known.get(name)
    if act is not None and shiboken6.isValid(act):
        return act
    act = next((a for n, a in menu_actions(window) if n == name), None)
    if act is not None:
        known[name] = act
    return act


@pytest.mark.parametrize("which", ["post3d", "shots", "cmps"])
def test_every_action_runs_without_exception_or_error_dialog(qtbot, window, dialogs, demo,
                                                             which):
    path = demo[which]
    assert window.open_path(path)
    failures: list[str] = []
    triggered = 0
    known: dict[str, QAction] = {}
    names = []
    for n, a in menu_actions(window):
        if a.text() not in SKIPPED:
            names.append(n)
            known[n] = a
    assert len(names) > 40  # the menus really were found
    for name in names:
        reopen_if_switched(window, path)
        act = find_action(window, name, known)
        if act is None:  # a dynamic entry that went away (e.g. an earlier survey's recent file)
            continue
        before = QApplication.topLevelWidgets()
        n_dialogs = len(dialogs)
        # a checkable action outside an exclusive group is triggered twice: on and off again
        times = 2 if act.isCheckable() and act.actionGroup() is None else 1
        group = act.actionGroup()  # a radio choice is put back after it (cheap next actions)
        restore = group.checkedAction() if group is not None and group.isExclusive() else None
        with qtbot.capture_exceptions() as exceptions:
            for _ in range(times):
                act = find_action(window, name, known)
                if act is not None and act.isEnabled():
                    act.trigger()
                    triggered += 1
                wait_for_jobs(qtbot, window)
            if restore is not None and not restore.isChecked():
                restore.trigger()  # back to the choice before (a model-running measure, say)
                wait_for_jobs(qtbot, window)
        close_new_windows(before)
        for exc_type, exc, _tb in exceptions:
            failures.append(f"{name}: {exc_type.__name__}: {exc}")
        for level, title, text in dialogs[n_dialogs:]:
            if level in ("critical", "warning", "box"):
                failures.append(f"{name}: {level} dialog {title!r}: {text}")
    assert triggered > 40
    assert not failures, f"{which}: " + "\n".join(failures)


def test_agc_action_toggles_agc_on_the_view(window, demo):
    """View ▸ AGC (Ctrl+G) turns AGC on and off and the displayed amplitudes change."""
    import numpy as np

    assert window.open_path(demo["post3d"])
    raw = window.view.displayed_data().copy()
    window.agc_action.trigger()
    assert window.view.agc_enabled and window.agc_action.isChecked()
    assert not np.allclose(window.view.displayed_data(), raw)
    window.agc_action.trigger()
    assert not window.view.agc_enabled and not window.agc_action.isChecked()
    assert np.allclose(window.view.displayed_data(), raw)

