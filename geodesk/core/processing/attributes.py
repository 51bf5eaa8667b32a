"""Seismic attributes per sample: envelope, instantaneous phase and frequency, RMS amplitude,
dominant frequency, local dip, coherence (flat or steered along the local dip), vectorised over
sections and volumes.

Arrays hold traces along the leading axes and time along the last one: a section is (traces,
samples), a volume (inlines, crosslines, samples). Windowed attributes use centred windows of
``window_ms``. Volumes larger than memory go through :func:`attribute_blocks` (inline blocks
with a halo, so the neighbour-based dip and coherence do not change at block edges).
Qt-free and torch-free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

#: Attribute names accepted by :func:`compute_attributes`, in their default order.
ATTRIBUTES = ("envelope", "phase", "frequency", "rms", "dominant_frequency", "dip", "coherence",
              "steered_coherence")
#: Units of each attribute (frequencies in Hz, dip in ms per trace, phase in radians).
UNITS = {"envelope": "amplitude", "phase": "rad", "frequency": "Hz", "rms": "amplitude",
         "dominant_frequency": "Hz", "dip": "ms/trace", "coherence": "0-1",
         "steered_coherence": "0-1"}
#: Gaussian sigma (traces, samples) of the dip that steers :func:`steered_coherence`.
STEERING_SIGMA = (3.0, 4.0)
#: Lines each side a block needs from its neighbours (steered coherence: the gradient, the
#: steering dip's Gaussian radius 4 x 3 and the neighbour line; dip and coherence need less).
HALO_TRACES = 14


def _window(window_ms: float, dt_ms: float) -> int:
    """An odd window length in samples, at least 1."""
    n = round(float(window_ms) / float(dt_ms))
    return max(1, n | 1)


def _smooth_time(x: np.ndarray, n: int) -> np.ndarray:
    from scipy import ndimage  # scipy on first use: every CLI start imports this module

    return ndimage.uniform_filter1d(x, n, axis=-1, mode="reflect") if n > 1 else x


def analytic(x: np.ndarray) -> np.ndarray:
    """The analytic signal of every trace (Hilbert transform along time)."""
    from scipy import signal

    return signal.hilbert(np.asarray(x, dtype=np.float64), axis=-1)


def envelope(x: np.ndarray) -> np.ndarray:
    """Instantaneous amplitude |x + iH(x)|."""
    return np.abs(analytic(x)).astype(np.float32)


def instantaneous_phase(x: np.ndarray) -> np.ndarray:
    """Instantaneous phase in radians, within (-pi, pi]."""
    return np.angle(analytic(x)).astype(np.float32)


def instantaneous_frequency(x: np.ndarray, dt_ms: float, window_ms: float = 0.0) -> np.ndarray:
    """Instantaneous frequency (Hz): the phase advance between neighbouring samples,
    angle(z[n+1] conj(z[n-1])) / (2 dt) / 2pi, exact for a pure tone and free of unwrapping;
    with ``window_ms`` its envelope^2-weighted average over the window, which stays stable
    where the envelope is small."""
    z = analytic(x)
    step = np.empty(z.shape, dtype=np.float64)
    dt_s = float(dt_ms) / 1000.0
    if z.shape[-1] < 2:
        return np.zeros(z.shape, dtype=np.float32)
    step[..., 1:-1] = np.angle(z[..., 2:] * np.conj(z[..., :-2])) / (2 * dt_s)
    step[..., 0] = np.angle(z[..., 1] * np.conj(z[..., 0])) / dt_s
    step[..., -1] = np.angle(z[..., -1] * np.conj(z[..., -2])) / dt_s
    freq = step / (2 * np.pi)
    if not window_ms:
        return freq.astype(np.float32)
    n = _window(window_ms, dt_ms)
    w = z.real**2 + z.imag**2
    num, den = _smooth_time(freq * w, n), _smooth_time(w, n)
    tiny = 1e-12 * max(float(den.max()), 1e-30)
    return (num / np.maximum(den, tiny)).astype(np.float32)


def rms_amplitude(x: np.ndarray, dt_ms: float, window_ms: float = 24.0) -> np.ndarray:
    """Root-mean-square amplitude over a centred window."""
    x = np.asarray(x, dtype=np.float64)
    return np.sqrt(np.maximum(_smooth_time(x * x, _window(window_ms, dt_ms)), 0.0)
                   ).astype(np.float32)


def dominant_frequency(x: np.ndarray, dt_ms: float, window_ms: float = 40.0) -> np.ndarray:
    """Dominant (RMS) frequency in Hz over a centred window: sqrt(<x'^2> / <x^2>) / 2pi (Barnes'
    second-moment frequency; the frequency itself for a sine)."""
    x = np.asarray(x, dtype=np.float64)
    dx = np.gradient(x, float(dt_ms) / 1000.0, axis=-1)
    n = _window(window_ms, dt_ms)
    num, den = _smooth_time(dx * dx, n), _smooth_time(x * x, n)
    tiny = 1e-12 * max(float(den.max()), 1e-30)
    # a central difference sees sin(w dt) / dt for w: undone with arcsin (exact for a tone)
    dt_s = float(dt_ms) / 1000.0
    w = np.arcsin(np.clip(np.sqrt(num / np.maximum(den, tiny)) * dt_s, 0.0, 1.0)) / dt_s
    return (w / (2 * np.pi)).astype(np.float32)


def local_dip(x: np.ndarray, dt_ms: float, sigma: float | Sequence[float] = 2.0
              ) -> tuple[np.ndarray, ...]:
    """Signed dip (ms per trace) along each trace axis from the gradient structure tensor:
    an event t = t0 + p * trace has p = -<g_trace g_t> / <g_t^2> (Gaussian-smoothed products;
    ``sigma`` one number or one per axis)."""
    x = np.asarray(x, dtype=np.float64)
    gt = np.gradient(x, float(dt_ms), axis=-1)
    from scipy import ndimage

    tt = ndimage.gaussian_filter(gt * gt, sigma, mode="nearest")
    tiny = 1e-12 * max(float(tt.max()), 1e-30)
    dips = []
    for axis in range(x.ndim - 1):
        gx = np.gradient(x, axis=axis) if x.shape[axis] > 1 else np.zeros_like(x)
        xt = ndimage.gaussian_filter(gx * gt, sigma, mode="nearest")
        dips.append((-xt / np.maximum(tt, tiny)).astype(np.float32))
    return tuple(dips)


def dip_magnitude(x: np.ndarray, dt_ms: float, sigma: float = 2.0) -> np.ndarray:
    """Magnitude of the local dip (ms per trace): |p| on a section, sqrt(p_il^2 + p_xl^2) in a
    volume."""
    dips = local_dip(x, dt_ms, sigma)
    return np.sqrt(sum(d.astype(np.float64) ** 2 for d in dips)).astype(np.float32)


def coherence(x: np.ndarray, dt_ms: float, window_ms: float = 20.0) -> np.ndarray:
    """Semblance coherence of each sample's 3-trace (3 x 3 in a volume) neighbourhood over a
    centred time window: (sum of traces)^2 / (N * sum of squares), 1 for identical traces."""
    x = np.asarray(x, dtype=np.float64)
    size = tuple(min(3, s) for s in x.shape[:-1]) + (1,)
    n_tr = int(np.prod(size))
    from scipy import ndimage

    stack = ndimage.uniform_filter(x, size, mode="nearest") * n_tr
    power = ndimage.uniform_filter(x * x, size, mode="nearest") * n_tr
    n = _window(window_ms, dt_ms)
    num, den = _smooth_time(stack * stack, n), _smooth_time(power, n) * n_tr
    tiny = 1e-12 * max(float(den.max()), 1e-30)
    return np.clip(num / np.maximum(den, tiny), 0.0, 1.0).astype(np.float32)


def shifted_trace_neighbour(x: np.ndarray, offset: Sequence[int], shift: np.ndarray
                            ) -> np.ndarray:
    """``x`` at trace ``index + offset`` (edge traces repeated) and time ``t + shift`` samples
    (per sample, linear interpolation, clamped to the trace)."""
    nb = x
    for axis, d in enumerate(offset):
        if d:
            idx = np.clip(np.arange(x.shape[axis]) + d, 0, x.shape[axis] - 1)
            nb = np.take(nb, idx, axis=axis)
    n_t = x.shape[-1]
    t = np.clip(np.arange(n_t, dtype=np.float64) + shift, 0.0, n_t - 1.0)
    t0 = np.minimum(np.floor(t).astype(np.int64), max(n_t - 2, 0))
    frac = t - t0
    lo = np.take_along_axis(nb, t0, axis=-1)
    hi = np.take_along_axis(nb, np.minimum(t0 + 1, n_t - 1), axis=-1)
    return lo + frac * (hi - lo)


def steered_coherence(x: np.ndarray, dt_ms: float, window_ms: float = 20.0) -> np.ndarray:
    """Semblance of each sample's 3-trace (3 x 3) neighbourhood over a centred time window,
    the neighbours read along the local dip (:data:`STEERING_SIGMA`): dipping and folded
    reflectors stay coherent where the flat :func:`coherence` sees them shifted."""
    x = np.asarray(x, dtype=np.float64)
    n_axes = x.ndim - 1
    sigma = (STEERING_SIGMA[0],) * n_axes + (STEERING_SIGMA[1],)
    dips = [d.astype(np.float64) / float(dt_ms) for d in local_dip(x, dt_ms, sigma)]
    stack, power, n_tr = np.zeros_like(x), np.zeros_like(x), 0
    from itertools import product

    for offset in product(*[(-1, 0, 1) if x.shape[a] > 1 else (0,) for a in range(n_axes)]):
        if any(offset):
            nb = shifted_trace_neighbour(x, offset, sum(d * p for d, p in zip(offset, dips)))
        else:
            nb = x
        stack += nb
        power += nb * nb
        n_tr += 1
    n = _window(window_ms, dt_ms)
    num, den = _smooth_time(stack * stack, n), _smooth_time(power, n) * n_tr
    tiny = 1e-12 * max(float(den.max()), 1e-30)
    return np.clip(num / np.maximum(den, tiny), 0.0, 1.0).astype(np.float32)


def compute_attributes(x: np.ndarray, dt_ms: float, names: Sequence[str] = ATTRIBUTES, *,
                       window_ms: float = 24.0) -> np.ndarray:
    """The attributes ``names`` of every sample of ``x``, stacked on a new last axis
    (..., samples, len(names)), float32."""
    x = np.asarray(x, dtype=np.float64)
    check_names(names)
    makers: dict[str, Callable[[], np.ndarray]] = {
        "envelope": lambda: envelope(x),
        "phase": lambda: instantaneous_phase(x),
        "frequency": lambda: instantaneous_frequency(x, dt_ms, window_ms),
        "rms": lambda: rms_amplitude(x, dt_ms, window_ms),
        "dominant_frequency": lambda: dominant_frequency(x, dt_ms, window_ms),
        "dip": lambda: dip_magnitude(x, dt_ms),
        "coherence": lambda: coherence(x, dt_ms, window_ms),
        "steered_coherence": lambda: steered_coherence(x, dt_ms, window_ms),
    }
    return np.stack([makers[n]() for n in names], axis=-1).astype(np.float32)


def check_names(names: Sequence[str]) -> None:
    """Refuse unknown attribute names (ValueError naming the choices)."""
    bad = [n for n in names if n not in ATTRIBUTES]
    if bad or not names:
        raise ValueError(f"unknown attribute(s) {', '.join(bad) or '(none given)'}; choose from "
                         f"{', '.join(ATTRIBUTES)}")


def attribute_blocks(read: Callable[[int, int], np.ndarray], n_lines: int, dt_ms: float,
                     names: Sequence[str] = ATTRIBUTES, *, block: int = 16,
                     window_ms: float = 24.0) -> Iterator[tuple[slice, np.ndarray]]:
    """Attributes of a volume in blocks of lines: ``read(a, b)`` returns lines a..b-1
    (b - a, traces, samples); yields (lines slice, attributes of those lines). Each block is
    read with :data:`HALO_TRACES` lines each side, so the result equals one whole-volume pass."""
    block = max(int(block), 1)
    for a in range(0, int(n_lines), block):
        b = min(a + block, int(n_lines))
        lo, hi = max(a - HALO_TRACES, 0), min(b + HALO_TRACES, int(n_lines))
        feats = compute_attributes(read(lo, hi), dt_ms, names, window_ms=window_ms)
        yield slice(a, b), feats[a - lo: a - lo + (b - a)]
