"""An ImageItem that hands Qt premultiplied ARGB32 pixels: the format Qt scales fastest.

pyqtgraph turns a float image with a colour table into an 8-bit indexed QImage, which Qt
converts to ARGB32 on every paint (about 1.5 ms for a 250 x 1000 section drawn 700 px wide, most
of a flip). Here the colour table is applied once per new image, in numpy (levels, clip, one
``take``), and NaN samples (missing traces) become transparent. RGBA images are packed into
ARGB32 the same way; uint32 images are taken as ARGB32 words already (the packed wiggle raster). Everything else (levels, rect, ``image``) is pyqtgraph's.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QImage

from geodesk.core.display import premultiplied_argb

ARGB = QImage.Format.Format_ARGB32_Premultiplied


class SectionImage(pg.ImageItem):
    """Row-major ImageItem of a float section (through its LUT) or of an RGBA raster."""

    def __init__(self) -> None:
        super().__init__(axisOrder="row-major")
        self._lut_words: tuple[bytes, np.ndarray] | None = None  # (the LUT's bytes, ARGB)
        self._pixels: np.ndarray | None = None  # the buffer the QImage reads

    def _words(self, lut: np.ndarray) -> np.ndarray:
        key = np.ascontiguousarray(lut).tobytes()
        if self._lut_words is None or self._lut_words[0] != key:
            self._lut_words = (key, premultiplied_argb(lut))
        return self._lut_words[1]

    def render(self) -> None:
        img, lut = self.image, self.lut
        if img is None or img.size == 0:
            return super().render()
        if img.ndim == 2 and isinstance(lut, np.ndarray) and self.levels is not None \
                and img.dtype.kind == "f":
            lo, hi = (float(v) for v in self.levels)
            words = self._words(lut)
            n = len(words)
            # row-major from the first pass: a section's transposed view (traces x samples
            # shown samples x traces) would otherwise be carried through every pass and copied
            # once more at the end for the QImage
            scaled = np.subtract(img, np.float32(lo), dtype=np.float32, order="C")
            scaled *= np.float32(n / (hi - lo if hi > lo else 1.0))
            nan = np.isnan(scaled)
            has_nan = bool(nan.any())
            if has_nan:
                scaled[nan] = 0.0
            np.clip(scaled, 0, n - 1, out=scaled)
            # the same truncation as an intp index; a byte index makes the lookup faster
            pixels = np.take(words, scaled.astype(np.uint8 if n <= 256 else np.intp))
            if has_nan:
                pixels[nan] = 0  # transparent
        elif img.ndim == 2 and img.dtype == np.uint32:
            pixels = img  # already premultiplied ARGB words (display.rasterise_wiggle packed)
        elif img.ndim == 3 and img.shape[2] == 4 and img.dtype == np.uint8:
            pixels = premultiplied_argb(img)
        else:
            return super().render()
        self._pixels = np.ascontiguousarray(pixels, dtype=np.uint32)
        h, w = self._pixels.shape
        self.qimage = QImage(self._pixels.data, w, h, w * 4, ARGB)
        self._renderRequired = False
        self._unrenderable = False
