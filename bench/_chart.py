"""Line charts as PNG for bench figures (QPainter on a QImage, offscreen; no matplotlib)."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

COLOURS = ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def line_chart(path: str | Path, series: dict[str, tuple[list[float], list[float]]], *,
               title: str, xlabel: str, ylabel: str, target: float | None = None,
               size: tuple[int, int] = (640, 400)) -> Path:
    """Write ``series`` ({name: (x, y)}) as a line chart with axes, a legend and an optional
    dashed ``target`` level; returns the path."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen

    _app = QGuiApplication.instance() or QGuiApplication([])
    w, h = size
    left, right, top, bottom = 64, 150, 36, 48
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    xs = [x for sx, _ in series.values() for x in sx]
    ys = [y for _, sy in series.values() for y in sy] + ([target] if target is not None else [])
    x0, x1 = min(xs, default=0.0), max(xs, default=1.0)
    y0, y1 = min(min(ys, default=0.0), 0.0), max(max(ys, default=1.0), 1e-9) * 1.05
    x1 = x1 if x1 > x0 else x0 + 1.0

    def at(x: float, y: float) -> QPointF:
        return QPointF(left + (x - x0) / (x1 - x0) * (w - left - right),
                       h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom))

    p.setPen(QPen(QColor("black"), 1))
    p.drawRect(QRectF(left, top, w - left - right, h - top - bottom))
    for k in range(6):
        yv = y0 + k * (y1 - y0) / 5
        pt = at(x0, yv)
        p.drawText(QRectF(4, pt.y() - 8, left - 8, 16), Qt.AlignmentFlag.AlignRight, f"{yv:.2f}")
    step = max(round((x1 - x0) / 10), 1)
    for xv in range(int(x0), int(x1) + 1, step):
        pt = at(xv, y0)
        p.drawText(QRectF(pt.x() - 20, h - bottom + 4, 40, 16), Qt.AlignmentFlag.AlignCenter,
                   str(xv))
    p.drawText(QRectF(left, h - 22, w - left - right, 18), Qt.AlignmentFlag.AlignCenter, xlabel)
    p.drawText(QRectF(left, 8, w - left - right, 20), Qt.AlignmentFlag.AlignCenter, title)
    p.save()
    p.translate(14, h / 2)
    p.rotate(-90)
    p.drawText(QRectF(-h / 2, -10, h, 20), Qt.AlignmentFlag.AlignCenter, ylabel)
    p.restore()
    if target is not None:
        pen = QPen(QColor("#555555"), 1, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawLine(at(x0, target), at(x1, target))
    for n, (name, (sx, sy)) in enumerate(series.items()):
        colour = QColor(COLOURS[n % len(COLOURS)])
        p.setPen(QPen(colour, 2))
        pts = [at(x, y) for x, y in zip(sx, sy)]
        for a, b in itertools.pairwise(pts):
            p.drawLine(a, b)
        for q in pts:
            p.drawEllipse(q, 2.5, 2.5)
        ly = top + 8 + 20 * n
        p.drawLine(QPointF(w - right + 10, ly), QPointF(w - right + 30, ly))
        p.setPen(QPen(QColor("black"), 1))
        p.drawText(QRectF(w - right + 34, ly - 8, right - 36, 16), Qt.AlignmentFlag.AlignLeft,
                   name)
    p.end()
    out = Path(path)
    img.save(str(out), "PNG")
    return out
