"""Pixmap caching of the section view's static items (axes, labels, legend, marks).

pyqtgraph items paint in Python and QGraphicsTextItem lays out its document on every paint;
stepping to the next line repaints the whole view. Items that rarely change are painted once
into a device pixmap that Qt blits until the item calls ``update()``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGraphicsItem


def cache_static(item: QGraphicsItem) -> None:
    """Cache ``item`` and every item under it as device pixmaps until they change."""
    item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    for child in item.childItems():
        cache_static(child)
