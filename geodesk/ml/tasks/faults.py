"""Fault probability on seismic sections with a 2D U-Net (after Wu et al. 2019, FaultSeg).

Input: an inline, crossline or 2D-line section (traces, samples), scaled per section and
resampled in time so its dominant period is ``period_samples`` (the period the network was
trained at; the answer is mapped back to the section's samples). Output: fault probability in
[0, 1] per sample, averaged with the answer for the left-right flipped section (flipped back),
so no dip direction is preferred. ``wavelet_phase="minimum"`` (the interpreter's word that the
data were not zero-phased: a raw dynamite or air-gun signature) converts the section from
minimum to zero phase first, so the faults come out where they are, not a fraction of a
period below (the network is trained on zero-phase sections); ``"auto"`` converts the sections
:func:`~geodesk.core.processing.phase.detect_wavelet_phase` finds minimum phase (labelled
sections, for training, are taken as they are: GeoDesk's training sections are zero phase, and
an interpreter's labels are drawn on the section as shown). The default stays "zero": auto
cost GeoDesk's zero-phase validation draws 0.008 F1 but its held-out training-family draws
0.07 (3 of 24 sections found minimum), for +0.002 on the evaluation family at 10 dB (issue 9,
bench_fault_quality). Loss: binary cross-entropy with the fault samples (a few percent of a
section) weighted by (negatives / positives) ** ``pos_balance``: 1 balances the classes fully
(version 1; it pushes every uncertain sample to 0.5), 0.5 (version 2) half-way.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geodesk.core.processing.denoise_checks import constant_regions
from geodesk.core.processing.phase import detect_wavelet_phase, minimum_to_zero_phase
from geodesk.core.section import Section
from geodesk.ml.base import Prepared
from geodesk.ml.data.normalize import interp_time, normalize, resample_time
from geodesk.ml.data.resample import dominant_period
from geodesk.ml.tasks.common import UNetModel, dead_traces, dilate, f1_tolerant, section_arrays

#: What ``wavelet_phase`` may say of the section's wavelet.
WAVELET_PHASES = ("zero", "minimum", "auto")


class FaultUNet(UNetModel):
    """Fault segmentation of sections: ``predict(section)`` → probability (traces, samples)."""

    task = "faults"
    name = "fault-unet"
    version = 2

    def __init__(self, *, depth: int = 4, width: int = 16, dropout: float = 0.1,
                 lr: float = 1e-3, batch_size: int = 4, patch: tuple[int, int] = (128, 128),
                 epochs: int = 10, steps_per_epoch: int = 100, tile: int = 256,
                 period_samples: float = 10.0, flip_average: bool = True,
                 pos_balance: float = 0.5, wavelet_phase: str = "zero",
                 device: str = "auto", seed: int = 0) -> None:
        self.depth, self.width, self.dropout = depth, width, dropout
        self.lr, self.batch_size, self.patch = lr, batch_size, tuple(patch)
        self.epochs, self.steps_per_epoch = epochs, steps_per_epoch
        self.tile, self.device, self.seed = tile, device, seed
        self.period_samples, self.flip_average = period_samples, flip_average
        self.pos_balance, self.wavelet_phase = pos_balance, wavelet_phase

    @classmethod
    def _upgrade_params(cls, params: dict[str, Any], version: int) -> dict[str, Any]:
        # version 1 saw sections at their own sample rate and balanced the classes fully
        return {"period_samples": 0.0, "pos_balance": 1.0, **params} if version < 2 else params

    def time_scale(self, data: np.ndarray, live: np.ndarray) -> int:
        """Samples the section is resampled to so its dominant period is ``period_samples``
        (its own length when that is 0 or the section has no live signal)."""
        n = data.shape[1]
        if not self.period_samples or not live.any():
            return n
        try:
            period = dominant_period(data, live)
        except ValueError:
            return n
        factor = float(np.clip(float(self.period_samples) / period, 0.25, 4.0))
        return max(int(round(n * factor)), self.min_size)

    def section_phase(self, data: np.ndarray, live: np.ndarray, labelled: bool = False) -> str:
        """The wavelet phase the section is treated as having: ``wavelet_phase``, or for
        "auto" what the detector finds on its live traces ("zero" for a ``labelled`` one)."""
        if self.wavelet_phase != "auto":
            return self.wavelet_phase
        if labelled or not live.any():
            return "zero"
        return detect_wavelet_phase(np.asarray(data)[live]).kind

    def _prepare(self, x: Section | np.ndarray, y: Any = None) -> Prepared:
        data, live = section_arrays(x)
        live = live & ~dead_traces(data)
        zero = zero_filled(data)
        if self.wavelet_phase not in WAVELET_PHASES:
            raise ValueError(f"wavelet_phase must be one of {', '.join(WAVELET_PHASES)}, "
                             f"got {self.wavelet_phase!r}")
        if self.section_phase(data, live, labelled=y is not None) == "minimum":
            data = np.where(zero, 0.0, minimum_to_zero_phase(data, live)).astype(np.float32)
        n_t = data.shape[1]
        target = None if y is None else (np.asarray(y) > 0).astype(np.float32)
        if target is not None and target.shape != data.shape:
            raise ValueError(f"fault labels {target.shape} do not match section {data.shape}")
        inp, scale = normalize(data, live)
        m = self.time_scale(data, live)
        step = n_t / m  # the work sample interval, in the section's samples
        if m != n_t:
            inp = resample_time(inp, 1.0, step)
            if target is not None:  # a label stays where at least a third of a sample was
                target = (interp_time(target, 1.0, step, inp.shape[-1]) >= 0.34
                          ).astype(np.float32)
        mask = np.broadcast_to(live[:, None], inp.shape).astype(np.float32)
        return Prepared(inp[None], None if target is None else target[None], mask,
                        {"live": live, "scale": scale, "n_samples": n_t, "step": step,
                         "zero_filled": zero})

    def _raw(self, inp: np.ndarray, ctx: Any) -> np.ndarray:
        """Network logits; with ``flip_average``, those of the mean probability of the section
        and of its left-right mirror image (mirrored back): exactly flip-equivariant."""
        raw = super()._raw(inp, ctx)
        if not self.flip_average:
            return raw
        mirrored = super()._raw(np.ascontiguousarray(inp[:, ::-1]), ctx)[:, ::-1]
        p = 0.5 * (_sigmoid(raw) + _sigmoid(mirrored))
        p = np.clip(p, 1e-7, 1 - 1e-7)
        return np.log(p / (1 - p)).astype(np.float32)

    def _loss(self, out, target, mask, inp):
        import torch.nn.functional as F

        z, y = out[:, 0], target[:, 0]
        n = mask.sum().clamp_min(1.0)
        frac = ((y * mask).sum() / n).clamp(1e-4, 1 - 1e-4)  # fraction of fault samples
        w_pos = ((1 - frac) / frac).pow(float(self.pos_balance)).clamp(max=1e4)
        pos = F.softplus(-z) * y * w_pos
        neg = F.softplus(z) * (1 - y)
        return ((pos + neg) * mask).sum() / n / (w_pos * frac + (1 - frac))

    def _finish(self, raw: np.ndarray, prep: Prepared) -> np.ndarray:
        prob, n_t = _sigmoid(raw[0]), int(prep.meta["n_samples"])
        if prob.shape[-1] != n_t:
            prob = interp_time(prob, float(prep.meta["step"]), 1.0, n_t)
        prob[~prep.meta["live"]] = 0.0
        prob[prep.meta["zero_filled"]] = 0.0  # no fault can be seen there, nor at its edge
        return prob.astype(np.float32)

    def score(self, X: list, y: list) -> dict[str, float]:
        """Best F1 over thresholds with one-sample tolerance, pooled over the sections."""
        probs = [self.predict(x) for x in X]
        best, best_t = 0.0, 0.5
        for t in np.arange(0.1, 0.95, 0.05):
            f1 = float(np.mean([f1_tolerant(p, np.asarray(lab) > 0, t)
                                for p, lab in zip(probs, y)]))
            if f1 > best:
                best, best_t = f1, float(t)
        return {"f1": best, "threshold": best_t}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def zero_filled(data: np.ndarray, run: int = 5, margin: int = 3) -> np.ndarray:
    """Samples in (or within ``margin`` of) runs of at least ``run`` exact zeros along the
    trace: muted or padded parts of a section, whose edges look like faults to a network."""
    zero = np.asarray(data) == 0
    return dilate(constant_regions(data, run) & zero, margin) if zero.any() else zero
