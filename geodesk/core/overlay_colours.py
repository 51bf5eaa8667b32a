"""Overlay colours chosen against the active colormap: no red fault sticks on red-white-blue.

A pick object keeps the colour it was given; when that is one of the defaults nobody chose
(:data:`AUTO_COLOURS`) and it is hard to see on the colormap, it is drawn in the candidate that
stands out most from every colour of the colormap instead. Qt-free.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from geodesk.core import display

#: Colours overlays may be drawn in, saturated and far apart.
CANDIDATES = ("#ffcc00", "#00e5ff", "#39ff14", "#ff00ff", "#ff8c00", "#8a2be2", "#ffffff",
              "#000000")
#: The pick objects' default colours (horizon yellow, fault red): replaced where they blend in.
AUTO_COLOURS = frozenset({"#ffcc00", "#ff3030"})
#: Below this distance (see :func:`distance_to_colormap`) a colour blends into the colormap.
MIN_DISTANCE = 110.0


def hex_rgb(colour: str) -> np.ndarray:
    """'#rrggbb' as a float RGB array."""
    c = colour.lstrip("#")
    if len(c) != 6:
        raise ValueError(f"colour must be '#rrggbb', got {colour!r}")
    return np.array([int(c[k:k + 2], 16) for k in (0, 2, 4)], dtype=float)


@lru_cache(maxsize=1024)
def distance_to_colormap(colour: str, colormap: str) -> float:
    """Smallest 'redmean' RGB distance (0..~765) between ``colour`` and the colormap's entries."""
    lut = display.colormap_lut(colormap)[:, :3].astype(float)
    c = hex_rgb(colour)
    rmean = (lut[:, 0] + c[0]) / 2.0
    d = lut - c
    dist2 = (2 + rmean / 256) * d[:, 0] ** 2 + 4 * d[:, 1] ** 2 + (2 + (255 - rmean) / 256) \
        * d[:, 2] ** 2
    return float(np.sqrt(dist2.min()))


def contrasting(colormap: str, exclude: tuple[str, ...] = ()) -> list[str]:
    """:data:`CANDIDATES` (less ``exclude``) from the most to the least visible on ``colormap``."""
    pool = [c for c in CANDIDATES if c not in exclude] or list(CANDIDATES)
    return sorted(pool, key=lambda c: -distance_to_colormap(c, colormap))


@lru_cache(maxsize=1024)
def drawn_colour(colour: str, colormap: str) -> str:
    """The colour an overlay of ``colour`` is drawn in over ``colormap`` (see module doc)."""
    c = (colour or "#ffcc00").lower()
    if c in AUTO_COLOURS and distance_to_colormap(c, colormap) < MIN_DISTANCE:
        return contrasting(colormap)[0]
    return c
