"""Render the SVG icon (geodesk/resources/icons/geodesk.svg) to the 256 px PNG beside it.

Run after editing the SVG: ``QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icon.py``.
The PNG is what the PyInstaller bundle and desktops without SVG icon support use.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "geodesk" / "resources" / "icons"


def render(svg: Path, png: Path, size: int = 256) -> Path:
    """Draw ``svg`` into a transparent ``size`` x ``size`` PNG at ``png``."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    if not image.save(str(png), "PNG"):
        raise OSError(f"cannot write {png}")
    return png


if __name__ == "__main__":
    app = QGuiApplication(sys.argv[:1])
    print(render(ICONS / "geodesk.svg", ICONS / "geodesk.png"))
