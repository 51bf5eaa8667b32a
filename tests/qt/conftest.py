"""Qt test setup: offscreen platform before Qt loads, per-test settings, no leaked windows."""

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pyqtgraph as pg
import pytest

pg.setConfigOptions(mouseRateLimit=0)  # fast synthetic drags must not collapse to two points


@pytest.fixture
def settings(tmp_path):
    from geodesk.qt.settings import make_settings

    return make_settings(tmp_path / "geodesk.ini")


@pytest.fixture
def view(qtbot):
    """A shown SectionView of 800 x 600."""
    from geodesk.qt.views.section_view import SectionView

    v = SectionView()
    qtbot.addWidget(v)
    v.resize(800, 600)
    v.show()
    qtbot.waitExposed(v)
    yield v
    v.close()


@pytest.fixture
def window(qtbot, settings):
    from geodesk.qt.main_window import MainWindow

    win = MainWindow(settings=settings)
    # unattended: closing with unsaved picks asks nothing (tests that want questions opt in)
    win.project_controller.interactive = False
    qtbot.addWidget(win)
    win.resize(1000, 700)
    win.show()
    qtbot.waitExposed(win)
    yield win
    # a test that left the project dirty must not keep the window (and its survey file) open:
    # unattended, "Save changes?" is Cancel; at teardown the edits are discarded instead
    win.project_controller.ask_save_changes = lambda name: "discard"
    win.close()


@pytest.fixture(autouse=True)
def no_leaked_top_level_widgets(qapp):
    """Every test must close what it opens (a leaked window keeps threads and files alive)."""
    from PySide6.QtWidgets import QApplication

    before = {id(w) for w in QApplication.topLevelWidgets()}
    yield
    QApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets()
              if id(w) not in before and w.isVisible()]
    assert not leaked, f"visible top-level widgets left open: {leaked}"
