"""DDTF denoising and POCS interpolation of 2D sections and 3D volumes (numpy only).

Denoising: learn a tight frame from Monte-Carlo patches of the data, hard-threshold every
patch's coefficients at ``factor`` × the noise estimate (or a given threshold) and average
the overlapping patches back; what that removed coherently from trace to trace (signal) is then
put back (:mod:`geodesk.core.processing.leakage`, ``leakage=False`` skips it). Interpolation (POCS): the missing traces are filled by repeated
frame thresholding with a threshold decreasing geometrically from the data's largest
coefficient to the noise level, the observed traces put back after every step; the frame is
learned again from the current estimate as the gaps fill.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from geodesk.core.processing.ddtf.frame import (
    dct_frame,
    learn_frame,
    noise_sigma,
    select_patches,
    shrink,
)
from geodesk.core.processing.ddtf.noise import (
    despike,
    local_mean_difference,
    local_scale,
    noise_spectrum,
    typical_level,
    unwhiten,
    whiten,
)
from geodesk.core.processing.ddtf.patches import (
    check_patch,
    fmt_patch,
    map_patches,
    random_patches,
)
from geodesk.core.processing.leakage import retrieve_leakage

Check = Callable[[], None] | None
Progress = Callable[[float, str], None] | None


@dataclass(frozen=True)
class DDTFSettings:
    """Patch size, patch step on reconstruction, learning (iterations, patches drawn, seed),
    threshold (None: ``factor`` × the noise estimate) and POCS iterations."""

    patch: tuple[int, ...] = (8, 8, 8)
    step: tuple[int, ...] | None = None  # None: a quarter of the patch
    iterations: int = 20
    n_patches: int = 20000
    threshold: float | None = None
    factor: float = 3.0
    seed: int = 0
    pocs_iterations: int = 30
    relearn: int = 3  # POCS: frames learned (the first from the zero-filled data)
    adaptive: bool = True  # denoising: despike, whiten the noise in time, scale it locally
    leakage: bool = True  # denoising: put back what was removed coherently (signal leakage)

    def for_ndim(self, ndim: int) -> DDTFSettings:
        """These settings for ``ndim``-D data: a 3D patch's last axes for 2D data."""
        patch = tuple(int(p) for p in self.patch)
        if len(patch) == 3 and ndim == 2:
            patch = patch[1:]
        elif len(patch) == 2 and ndim == 3:
            patch = (patch[0], *patch)
        step = self.step
        if step is None or len(step) != len(patch):
            step = tuple(max(p // 4, 1) for p in patch)
        return replace(self, patch=patch, step=tuple(int(s) for s in step))


def check_finite(x: np.ndarray, what: str = "the data") -> None:
    """Refuse NaN or Inf samples: they would spread through every patch that holds them."""
    bad = ~np.isfinite(x)
    if bad.any():
        raise ValueError(f"{what} holds {int(bad.sum())} NaN/Inf samples; DDTF needs finite "
                         "samples (fill or mute them first)")


def candidate_patches(x: np.ndarray, settings: DDTFSettings, limit: int) -> np.ndarray:
    """At most ``limit`` patches of ``x`` at positions drawn uniformly: the pool of the
    Monte-Carlo selection and of the noise estimate."""
    return random_patches(x, settings.patch, limit, np.random.default_rng(settings.seed + 1))


@dataclass
class FrameFit:
    """A learned frame W, the threshold used, the noise estimate and the learning report."""

    frame: np.ndarray
    threshold: float
    sigma: float
    report: object = None
    spectrum: np.ndarray | None = None  # noise amplitude per frequency (adaptive denoising)
    level: float | None = None  # typical local noise level after whitening (adaptive)


def fit_frame(pool: np.ndarray, settings: DDTFSettings, *, weight: np.ndarray | None = None,
              init: np.ndarray | None = None, check: Check = None) -> FrameFit:
    """Learn a frame from a pool of patch rows: noise from their finest coefficients, the
    threshold ``factor`` × noise (unless set), ``n_patches`` drawn favouring variance."""
    s = settings
    sigma = noise_sigma(pool, s.patch)
    lam = float(s.threshold) if s.threshold is not None else s.factor * sigma
    pick = select_patches(pool, s.n_patches, np.random.default_rng(s.seed), weight)
    w, rep = learn_frame(pool[pick], s.patch, lam, iterations=s.iterations, init=init,
                         check=check)
    return FrameFit(w, lam, sigma, rep)


def normalise(x: np.ndarray, settings: DDTFSettings, spectrum: np.ndarray | None = None,
              level: float | None = None
              ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None, float | None]:
    """(data despiked, with about white, stationary noise; noise spectrum, local scale,
    typical level) for adaptive settings (:mod:`geodesk.core.processing.ddtf.noise`); the spectrum and the
    typical level are estimated from ``x`` unless given (a survey's, for blocks to agree)."""
    if not settings.adaptive:
        return x, None, None, None
    x = despike(x)
    spec = noise_spectrum(x) if spectrum is None else np.asarray(spectrum)
    if spec.shape != (x.shape[-1] // 2 + 1,):
        raise ValueError(f"the noise spectrum of the frame ({spec.size} frequencies) does not "
                         f"fit traces of {x.shape[-1]} samples")
    xw = whiten(x, spec)
    local = local_mean_difference(xw, settings.patch)
    level = typical_level(local) if level is None else float(level)
    scale = local_scale(local, level)
    return xw / scale, spec, scale, level


def denoise_array(x: np.ndarray, settings: DDTFSettings = DDTFSettings(), *,
                  fit: FrameFit | None = None, check: Check = None,
                  edges: Sequence[tuple[bool, bool]] | None = None,
                  starts: Sequence[int] | None = None) -> tuple[np.ndarray, FrameFit]:
    """``x`` (2D section or 3D volume) denoised by DDTF: a frame learned from ``x`` itself
    unless ``fit`` is given. Returns (denoised float32, the fit used)."""
    x = np.asarray(x, dtype=np.float32)
    s = settings.for_ndim(x.ndim)
    check_finite(x)
    check_patch(x.shape, s.patch)
    xn, spec, scale, level = normalise(x, s, *(() if fit is None else (fit.spectrum,
                                                                         fit.level)))
    if fit is None:
        fit = fit_frame(candidate_patches(xn, s, 4 * s.n_patches), s, check=check)
        fit.spectrum, fit.level = spec, level
    out = map_patches(xn, s.patch, s.step, shrink(fit.frame, fit.threshold), edges=edges,
                      starts=starts, check=check)
    if spec is not None:
        out = unwhiten(out * scale, spec)
    if s.leakage:  # per section (each inline of a volume): traces x samples
        out = retrieve_leakage(x, out)
    return out, fit


def _observed_sigma(x: np.ndarray, mask: np.ndarray, patch_t: int) -> float:
    """Noise estimate from the observed traces only, on time windows (the finest DCT
    frequencies along time), so that the gaps' edges do not count as noise."""
    traces = x.reshape(-1, x.shape[-1])[mask.ravel()]
    if traces.size == 0:
        return 0.0
    p = min(int(patch_t), traces.shape[1])
    rows = random_patches(traces, (1, p), 50000, np.random.default_rng(0))  # time only
    return noise_sigma(rows, (1, p))


def interpolate_array(x: np.ndarray, mask: np.ndarray, settings: DDTFSettings = DDTFSettings(),
                      *, check: Check = None, progress: Progress = None
                      ) -> tuple[np.ndarray, dict]:
    """Fill the traces of ``x`` where ``mask`` (one bool per trace, True = observed) is False,
    by POCS with the learned frame and a geometrically decreasing threshold; observed traces
    come back unchanged. Returns (filled float32, info)."""
    x = np.asarray(x, dtype=np.float32)
    s = settings.for_ndim(x.ndim)
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != x.shape[:-1]:
        raise ValueError(f"mask {mask.shape} does not match the traces {x.shape[:-1]}")
    check_finite(x)
    check_patch(x.shape, s.patch)
    if not mask.any():
        raise ValueError("the mask removes every trace: nothing is left to interpolate from")
    keep = np.broadcast_to(mask[..., None], x.shape)
    obs = np.where(keep, x, 0.0).astype(np.float32)
    sigma = _observed_sigma(obs, mask, s.patch[-1])
    pool = candidate_patches(obs, s, 4 * s.n_patches)
    w = dct_frame(s.patch)
    lam_max = float(np.abs((pool @ w)[:, 1:]).max()) if pool.size else 0.0
    lam_min = float(s.threshold) if s.threshold is not None else s.factor * sigma
    lam_min = min(max(lam_min, 1e-3 * lam_max), lam_max)
    n_it = max(int(s.pocs_iterations), 1)
    lams = lam_max * (lam_min / lam_max) ** (np.arange(n_it) / max(n_it - 1, 1)) \
        if lam_max > 0 else np.zeros(n_it)
    learn_at = set(np.linspace(0, n_it, max(int(s.relearn), 0), endpoint=False).astype(int))
    est = obs
    for k, lam in enumerate(lams):
        if progress is not None:
            progress(k / n_it, f"POCS iteration {k + 1} of {n_it}")
        if check is not None:
            check()
        if k in learn_at:
            fit = fit_frame(candidate_patches(est, s, 4 * s.n_patches),
                            replace(s, threshold=float(lam)), check=check)
            w = fit.frame
        filled = map_patches(est, s.patch, s.step, shrink(w, float(lam)), check=check)
        est = np.where(keep, obs, filled).astype(np.float32)
    info = {"patch": fmt_patch(s.patch), "iterations": n_it, "sigma": sigma,
            "threshold_start": lam_max, "threshold_end": lam_min,
            "missing_traces": int((~mask).sum()), "frame": w}
    return est, info
