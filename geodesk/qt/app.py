"""Application start-up: QApplication, the exception hook, the window, offscreen screenshots."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from geodesk.qt.main_window import MainWindow

SCREENSHOT_SIZE = (1400, 900)
#: The application icon (the SVG beside it is the source; packaging/ installs both).
ICON = Path(__file__).resolve().parents[1] / "resources" / "icons" / "geodesk.png"


def get_app() -> QApplication:
    """The running QApplication, created on first use."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("GeoDesk")
        app.setOrganizationName("GeoDesk")
        app.setDesktopFileName("geodesk")  # packaging/geodesk.desktop: the menu entry's icon
        if ICON.exists():
            app.setWindowIcon(QIcon(str(ICON)))
    return app  # type: ignore[return-value]


def install_excepthook(parent: QWidget | None = None) -> None:
    """Show every uncaught exception (also those raised in Qt slots) in a dialog, never silently."""

    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.stderr.write(text)
        if QApplication.instance() is None or issubclass(exc_type, KeyboardInterrupt):
            return
        box = QMessageBox(QMessageBox.Icon.Critical, "Unexpected error",
                          f"{exc_type.__name__}: {exc}", parent=parent)
        box.setDetailedText(text)
        box.exec()

    sys.excepthook = hook


def screenshot(window: MainWindow, path: str | Path,
               size: tuple[int, int] = SCREENSHOT_SIZE) -> Path:
    """Render ``window`` at ``size`` and save it as PNG."""
    app = get_app()
    window.resize(*size)
    window.show()
    for _ in range(5):
        app.processEvents()
    window.view.refresh()
    window.view.reset_view()
    app.processEvents()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        raise OSError(f"cannot write screenshot {path}")
    return path
