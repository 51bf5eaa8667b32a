"""Orientation averaging for 3D volumes: the 2.5D denoiser run along inlines and along crosslines.

A 2.5D denoiser (:class:`~geodesk.ml.tasks.denoise.DenoiseDnCNN`) denoises one section with its
neighbours on each side as context. On a volume it can run along the inlines (context: the
neighbouring inlines) or along the crosslines (context: the neighbouring crosslines); the two
answers make different errors. Their mean was better than either pass on every validation
volume of the evaluation family (``bench/bench_denoise_adapt_validation.py``: +1.0 dB over the
inline pass after adaptation), so it is the default; on the scored volumes it was no better on
average after adaptation (it lost 1 dB on the volume whose noise bursts run along inlines). The model's ``average_orientations`` switches it;
it costs about twice one pass. 2D lines, gathers
and time slices are not volumes and keep the single pass.

Every pass keeps its sections' zero-filled or muted regions and retrieves its own leakage, so
the mean keeps them too (a constant run along a trace is the same run in either orientation).
A survey is done a slab of sections at a time: the other pass sees each slab's sections with
:data:`ORIENT_HALO` sections on each side, past the network's reach and the leakage window.
Used by the volume API, the CLI block runs and the window's jobs alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geodesk.core.derived import model_input, neighbour_indices, positions, read_section
from geodesk.core.jobs import JobContext, PartContext
from geodesk.core.survey import Survey

#: Sections read on each side of a slab for the pass along the other axis: the DnCNN's reach
#: (17 traces at depth 17) plus the leakage retrieval's window, with room to spare.
ORIENT_HALO = 32
#: A volume whose other axis is shorter than this keeps the single pass (too few traces).
MIN_OTHER_TRACES = 8


def averages(model: Any, shape: tuple[int, ...]) -> bool:
    """True when ``model`` averages orientations and a (sections, traces, samples) slab of
    ``shape`` is a volume with enough sections for the pass along the other axis."""
    return (bool(getattr(model, "average_orientations", False)) and len(shape) == 3
            and min(shape[0], shape[1]) >= MIN_OTHER_TRACES)


def pass_along(model: Any, slab: np.ndarray, rows: range, ctx: JobContext | None = None
               ) -> np.ndarray:
    """``model.predict`` of the sections ``rows`` of ``slab`` (sections, traces, samples), each
    with its ``context`` neighbours on each side (mirrored at the slab's ends)."""
    ctx = ctx or JobContext()
    c = int(getattr(model, "context", 0) or 0)
    out = np.empty((len(rows), *slab.shape[1:]), dtype=np.float32)
    for k, i in enumerate(rows):
        ctx.check_cancel()
        part = PartContext(ctx, k, len(rows))
        x = slab[neighbour_indices(i, slab.shape[0], c)] if c else slab[i]
        out[k] = model.predict(np.ascontiguousarray(x), ctx=part)
    return out


def denoise_slab(model: Any, slab: np.ndarray, core: slice = slice(None),
                 ctx: JobContext | None = None) -> np.ndarray:
    """The denoised sections ``core`` of ``slab`` (sections, traces, samples): the pass along
    the slab's sections, averaged with the pass along its traces when :func:`averages`."""
    ctx = ctx or JobContext()
    v = np.asarray(slab, dtype=np.float32)
    rows = range(v.shape[0])[core]
    if not averages(model, v.shape):
        return pass_along(model, v, rows, ctx)
    along = pass_along(model, v, rows, PartContext(ctx, 0, 2, "along the sections"))
    other = np.ascontiguousarray(v.transpose(1, 0, 2))
    across = pass_along(model, other, range(other.shape[0]),
                        PartContext(ctx, 1, 2, "across the sections"))
    return 0.5 * (along + across.transpose(1, 0, 2)[core])


def denoise_sections(model: Any, survey: Survey, mode: str, lo: int, hi: int,
                     ctx: JobContext | None = None) -> list[np.ndarray]:
    """The denoised sections ``lo..hi-1`` (indices among ``mode``'s positions) of ``survey`` as
    the volume run makes them: for inlines or crosslines of a 3D volume with averaging, the
    pass along the other axis runs over them and :data:`ORIENT_HALO` neighbours each side (one
    section alone costs about 2·halo + 1 single passes; a run of them shares the halo)."""
    ctx = ctx or JobContext()
    c = int(getattr(model, "context", 0) or 0)
    vals = positions(survey, mode)
    if survey.kind == "post3d" and mode in ("inline", "crossline"):
        n_traces = len(positions(survey, "crossline" if mode == "inline" else "inline"))
        if averages(model, (len(vals), n_traces, survey.n_samples)):
            a, b = max(lo - ORIENT_HALO, 0), min(hi + ORIENT_HALO, len(vals))
            slab = np.stack([np.asarray(read_section(survey, mode, vals[j]).data,
                                        dtype=np.float32) for j in range(a, b)])
            return list(denoise_slab(model, slab, slice(lo - a, hi - a), ctx))
    out = []
    for k, i in enumerate(range(lo, hi)):
        sec = read_section(survey, mode, vals[i])
        x = model_input(survey, mode, sec, vals[i], c)
        out.append(np.asarray(model.predict(x, ctx=PartContext(ctx, k, hi - lo)),
                              dtype=np.float32))
    return out


def denoise_section(model: Any, survey: Survey, mode: str, value: float,
                    ctx: JobContext | None = None) -> np.ndarray:
    """The denoised section ``(mode, value)`` of ``survey`` (:func:`denoise_sections`)."""
    i = int(np.argmin(np.abs(positions(survey, mode) - float(value))))
    return denoise_sections(model, survey, mode, i, i + 1, ctx)[0]
