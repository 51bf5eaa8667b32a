"""The NMO resampling of one gather as one compiled pass (numba): the same float32 arithmetic
as :func:`geodesk.core.processing.nmo._nmo_numpy` (moveout time, position, linear
interpolation, stretch mute), without its dozen temporaries: 10x cheaper per gather. Used once
loaded; survey-wide passes load it when their size pays for the loading (:func:`prepare`).
"""

from __future__ import annotations

import numpy as np

from geodesk.core.processing.compiled import HAVE_NUMBA, compiled, jit, loaded

#: Samples of NMO work that pay for loading the compiled code: importing numba and loading
#: the cached kernel costs 0.6-1.3 s once per process, the numpy pass ~1.7 ns a sample more
#: (0.49 against 0.29 ms a 60 x 2000 gather, measured on the shared 2-core machine): about
#: 4000 such gathers.
WARM_SAMPLES = 500_000_000


@jit(fastmath=False)
def _nmo_loop(a, x, t0, slow, t_first, dt, limit, out, valid):  # pragma: no cover - compiled
    """``out``/``valid`` (n_x, n_t) of gather ``a`` for |offsets| ``x``, times ``t0`` (ms,
    float32), slowness squared ``slow`` per time; ``limit < 0``: no stretch mute."""
    n_x, n_s = a.shape
    n_t = t0.shape[0]
    top = np.float32(n_s - 1)
    for ix in range(n_x):
        xx = x[ix] * x[ix]
        row = a[ix]
        for j in range(n_t):
            tj = t0[j]
            tm = np.sqrt(tj * tj + xx * slow[j])
            pos = (tm - t_first) / dt
            ok = pos >= 0 and pos <= top
            if limit >= 0:
                if tj > 0:
                    keep = (tm - tj) <= limit * tj
                else:
                    keep = x[ix] == 0
                ok = ok and keep
            if not ok:
                out[ix, j] = 0
                valid[ix, j] = False
                continue
            i0 = min(np.int64(pos), n_s - 2) if n_s > 1 else 0
            w = pos - np.float32(i0)
            lo = row[i0]
            hi = row[i0 + 1] if n_s > 1 else lo
            out[ix, j] = lo + w * (hi - lo)
            valid[ix, j] = True


def compiled_nmo(a: np.ndarray, x: np.ndarray, t: np.ndarray, v: np.ndarray,
                 stretch_mute_pct: float | None) -> tuple[np.ndarray, np.ndarray]:
    """NMO of gather ``a`` (float32) for |offsets| ``x``, times ``t`` (ms) and Vrms ``v`` at
    each time: ``(corrected, valid)``."""
    t32 = np.ascontiguousarray(t, dtype=np.float32)
    slow = (np.float32(1000.0) / np.asarray(v, dtype=np.float32)) ** 2
    out = np.empty(a.shape, dtype=np.float32)
    valid = np.empty(a.shape, dtype=np.bool_)
    limit = np.float32(-1.0 if stretch_mute_pct is None else stretch_mute_pct / 100.0)
    compiled(_nmo_loop)(np.ascontiguousarray(a, dtype=np.float32), np.asarray(x, dtype=np.float32), t32,
              np.ascontiguousarray(slow), np.float32(t[0]), np.float32(t[1] - t[0]), limit,
              out, valid)
    return out, valid


def use_compiled() -> bool:
    """True when the compiled pass is there and already loaded (then it is the cheaper one)."""
    return HAVE_NUMBA and loaded()


def prepare(n_samples: int) -> None:
    """Load the compiled pass when ``n_samples`` of NMO work are about to be done and it pays."""
    if HAVE_NUMBA and n_samples >= WARM_SAMPLES:
        compiled(_nmo_loop)
