"""The fault-probability overlay's work apart from Qt: the job for one section, the overlay's
RGBA image, and the small cache that makes stepping back to a computed section free.

The job computes the probability, its ridges and the image drawn for the settings it was
started with, so the GUI thread only hands the image to the view (the conversion took ~10 ms of
GUI time per result). Keys name a section by survey, kind, title, shape and a sample of its
amplitudes, so an edited or differently processed section is computed anew.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np

from geodesk.core import display
from geodesk.core.jobs import JobContext


@dataclass(frozen=True)
class OverlayStyle:
    """What the overlay image depends on besides the probability."""

    threshold: float
    opacity: float
    thin: bool


@dataclass
class OverlayResult:
    """One section's model output and the image drawn for ``style``."""

    prob: np.ndarray  # (traces, samples)
    ridges: np.ndarray  # thin_ridges(prob)
    style: OverlayStyle
    image: np.ndarray  # (samples, traces) premultiplied ARGB32 words: ready for the view

    @property
    def nbytes(self) -> int:
        return self.prob.nbytes + self.ridges.nbytes + self.image.nbytes


def probability_rgba(prob: np.ndarray, threshold: float, opacity: float) -> np.ndarray:
    """RGBA image (traces, samples, 4) of a probability: hot colours, alpha 0 below threshold."""
    lut = display.colormap_lut("viridis")[:, :3]
    p = np.clip(np.nan_to_num(prob), 0.0, 1.0)
    rgba = np.zeros(p.shape + (4,), dtype=np.uint8)
    rgba[..., :3] = lut[(p * (len(lut) - 1)).astype(int)]
    span = max(1.0 - threshold, 1e-6)
    alpha = np.clip((p - threshold) / span, 0.0, 1.0) * 0.5 + 0.5
    rgba[..., 3] = np.where(p >= threshold, alpha * 255 * opacity, 0).astype(np.uint8)
    return rgba


def overlay_image(prob: np.ndarray, ridges: np.ndarray | None, style: OverlayStyle) -> np.ndarray:
    """The image the overlay draws: the fault lines (ridges in lines of >= 20 samples) or the
    whole probability, coloured from the threshold up, as premultiplied ARGB32 words (samples,
    traces), contiguous: what the view's SectionImage paints without a conversion."""
    shown = prob
    if style.thin and ridges is not None:
        from geodesk.ml.ridges import fault_lines

        shown = fault_lines(None, style.threshold, ridges=ridges)
    rgba = probability_rgba(shown, style.threshold, style.opacity)
    return np.ascontiguousarray(display.premultiplied_argb(rgba).T)


def restyled(result: OverlayResult, style: OverlayStyle) -> OverlayResult:
    """``result`` with its image for ``style`` (the same object when the style is unchanged)."""
    if result.style == style:
        return result
    return OverlayResult(result.prob, result.ridges, style,
                         overlay_image(result.prob, result.ridges, style))


def section_key(survey_id: Hashable, section: Any) -> tuple:
    """A key for ``section``'s result: survey, kind, title, shape and a checksum of every 7th
    trace's samples (cheap: ~25 µs). The model is not in it: a cache of these results is
    cleared when the model changes."""
    data = np.asarray(section.data)
    sample = np.ascontiguousarray(data[::7])
    return (survey_id, section.kind, section.title, data.shape,
            zlib.crc32(sample.view(np.uint8)))


def section_overlay_job(load: Callable[[JobContext | None], Any], data: np.ndarray,
                        style: OverlayStyle) -> Callable[[JobContext], tuple[Any, OverlayResult]]:
    """A job: the model from ``load(ctx)``, its probability for ``data`` (cancellable within a
    network layer), the ridges and the image for ``style``; returns (model, result)."""

    def job(ctx: JobContext) -> tuple[Any, OverlayResult]:
        from geodesk.ml.ridges import thin_ridges

        model = load(ctx)
        prob = model.predict(data, ctx=ctx)
        ctx.check_cancel()
        ridges = thin_ridges(prob)
        ctx.check_cancel()
        return model, OverlayResult(prob, ridges, style, overlay_image(prob, ridges, style))

    return job


class OverlayCache:
    """The last ``max_items`` sections' results (least recently used dropped first), within
    ``max_bytes``."""

    def __init__(self, max_items: int = 8, max_bytes: int = 256 * 2**20) -> None:
        self.max_items, self.max_bytes = int(max_items), int(max_bytes)
        self._items: OrderedDict[Hashable, OverlayResult] = OrderedDict()

    def get(self, key: Hashable) -> OverlayResult | None:
        r = self._items.get(key)
        if r is not None:
            self._items.move_to_end(key)
        return r

    def put(self, key: Hashable, result: OverlayResult) -> None:
        self._items[key] = result
        self._items.move_to_end(key)
        while len(self._items) > max(self.max_items, 1) or (
                len(self._items) > 1 and self.nbytes > self.max_bytes):
            self._items.popitem(last=False)

    @property
    def nbytes(self) -> int:
        return sum(r.nbytes for r in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        self._items.clear()
