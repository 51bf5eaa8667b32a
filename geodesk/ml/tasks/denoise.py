"""Random-noise attenuation with DnCNN (residual learning: the network estimates the noise).

Input: a section or gather (traces, samples) scaled by its robust RMS; output: the denoised
section at the input's amplitude, with the input's zero-filled or muted regions (exact constant
runs, :func:`~geodesk.core.processing.denoise_checks.constant_regions`) left as they were.
Loss: mean squared error of the denoised section against the clean one (same scale) on live
traces. On inference, what the network removed coherently from trace to trace (signal, not
random noise) is put back (:mod:`geodesk.core.processing.leakage`; ``leakage=False`` skips it;
``leakage_low`` / ``leakage_high`` are the coherence band over which it goes back; an adapted
model may carry a weaker one, :mod:`geodesk.ml.selfsup`).

2.5D: with ``context`` = c > 0 the network also sees the c sections on each side (neighbouring
inlines of a volume) as extra input channels and denoises the centre one; random noise is
independent between sections while the geology is not, so the neighbours are nearly free
signal. Give ``predict`` a (2c + 1, traces, samples) stack for that; a single section (2D line,
gather) stands in for its own neighbours, which the training shows the network too
(``single_fraction`` of the examples). On a 3D volume, ``average_orientations`` averages the
run along inlines with the run along crosslines (:mod:`geodesk.ml.tasks.denoise_orient`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geodesk.core.processing.denoise_checks import keep_constant_regions
from geodesk.core.processing.leakage import LeakageSettings, retrieve_leakage
from geodesk.core.section import Section
from geodesk.ml.base import Prepared, SeismicModel
from geodesk.ml.data.normalize import clean_nonfinite, normalize
from geodesk.ml.tasks.common import dead_traces, section_arrays


def snr_db(clean: np.ndarray, estimate: np.ndarray) -> float:
    """10 log10(P_clean / P_(estimate - clean)) in dB."""
    s = np.asarray(clean, dtype=np.float64)
    e = np.asarray(estimate, dtype=np.float64) - s
    return float(10 * np.log10(np.mean(s * s) / max(np.mean(e * e), 1e-30)))


def box_smooth(data: np.ndarray, half: tuple[int, int]) -> np.ndarray:
    """Mean over a (2*h0+1) x (2*h1+1) box (traces x samples), edges mirrored."""
    x = np.pad(np.asarray(data, dtype=np.float64), [(half[0], half[0]), (half[1], half[1])],
               mode="symmetric")
    c = np.cumsum(np.cumsum(np.pad(x, [(1, 0), (1, 0)]), axis=0), axis=1)
    a, b = 2 * half[0] + 1, 2 * half[1] + 1
    box = c[a:, b:] - c[:-a, b:] - c[a:, :-b] + c[:-a, :-b]
    return (box / (a * b)).astype(np.float32)


#: The simple smoothers the denoiser must beat: boxes along traces, samples and both.
SMOOTHERS = ((0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (2, 2), (2, 1))


def best_smoothing_snr_db(noisy: np.ndarray, clean: np.ndarray) -> float:
    """SNR (dB) of the best of the :data:`SMOOTHERS` box filters, chosen knowing the truth."""
    return max(snr_db(clean, box_smooth(noisy, h)) for h in SMOOTHERS)


class DenoiseDnCNN(SeismicModel):
    """DnCNN denoiser: ``predict(section)`` → denoised samples (traces, samples)."""

    task = "denoise"
    name = "denoise-dncnn"
    version = 2

    def __init__(self, *, depth: int = 17, width: int = 64, dropout: float = 0.0,
                 context: int = 1, single_fraction: float = 0.2,
                 lr: float = 1e-3, batch_size: int = 8, patch: tuple[int, int] = (64, 64),
                 epochs: int = 10, steps_per_epoch: int = 100, tile: int = 256,
                 leakage: bool = True, leakage_low: float = LeakageSettings.low,
                 leakage_high: float = LeakageSettings.high,
                 average_orientations: bool = True,
                 device: str = "auto", seed: int = 0) -> None:
        self.depth, self.width, self.dropout = depth, width, dropout
        self.context, self.single_fraction = context, single_fraction
        self.lr, self.batch_size, self.patch = lr, batch_size, tuple(patch)
        self.epochs, self.steps_per_epoch = epochs, steps_per_epoch
        self.tile, self.device, self.seed = tile, device, seed
        self.leakage = bool(leakage)  # put back what was removed coherently (signal)
        # the coherence band over which the removed part goes back (none below, all above)
        self.leakage_low, self.leakage_high = float(leakage_low), float(leakage_high)
        self.average_orientations = bool(average_orientations)  # volumes: inline + crossline

    @classmethod
    def _upgrade_params(cls, params: dict[str, Any], version: int) -> dict[str, Any]:
        if version < 2:  # version 1 saw one section only
            params.setdefault("context", 0)
        return params

    def continue_with(self, **params: Any) -> DenoiseDnCNN:
        """As :meth:`SeismicModel.continue_with`; a wider ``context`` keeps the trained network:
        the first layer gains zero weights for the new outer neighbours, so the model gives the
        same answer until training teaches it to use them."""
        new = int(params.pop("context", self.context))
        old = int(self.context)
        if new < old:
            raise ValueError(f"context can only grow when training on ({old} -> {new})")
        super().continue_with(**params)
        if new != old and not hasattr(self, "net_"):
            self.context = new  # nothing trained yet: the network is built for it later
        elif new != old:
            import torch

            first = self.net_.body[0]
            w = first.weight.data
            grown = torch.zeros((w.shape[0], 2 * new + 1, *w.shape[2:]), dtype=w.dtype,
                                device=w.device)
            grown[:, new - old:new + old + 1] = w
            conv = torch.nn.Conv2d(2 * new + 1, w.shape[0], first.kernel_size,
                                   padding=first.padding).to(w.device)
            conv.weight.data, conv.bias.data = grown, first.bias.data.clone()
            self.net_.body[0] = conv
            self.context = new
            self.optimizer_ = torch.optim.Adam(self.net_.parameters(), lr=float(self.lr))
        return self

    @property
    def min_size(self) -> int:
        return 2 * int(self.depth) + 1

    def _build(self):
        from geodesk.ml.nets.dncnn import DnCNN

        return DnCNN(2 * int(self.context) + 1, depth=int(self.depth), width=int(self.width),
                     dropout=float(self.dropout), out_channels=1)

    def _stack(self, x: Section | np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
        """(sections (k, traces, samples), live of the centre, whether neighbours were given)."""
        if isinstance(x, np.ndarray) and x.ndim == 3:
            k = 2 * int(self.context) + 1
            if x.shape[0] < k or x.shape[0] % 2 == 0:
                raise ValueError(f"{self.name} with context {self.context} takes {k} "
                                 f"neighbouring sections, got {x.shape[0]}")
            mid = x.shape[0] // 2  # a wider stack (training data) gives its centre k
            x = x[mid - k // 2:mid + k // 2 + 1]
            data, live = section_arrays(x[k // 2])
            return np.asarray(x, dtype=np.float32), live, True
        data, live = section_arrays(x)
        return data[None], live, False

    def _prepare(self, x: Section | np.ndarray, y: Any = None) -> Prepared:
        stack, live, full = self._stack(x)
        c = int(self.context)
        data = stack[c] if full else stack[0]
        rng = getattr(self, "rng_", None)
        if not full or (y is not None and rng is not None
                        and rng.random() < float(self.single_fraction)):
            stack = np.repeat(data[None], 2 * c + 1, axis=0)
        live = live & ~dead_traces(data)
        inp, scale = normalize(data, live, clip=1e6)  # no clipping: the output keeps amplitudes
        others = [clean_nonfinite(s, what="neighbouring section") / np.float32(scale)
                  for s in stack]
        others[c] = inp
        mask = np.broadcast_to(live[:, None], data.shape).astype(np.float32)
        target = None
        if y is not None:
            target = (np.asarray(y, dtype=np.float32) / np.float32(scale))[None]
            if target.shape[1:] != data.shape:
                raise ValueError(f"clean section {target.shape[1:]} does not match {data.shape}")
        return Prepared(np.stack(others).astype(np.float32), target, mask,
                        {"live": live, "scale": scale, "inp": inp,
                         "data": np.where(np.isfinite(data), data, np.float32(0.0))})

    def _loss(self, out, target, mask, inp):
        """MSE of the denoised centre (input - estimated noise) against the clean one."""
        m = mask[:, None]
        c = int(self.context)
        centre = inp[:, c:c + 1]
        return ((((centre - out) - target) ** 2) * m).sum() / m.sum().clamp_min(1.0)

    def leakage_settings(self) -> LeakageSettings:
        """The leakage retrieval this model runs on inference (its coherence band)."""
        return LeakageSettings(low=float(self.leakage_low), high=float(self.leakage_high))

    def _finish(self, raw: np.ndarray, prep: Prepared) -> np.ndarray:
        out = (prep.meta["inp"] - raw[0]) * np.float32(prep.meta["scale"])
        out[~prep.meta["live"]] = 0.0
        if self.leakage:
            out = retrieve_leakage(prep.meta["data"], out, self.leakage_settings())
        return keep_constant_regions(prep.meta["data"], out)

    def score(self, X: list, y: list) -> dict[str, float]:
        """Mean SNR gain (dB) over the noisy input, and over the best simple box smoothing."""
        gains, over = [], []
        for x, clean in zip(X, y):
            stack = self._stack(x)[0]
            noisy = stack[stack.shape[0] // 2]
            out = snr_db(clean, self.predict(x))
            gains.append(out - snr_db(clean, noisy))
            over.append(out - best_smoothing_snr_db(noisy, clean))
        return {"snr_gain_db": float(np.mean(gains)),
                "gain_over_smoothing_db": float(np.mean(over))}


def denoise_volume(model: DenoiseDnCNN, volume: np.ndarray, *, ctx: Any = None) -> np.ndarray:
    """``volume`` (inlines, crosslines, samples) denoised: every inline with its neighbours,
    averaged with every crossline with its neighbours when the model averages orientations."""
    from geodesk.ml.tasks.denoise_orient import denoise_slab

    return denoise_slab(model, volume, ctx=ctx)
