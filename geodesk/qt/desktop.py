"""Desktop conveniences of the window: the welcome page of an empty window and the question
before quitting during a job (one feature row installs both)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geodesk.qt.quit_guard import QuitGuard
from geodesk.qt.welcome import WelcomePage, show_until_survey

if TYPE_CHECKING:
    from geodesk.qt.main_window import MainWindow


@dataclass
class Desktop:
    """The installed parts: ``window.desktop.welcome`` and ``window.desktop.quit_guard``."""

    welcome: WelcomePage
    quit_guard: QuitGuard


def install(session: Any, window: MainWindow) -> Desktop:
    """The welcome page until the first survey, and asking before quitting during jobs."""
    return Desktop(welcome=show_until_survey(window), quit_guard=QuitGuard(window))
