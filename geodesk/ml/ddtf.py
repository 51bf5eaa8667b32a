"""DDTF as a model: a tight frame learned from a survey, saved as ``.npz``, run in blocks.

:class:`DDTF` follows the non-torch estimator contract (:mod:`geodesk.ml.estimator`): ``fit``
learns the frame from arrays, ``predict`` denoises one section or volume, ``save``/``load``
keep the frame. Survey-wide runs reuse the models' block machinery
(:func:`geodesk.ml.run.apply.map_blocks`: blocks of inlines with a halo, here or on a Dask
cluster with ``--scheduler``); the algorithm itself is :mod:`geodesk.core.processing.ddtf`.
No torch import.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.core.processing.ddtf.apply import (
    DDTFSettings,
    FrameFit,
    candidate_patches,
    check_finite,
    denoise_array,
    fit_frame,
    interpolate_array,
    normalise,
)
from geodesk.core.processing.ddtf.noise import noise_spectrum
from geodesk.core.processing.ddtf.patches import check_patch
from geodesk.core.section import Section
from geodesk.core.survey import Survey, SurveyError
from geodesk.ml.estimator import ArrayEstimator
from geodesk.ml.run.blocks import ModelRef


class DDTF(ArrayEstimator):
    """Data-driven tight frame: ``frame_`` (n × n, columns = atoms), ``threshold_``, ``sigma_``."""

    task = "ddtf"
    name = "ddtf"
    version = 1
    state_names = ("frame_", "threshold_", "sigma_", "spectrum_", "level_")

    def __init__(self, *, patch: tuple[int, ...] = (8, 8, 8), step: tuple[int, ...] | None = None,
                 iterations: int = 20, n_patches: int = 20000, threshold: float | None = None,
                 factor: float = 3.0, seed: int = 0, pocs_iterations: int = 30,
                 adaptive: bool = True, leakage: bool = True) -> None:
        self.patch, self.step, self.iterations = tuple(patch), step, int(iterations)
        self.n_patches, self.threshold, self.factor = int(n_patches), threshold, float(factor)
        self.seed, self.pocs_iterations = int(seed), int(pocs_iterations)
        self.adaptive = bool(adaptive)
        self.leakage = bool(leakage)  # put back what was removed coherently (signal)

    def settings(self) -> DDTFSettings:
        return DDTFSettings(patch=tuple(int(p) for p in self.patch),
                            step=None if self.step is None else tuple(self.step),
                            iterations=self.iterations, n_patches=self.n_patches,
                            threshold=self.threshold, factor=self.factor, seed=self.seed,
                            pocs_iterations=self.pocs_iterations, adaptive=self.adaptive,
                            leakage=self.leakage)

    @property
    def ndim(self) -> int:
        return len(self.patch)

    def fit(self, X: Sequence[np.ndarray], y: Any = None, *, ctx: JobContext | None = None
            ) -> DDTF:
        """Learn the frame from patches drawn from every array of ``X`` (same dimension as
        the patch), the noise level from their finest coefficients."""
        ctx = ctx or JobContext()
        s = self.settings()
        arrays = [np.asarray(a, dtype=np.float32) for a in X]
        if not arrays:
            raise ValueError("DDTF needs data to learn from")
        for a in arrays:
            check_finite(a)
            check_patch(a.shape, s.patch)
        spectrum = level = None
        if s.adaptive:  # one noise colour and level for the survey: the arrays' mean
            if len({a.shape[-1] for a in arrays}) > 1:
                raise ValueError("adaptive DDTF learns from arrays of one trace length")
            spectrum = np.mean([noise_spectrum(a) for a in arrays], axis=0)
            level = float(np.mean([normalise(a, s, spectrum)[3] for a in arrays]))
        pools = [candidate_patches(normalise(a, s, spectrum, level)[0], s,
                                   max(4 * s.n_patches // len(arrays), 1)) for a in arrays]
        fit = fit_frame(np.concatenate(pools), s, check=ctx.check_cancel)
        fit.spectrum, fit.level = spectrum, level
        self._set(fit)
        return self

    def _set(self, fit: FrameFit) -> None:
        self.frame_ = np.asarray(fit.frame, dtype=np.float64)
        self.threshold_ = np.asarray(fit.threshold, dtype=np.float64)
        self.sigma_ = np.asarray(fit.sigma, dtype=np.float64)
        self.spectrum_ = np.asarray([] if fit.spectrum is None else fit.spectrum, dtype=float)
        self.level_ = np.asarray(np.nan if fit.level is None else fit.level, dtype=float)
        self.report_ = fit.report

    def fitted(self) -> FrameFit:
        spec = np.asarray(self.spectrum_)
        level = float(self.level_)
        return FrameFit(self.frame_, float(self.threshold_), float(self.sigma_),
                        spectrum=spec if spec.size else None,
                        level=None if np.isnan(level) else level)

    def atoms(self) -> np.ndarray:
        """The atoms as patches (n_atoms, *patch), for display."""
        return np.asarray(self.frame_).T.reshape(-1, *[int(p) for p in self.patch])

    def predict(self, x: Any, *, ctx: JobContext | None = None, **edges: Any) -> np.ndarray:
        """Denoise one array (or :class:`Section`) of the frame's dimension with the frame;
        what was removed coherently from trace to trace goes back unless ``leakage`` is off
        (:mod:`geodesk.core.processing.leakage`); zero-filled or muted runs of the input stay as
        they were (no data painted there)."""
        from geodesk.core.processing.denoise_checks import keep_constant_regions

        data = np.asarray(x.data if isinstance(x, Section) else x, dtype=np.float32)
        ctx = ctx or JobContext()
        out, _ = denoise_array(data, self.settings(), fit=self.fitted(),
                               check=ctx.check_cancel, **edges)
        flat = (-1, data.shape[-1])
        return keep_constant_regions(data.reshape(flat), out.reshape(flat)).reshape(data.shape)

    def interpolate(self, x: np.ndarray, mask: np.ndarray, *, ctx: JobContext | None = None
                    ) -> np.ndarray:
        """Fill the traces of ``x`` where ``mask`` is False (POCS, frames learned on the way
        from the data; this model's threshold is the last step unless set)."""
        ctx = ctx or JobContext()
        s = self.settings()
        out, _ = interpolate_array(x, mask, s, check=ctx.check_cancel)
        return out


@dataclass(frozen=True)
class FrameRef(ModelRef):
    """A DDTF frame file as a block worker receives it (loaded once per worker thread)."""

    task: str = "ddtf"

    def load(self) -> DDTF:
        st = os.stat(self.path)
        key = (self.path, st.st_mtime_ns, st.st_size)
        cache = _LOADED.__dict__.setdefault("frames", {})
        if key not in cache:
            cache.clear()
            cache[key] = DDTF.load(self.path)
        return cache[key]


_LOADED = threading.local()


# -- survey-wide runs ------------------------------------------------------------------------
def survey_shape(survey: Survey) -> tuple[int, ...]:
    """The data's shape as DDTF sees it: (inlines, crosslines, samples), (traces, samples),
    or (largest gather, samples) for pre-stack files."""
    if survey.kind == "post3d":
        return (len(survey.inlines), len(survey.crosslines), survey.n_samples)
    if survey.kind == "post2d":
        return (survey.n_traces, survey.n_samples)
    return (int(np.max(survey.gather_sizes)), survey.n_samples)


def model_for(survey: Survey, *, patch: Sequence[int] | None = None, **params: Any) -> DDTF:
    """A DDTF of the survey's dimension (3D patches on volumes, 2D on lines and gathers)."""
    nd = 3 if survey.kind == "post3d" else 2
    patch = tuple(int(p) for p in (patch or (8,) * nd))
    if len(patch) == 3 and nd == 2:
        patch = patch[1:]
    elif len(patch) != nd:
        raise ValueError(f"a {len(patch)}D patch does not fit {survey.name} ({survey.kind}): "
                         f"give {nd} sizes")
    shape = survey_shape(survey)
    check_patch(shape, patch)
    return DDTF(patch=patch, **params)


def learning_data(survey: Survey, model: DDTF, ctx: JobContext, windows: int = 8
                  ) -> list[np.ndarray]:
    """Arrays to learn from without reading the whole survey: ``windows`` slabs of 2 patches
    of inlines spread through a volume, the 2D line, or up to 16 gathers spread evenly."""
    if survey.kind == "post3d":
        n, p = len(survey.inlines), int(model.patch[0])
        width = min(2 * p, n)
        starts = np.unique(np.linspace(0, n - width, min(windows, n - width + 1)).astype(int))
        out = []
        for k, a in enumerate(starts):
            ctx.progress(0.1 * k / len(starts), "reading patches to learn from")
            out.append(np.stack([survey.inline(int(il)).data
                                 for il in survey.inlines[a:a + width]]))
        return out
    if survey.kind == "post2d":
        return [survey.line().data]
    keys = survey.gather_keys[np.asarray(survey.gather_sizes) >= int(model.patch[0])]
    pick = keys[np.unique(np.linspace(0, len(keys) - 1, min(16, len(keys))).astype(int))]
    return [survey.gather(int(k)).data for k in pick]


def learn_from_survey(survey: Survey, model: DDTF, ctx: JobContext | None = None) -> DDTF:
    """``model`` fitted on patches drawn from ``survey`` (see :func:`learning_data`)."""
    ctx = ctx or JobContext()
    data = learning_data(survey, model, ctx)
    ctx.progress(0.1, "learning the frame")
    return model.fit(data, ctx=ctx)


def ddtf_sections(model: DDTF, sections: list[Section], core: slice, ctx: JobContext, *,
                  halo: int = 0, mask: np.ndarray | None = None) -> list[np.ndarray]:
    """Block op of :func:`geodesk.ml.run.blocks.run_block`: DDTF of a block of inlines as one
    volume (3D frame) or of each section (2D frame); ``mask`` (one bool per file trace):
    interpolate the traces it marks False instead of denoising. Halo sides are not padded and
    patches keep the whole survey's grid, so blocks join without seams."""
    if model.ndim == 3:
        vol = np.stack([np.asarray(s.data, dtype=np.float32) for s in sections])
        if mask is not None:
            out = model.interpolate(vol, _section_mask(sections, mask), ctx=ctx)
        else:
            s = model.settings().for_ndim(3)
            p0, s0 = int(s.patch[0]), int(s.step[0])
            edges = [(core.start < halo, len(sections) - core.stop < halo), (True, True),
                     (True, True)]
            starts = [(halo - p0) % s0, 0, 0]
            out = model.predict(vol, ctx=ctx, edges=edges, starts=starts)
        return list(out[core])
    res = []
    for k, sec in enumerate(sections[core]):
        ctx.progress(k / max(core.stop - core.start, 1))
        data = np.asarray(sec.data, dtype=np.float32)
        if any(n < p for n, p in zip(data.shape, model.patch)):
            res.append(data)  # a gather smaller than the patch is left as it is
        elif mask is not None:
            res.append(model.interpolate(data, _section_mask([sec], mask)[0], ctx=ctx))
        else:
            res.append(model.predict(data, ctx=ctx))
    return res


def _section_mask(sections: list[Section], mask: np.ndarray) -> np.ndarray:
    """Observed (True) per trace of each section; traces missing from the file count as gaps."""
    rows = []
    for sec in sections:
        idx = sec.trace_index if sec.trace_index is not None else np.arange(sec.shape[0])
        idx = np.asarray(idx, dtype=np.int64)
        rows.append(np.where(idx >= 0, mask[np.clip(idx, 0, None)], False))
    return np.stack(rows)


def block_plan(survey: Survey, model: DDTF, runner: Any, block: int | None) -> tuple[int, int]:
    """(sections per block, halo) for a 3D frame: blocks a multiple of the patch step and a
    halo of whole steps covering the patch (and the local noise scale's window), so every
    block sees the survey's patch grid and noise scale."""
    from geodesk.ml.run.blocks import default_block_size

    if model.ndim != 3:
        return block or 0, 0
    s = model.settings().for_ndim(3)
    p0, s0 = int(s.patch[0]), int(s.step[0])
    reach = p0 + (p0 // 2 + 1 if s.adaptive else 0)  # the local noise scale's window too
    n = len(survey.inlines)
    size = block or default_block_size(n, survey.n_traces, survey.n_samples)
    if getattr(runner, "threads", 1) > 1:
        size = min(size, max(-(-n // (2 * runner.threads)), 1))
    size = max(size // s0, 1) * s0
    return size, -(-reach // s0) * s0


@contextlib.contextmanager
def _as_ref(model: DDTF, runner: Any) -> Iterator[DDTF | FrameRef]:
    """The model itself for a local run, a :class:`FrameRef` to a temporary file for Dask."""
    if getattr(runner, "client", None) is None:
        yield model
        return
    with tempfile.TemporaryDirectory(prefix="geodesk-ddtf-") as tmp:
        yield FrameRef(str(model.save(Path(tmp) / "frame.npz")))


def run_survey(survey: Survey, model: DDTF, out_path: str | os.PathLike, ctx: JobContext, *,
               runner: Any = None, block: int | None = None, mask: np.ndarray | None = None
               ) -> Path:
    """Denoise (or, with ``mask``, interpolate) every section of ``survey`` with the fitted
    ``model`` and write SEG-Y like the input, in blocks (here or on ``runner``'s cluster)."""
    from geodesk.ml.run.apply import map_blocks
    from geodesk.ml.run.cluster import LocalRunner

    runner = runner or LocalRunner()
    size, halo = block_plan(survey, model, runner, block)
    op = functools.partial(ddtf_sections, halo=halo, mask=mask)
    label = "interpolate (DDTF)" if mask is not None else "denoise (DDTF)"
    with _as_ref(model, runner) as ref:
        return map_blocks(survey, ref, out_path, ctx, runner=runner,
                          prestack=survey.kind == "prestack", block=size or None, halo=halo,
                          op=op, label=label)


def check_survey_mask(survey: Survey, mask: np.ndarray) -> None:
    """Refuse a mask of the wrong length, one that removes every trace, or one that removes
    none (nothing to interpolate)."""
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != (survey.n_traces,):
        raise SurveyError(f"the mask has {mask.size} values, {survey.name} has "
                          f"{survey.n_traces} traces")
    if not mask.any():
        raise SurveyError(f"the mask removes all {survey.n_traces} traces of {survey.name}: "
                          "nothing is left to interpolate from")
    if mask.all():
        raise SurveyError(f"the mask marks no trace of {survey.name} as missing: nothing to "
                          "interpolate")


# -- one section for the window --------------------------------------------------------------
def section_slab(survey: Survey, mode: str, value: float, section: Section, depth: int
                 ) -> tuple[np.ndarray, int]:
    """The section ``(mode, value)`` with up to ``depth`` neighbours each side stacked as
    (sections, traces, samples) for a 3D frame, and the section's index in the stack."""
    from geodesk.core.derived import positions, read_section

    vals = positions(survey, mode)
    i = int(np.argmin(np.abs(vals - float(value))))
    lo, hi = max(i - depth, 0), min(i + depth + 1, len(vals))
    rows = [section.data if j == i else read_section(survey, mode, vals[j]).data
            for j in range(lo, hi)]
    return np.stack([np.asarray(r, dtype=np.float32) for r in rows]), i - lo


def dead_traces(data: np.ndarray) -> np.ndarray:
    """True per trace of ``data`` (…, samples) whose samples are all equal (dead or zero)."""
    return np.ptp(np.asarray(data), axis=-1) == 0


def ddtf_section(model: DDTF, survey: Survey, mode: str, value: float, section: Section, *,
                 interpolate: bool = False, ctx: JobContext | None = None) -> np.ndarray:
    """DDTF of the section on screen: denoised, or with its dead traces filled. A 3D frame
    reads the neighbouring sections (a patch's depth each side); where they cannot hold a
    patch (time slices aside, a survey thinner than the patch) a 2D frame with the patch's
    last two sizes is learned from the section itself."""
    ctx = ctx or JobContext()
    data = np.asarray(section.data, dtype=np.float32)
    if model.ndim == 3 and mode in ("inline", "crossline"):
        depth = int(model.patch[0])
        slab, k = section_slab(survey, mode, value, section, depth)
        if mode == "crossline":  # the frame's axes are (inline, crossline, samples)
            slab, k_axis = slab.transpose(1, 0, 2), 1
        else:
            k_axis = 0
        if slab.shape[0] >= model.patch[0] and slab.shape[1] >= model.patch[1]:
            if interpolate:
                out = model.interpolate(slab, ~dead_traces(slab), ctx=ctx)
            else:
                out = model.predict(slab, ctx=ctx)
            return np.take(out, k, axis=k_axis)
        model = DDTF(**{**model.get_params(), "patch": tuple(model.patch[1:])}).fit([data])
    elif model.ndim == 3:
        model = DDTF(**{**model.get_params(), "patch": tuple(model.patch[1:])}).fit([data])
    if interpolate:
        return model.interpolate(data, ~dead_traces(data), ctx=ctx)
    return model.predict(data, ctx=ctx)
