"""The start page of an empty window: Open / Open project / Demo buttons and the recent files
and projects, shown instead of empty axes until the first survey is on screen.

:func:`show_until_survey` puts the page and the section view in a stack as the window's central
widget and turns to the view as soon as a survey is current.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from geodesk.qt import settings as app_settings
from geodesk.qt.app import ICON

if TYPE_CHECKING:
    from geodesk.qt.main_window import MainWindow

NO_RECENT = "(none yet)"


class WelcomePage(QWidget):
    """Buttons to open a file, a project or the demo, and clickable recent lists (refreshed
    each time the page is shown)."""

    def __init__(self, recent_files: Callable[[], list[str]],
                 recent_projects: Callable[[], list[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self._recent_files, self._recent_projects = recent_files, recent_projects
        self.open_button = QPushButton("Open SEG-Y / SU file…")
        self.project_button = QPushButton("Open project…")
        self.demo_button = QPushButton("Open the demo survey")
        self.files = QListWidget()
        self.projects = QListWidget()
        for lst in (self.files, self.projects):
            lst.setMinimumWidth(420)
            lst.setMaximumHeight(220)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        head = QHBoxLayout()
        head.addStretch(1)
        if ICON.exists():
            logo = QLabel()
            logo.setPixmap(QPixmap(str(ICON)).scaled(
                96, 96, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
            head.addWidget(logo)
        title = QLabel("<h1>GeoDesk</h1><p>Seismic interpretation workstation: open a SEG-Y or "
                       "SU file, a project, or start with the synthetic demo survey.</p>")
        title.setWordWrap(True)
        title.setMaximumWidth(520)
        head.addWidget(title)
        head.addStretch(1)
        outer.addLayout(head)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.open_button, self.project_button, self.demo_button):
            b.setMinimumHeight(36)
            buttons.addWidget(b)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        lists = QHBoxLayout()
        lists.addStretch(1)
        for caption, lst in (("Recent files", self.files), ("Recent projects", self.projects)):
            col = QVBoxLayout()
            col.addWidget(QLabel(f"<b>{caption}</b>"))
            col.addWidget(lst)
            lists.addLayout(col)
        lists.addStretch(1)
        outer.addLayout(lists)
        outer.addStretch(3)
        self.refresh()

    def refresh(self) -> None:
        """Fill the recent lists from the settings (a missing path is shown greyed out)."""
        for lst, items in ((self.files, self._recent_files()),
                           (self.projects, self._recent_projects())):
            lst.clear()
            for path in items:
                item = QListWidgetItem(Path(path).name)
                item.setToolTip(path)
                item.setData(Qt.ItemDataRole.UserRole, path)
                if not Path(path).exists():
                    item.setFlags(Qt.ItemFlag.NoItemFlags)
                    item.setText(f"{Path(path).name}  (missing)")
                lst.addItem(item)
            if not items:
                item = QListWidgetItem(NO_RECENT)
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                lst.addItem(item)

    def showEvent(self, event) -> None:
        self.refresh()
        super().showEvent(event)


def _path_of(item: QListWidgetItem) -> str | None:
    return item.data(Qt.ItemDataRole.UserRole)


def show_until_survey(window: MainWindow) -> WelcomePage:
    """Make a stack of the welcome page and the section view the window's central widget; it
    turns to the view when a survey is current (and stays there)."""
    settings = window.settings
    page = WelcomePage(lambda: app_settings.recent_files(settings),
                       lambda: app_settings.recent_projects(settings))
    projects = window.features.get("project_controller")
    page.open_button.clicked.connect(window.open_dialog)
    page.files.itemClicked.connect(
        lambda item: _path_of(item) and window.open_path(_path_of(item)))
    if projects is not None:
        page.project_button.clicked.connect(projects.open_project_dialog)
        page.demo_button.clicked.connect(lambda: projects.load_demo())
        page.projects.itemClicked.connect(
            lambda item: _path_of(item) and projects.open_project(_path_of(item)))
    else:
        page.project_button.setEnabled(False)
        page.demo_button.clicked.connect(lambda: window.load_demo())
    view = window.takeCentralWidget()  # keep the view: setCentralWidget would delete it
    stack = QStackedWidget()
    stack.addWidget(page)
    stack.addWidget(view)
    window.setCentralWidget(stack)

    def to_view(*_args) -> None:
        if window.session.survey is not None and stack.currentWidget() is not view:
            stack.setCurrentWidget(view)

    window.sig_picks_replaced.connect(to_view)  # the first survey's picks come before its section
    window.sig_survey_changed.connect(to_view)
    to_view()
    return page
