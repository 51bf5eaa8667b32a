"""An empty window shows the welcome page (Open / Project / Demo, recent files and projects)
instead of empty axes, and the section view once a survey is open (issue 14)."""

from pathlib import Path

from memsurvey import MemPost3D
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from geodesk.qt import settings as app_settings
from geodesk.qt.welcome import NO_RECENT


def _stack(window):
    return window.desktop.welcome.parentWidget()


def test_the_empty_window_shows_the_welcome_page_then_the_view_with_a_survey(window):
    assert _stack(window).currentWidget() is window.desktop.welcome
    assert window.desktop.welcome.isVisible() and not window.view.isVisible()
    window.set_survey(MemPost3D())
    assert _stack(window).currentWidget() is window.view and window.view.isVisible()


def test_recent_files_are_listed_and_a_click_opens_one(qtbot, window, settings, tmp_path,
                                                      monkeypatch):
    page = window.desktop.welcome
    assert page.files.item(0).text() == NO_RECENT
    seg = tmp_path / "line.sgy"
    seg.write_bytes(b"")
    app_settings.add_recent_file(settings, seg)
    app_settings.add_recent_project(settings, tmp_path / "gone.geodesk")  # not on disk
    page.refresh()
    opened = []
    monkeypatch.setattr(window, "open_path", lambda p: opened.append(p))
    item = page.files.item(0)
    assert item.text() == "line.sgy"
    assert page.projects.item(0).text() == "gone.geodesk  (missing)"
    assert not page.projects.item(0).flags() & Qt.ItemFlag.ItemIsEnabled
    rect = page.files.visualItemRect(item)
    qtbot.mouseClick(page.files.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [str(seg.resolve())]


def test_the_open_button_starts_the_file_dialog_at_home(qtbot, window, monkeypatch):
    starts = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda parent, title, start, *a, **k: (starts.append(start), ("", ""))[1])
    qtbot.mouseClick(window.desktop.welcome.open_button, Qt.MouseButton.LeftButton)
    assert starts == [str(Path.home())]


def test_the_demo_button_opens_the_demo_project(qtbot, window, monkeypatch):
    asked = []
    monkeypatch.setattr(window.project_controller, "load_demo", lambda: asked.append("demo"))
    qtbot.mouseClick(window.desktop.welcome.demo_button, Qt.MouseButton.LeftButton)
    assert asked == ["demo"]
